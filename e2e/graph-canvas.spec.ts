import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import type { FrostPage } from './pages/frost-page.js';

/** Distance (px) between the centres of `a` and `b` on screen. */
async function centreOffset(a: Locator, b: Locator): Promise<number> {
  const [ra, rb] = [await a.boundingBox(), await b.boundingBox()];
  if (!ra || !rb) return Infinity;
  return Math.hypot(ra.x + ra.width / 2 - (rb.x + rb.width / 2), ra.y + ra.height / 2 - (rb.y + rb.height / 2));
}

/** Opens the served iris fixture on the Graph tab and waits for the first drawing. */
async function openGraph(frost: FrostPage): Promise<void> {
  await frost.open();
  await frost.canvas.graphTab.click();
  await frost.canvas.group('dnn', false).waitFor();
}

/** The Blob a download delivered, as bytes. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

test.describe('drawn graph view', () => {
  test('draws groups, expands dnn, selects a node, collapses again', async ({ frost, page }, testInfo) => {
    await frost.open();
    const canvas = frost.canvas;
    await expect(canvas.outlineTab).toHaveAttribute('aria-selected', 'true');

    const t0 = Date.now();
    await canvas.graphTab.click();
    await canvas.groups().first().waitFor({ state: 'visible' });
    const firstDrawMs = Date.now() - t0;
    console.log(`iris graph: Graph tab click → first drawn group in ${firstDrawMs} ms`);
    testInfo.annotations.push({ type: 'first-draw-ms', description: String(firstDrawMs) });

    await expect(canvas.graphTab).toHaveAttribute('aria-selected', 'true');
    await expect(canvas.svg).toHaveAttribute('data-state', 'drawn');
    const dnn = canvas.group('dnn', false);
    await expect(dnn).toBeVisible();
    await expect(dnn).toContainText('ops');
    await expect(canvas.nodesUnder('dnn/')).toHaveCount(0);

    await dnn.click();
    await expect(canvas.group('dnn', true)).toBeVisible();
    // dnn holds only scopes (input_from_feature_columns, hiddenlayer_[0-2], logits, head…): open logits for its ops.
    await expect(canvas.group('dnn/logits', false)).toBeVisible();
    await canvas.group('dnn/logits', false).click();
    await expect(canvas.group('dnn/logits', true)).toBeVisible();
    await expect(canvas.nodesUnder('dnn/').first()).toBeVisible();
    await canvas.fitButton.click();

    const node = canvas.node('dnn/logits/MatMul');
    const name = await node.getAttribute('data-node-name');
    expect(name).toMatch(/^dnn\//);
    await node.click();
    await expect(frost.properties.title).toHaveText(name!);
    await expect(node).toHaveAttribute('aria-pressed', 'true');

    await page.screenshot({ path: testInfo.outputPath('graph-expanded.png') });
    // Zoom in around the open dnn frame (Ctrl+wheel keeps the point under the pointer) for a readable close-up.
    const frame = (await canvas.group('dnn', true).boundingBox())!;
    await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await expect(node).toBeVisible();
    await canvas.svg.screenshot({ path: 'test-results/graph-canvas-expanded.png' });

    // Zoom buttons change the scale; closing the group hides its nodes again.
    const before = await canvas.zoomLevel.textContent();
    await canvas.zoomIn.click();
    await expect(canvas.zoomLevel).not.toHaveText(before!);
    await canvas.header('dnn').click();
    await expect(canvas.group('dnn', false)).toBeVisible();
    await expect(canvas.nodesUnder('dnn/')).toHaveCount(0);

    // Back to the outline: the existing view is still there.
    await canvas.outlineTab.click();
    await expect(frost.graph.tree).toBeVisible();
  });

  test('drag pans and ctrl+wheel zooms without selecting', async ({ frost, page }) => {
    await frost.open();
    await frost.canvas.graphTab.click();
    await frost.canvas.group('dnn', false).waitFor();
    const box = (await frost.canvas.svg.boundingBox())!;
    const dnnBefore = (await frost.canvas.group('dnn', false).boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + 60, { steps: 5 });
    await page.mouse.up();
    const dnnAfter = (await frost.canvas.group('dnn', false).boundingBox())!;
    expect(Math.round(dnnAfter.x - dnnBefore.x)).toBe(60);
    expect(Math.round(dnnAfter.y - dnnBefore.y)).toBe(40);

    const zoom = await frost.canvas.zoomLevel.textContent();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await expect(frost.canvas.zoomLevel).not.toHaveText(zoom!);
  });

  test('Ctrl+F finds nodes by name, op and attr value and jumps to them, opening their groups', async ({ frost, page }) => {
    await openGraph(frost);
    const c = frost.canvas;
    await expect(c.node('dnn/logits/MatMul')).toHaveCount(0);
    await c.svg.click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    await expect(c.search).toBeFocused();

    // By name: the result opens dnn and dnn/logits, lays out, centres and selects the node.
    await c.search.fill('logits/MatMul');
    await c.result('dnn/logits/MatMul').click();
    const node = c.node('dnn/logits/MatMul');
    await expect(node).toBeVisible();
    await expect(node).toHaveAttribute('aria-pressed', 'true');
    await expect(frost.properties.title).toHaveText('dnn/logits/MatMul');
    await expect(c.group('dnn/logits', true)).toBeVisible();
    await expect.poll(() => centreOffset(node, c.svg)).toBeLessThan(3);

    // By op type, from the keyboard: ↓ moves in the list, Enter jumps.
    await c.search.fill('QueueDequeueManyV2');
    await expect(c.result('random_shuffle_queue_DequeueMany')).toContainText('QueueDequeueManyV2');
    await c.search.press('ArrowDown');
    await c.search.press('ArrowUp');
    await c.search.press('Enter');
    await expect(frost.properties.title).toHaveText('random_shuffle_queue_DequeueMany');
    await expect.poll(() => centreOffset(c.node('random_shuffle_queue_DequeueMany'), c.svg)).toBeLessThan(3);

    // By attr value: the queue itself, inside the closed enqueue_input group.
    await c.search.fill('[int64, float32, int32]');
    const hit = c.result('enqueue_input/random_shuffle_queue');
    await expect(hit).toContainText('component_types = [int64, float32, int32]');
    await hit.click();
    await expect(c.node('enqueue_input/random_shuffle_queue')).toBeVisible();
    await expect(c.group('enqueue_input', true)).toBeVisible();
    await expect(frost.properties.title).toHaveText('enqueue_input/random_shuffle_queue');

    await c.search.fill('no such node anywhere');
    await expect(page.getByText('No node matches.')).toBeVisible();
  });

  test('groups open and close from the keyboard and by double-click', async ({ frost, page }) => {
    await openGraph(frost);
    const c = frost.canvas;
    await c.group('dnn', false).focus();
    await page.keyboard.press('Enter');
    await expect(c.group('dnn', true)).toBeVisible();
    await c.header('dnn').focus();
    await page.keyboard.press('ArrowLeft');
    await expect(c.group('dnn', false)).toBeVisible();
    await c.group('dnn', false).focus();
    await page.keyboard.press('ArrowRight');
    await expect(c.group('dnn', true)).toBeVisible();
    await c.header('dnn').focus();
    await page.keyboard.press(' ');
    await expect(c.group('dnn', false)).toBeVisible();
    await expect(c.group('dnn', false)).toHaveAttribute('aria-expanded', 'false');

    // Double-click on an open group's background closes it.
    await c.group('dnn', false).click();
    const frame = c.group('dnn', true);
    await expect(frame).toBeVisible();
    const box = (await frame.locator('rect.gv-frame-body').boundingBox())!;
    await page.mouse.dblclick(box.x + 4, box.y + box.height - 4);
    await expect(c.group('dnn', false)).toBeVisible();

    // The canvas itself pans with the arrow keys.
    const before = (await c.group('dnn', false).boundingBox())!;
    await c.svg.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Math.round(before.x - (await c.group('dnn', false).boundingBox())!.x)).toBe(80);
  });

  test('legend, minimap, shape labels, queue cut markers and focus mode', async ({ frost, page }) => {
    await openGraph(frost);
    const c = frost.canvas;
    // Legend on demand: the families present and the special marks.
    await expect(c.legend).toHaveCount(0);
    await c.button('Legend').click();
    await expect(c.legend).toContainText('Variables');
    await expect(c.legend).toContainText('Queue input pipeline');
    await expect(c.legend).toContainText('Freeze cut');
    await c.button('Legend').click();
    await expect(c.legend).toHaveCount(0);

    // The dequeue's edges into the model carry the freezer's cut marker.
    await expect(c.svg.locator('[data-cut="true"]').first()).toBeVisible();
    await expect(c.svg.locator('.gv-cut')).not.toHaveCount(0);

    // Shape labels on op→op edges once zoomed in enough: open dnn/logits and look closer.
    await c.group('dnn', false).click();
    await c.group('dnn/logits', false).click();
    await c.search.fill('dnn/logits/BiasAdd');
    await c.result('dnn/logits/BiasAdd').click();
    // The iris graph records a fixed batch of 128 (from the dequeue).
    await expect(c.svg.locator('.gv-edge-label', { hasText: 'float32[128,3]' }).first()).toBeVisible();

    // Minimap: clicking its corner moves the view (the zoom stays).
    const zoom = await c.zoomLevel.textContent();
    const mm = (await c.minimap.boundingBox())!;
    const target = c.node('dnn/logits/BiasAdd');
    const frame = c.minimap.locator('rect.gv-minimap-view');
    const at = await frame.getAttribute('x');
    await page.mouse.click(mm.x + 6, mm.y + 6);
    // The view frame now centres on the clicked point: the far top-left corner of the drawing.
    await expect(frame).not.toHaveAttribute('x', at!);
    await expect(c.zoomLevel).toHaveText(zoom!);
    await c.button('Minimap').click();
    await expect(c.minimap).toHaveCount(0);

    // Focus mode: double-click a node; the rest dims; the bar offers hops and a way out.
    await c.search.fill('dnn/logits/BiasAdd');
    await c.result('dnn/logits/BiasAdd').click();
    await target.dblclick();
    await expect(c.focusBar).toContainText('dnn/logits/BiasAdd');
    await expect(target).not.toHaveClass(/gv-unfocused/);
    await expect(c.svg.locator('.gv-unfocused').first()).toBeAttached();
    const within1 = await c.focusBar.textContent();
    await c.focusBar.getByRole('button', { name: 'More hops' }).click();
    await expect(c.focusBar).toContainText('2 hops');
    await expect(c.focusBar).not.toHaveText(within1!);
    await page.keyboard.press('Escape');
    await expect(c.focusBar).toHaveCount(0);
    await expect(c.svg.locator('.gv-unfocused')).toHaveCount(0);
    // …and the toolbar's Focus button toggles it for the selected node.
    await c.button('Focus').click();
    await expect(c.focusBar).toBeVisible();
    await c.focusBar.getByRole('button', { name: 'Exit focus (Esc)' }).click();
    await expect(c.focusBar).toHaveCount(0);
  });

  test('exports the current view as a self-contained SVG and as a PNG', async ({ frost, page }) => {
    await openGraph(frost);
    const c = frost.canvas;
    await c.group('dnn', false).click();
    await expect(c.group('dnn', true)).toBeVisible();

    const svg = await downloaded(page, () => c.button('Export SVG').click());
    expect(svg.name).toMatch(/-graph\.svg$/);
    const text = svg.bytes.toString('utf8');
    // It parses as SVG, holds the drawn labels, and carries its styles inline (no stylesheet).
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        root: root.nodeName,
        error: doc.getElementsByTagName('parsererror').length,
        texts: [...root.querySelectorAll('text')].map((e) => e.textContent ?? ''),
        styled: root.querySelectorAll('rect[style*="fill"]').length,
        classes: root.querySelectorAll('[class]').length,
      };
    }, text);
    expect(parsed).toMatchObject({ root: 'svg', error: 0, classes: 0 });
    expect(parsed.styled).toBeGreaterThan(5);
    expect(parsed.texts.join(' ')).toContain('dnn');
    expect(parsed.texts.some((t) => t.includes('logits'))).toBe(true);

    const png = await downloaded(page, () => c.button('Export PNG').click());
    expect(png.name).toMatch(/-graph\.png$/);
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Width and height from the IHDR chunk: the canvas size at devicePixelRatio 1.
    const box = (await c.svg.boundingBox())!;
    expect(png.bytes.readUInt32BE(16)).toBe(Math.round(box.width));
    expect(png.bytes.readUInt32BE(20)).toBe(Math.round(box.height));
    expect(png.bytes.length).toBeGreaterThan(10_000);
  });
});
