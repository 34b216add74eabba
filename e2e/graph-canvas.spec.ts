import { expect, test } from './fixtures.js';

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
});
