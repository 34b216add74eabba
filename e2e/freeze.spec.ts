/**
 * Click-to-freeze in the browser against the real `frost serve` of the iris fixture: choose
 * the probabilities node as the output, freeze, receive the .pb (and its manifest) as
 * downloads and check on the Node side that the file is a servable frozen GraphDef. Then an
 * output the graph does not have: the server's NODE_NOT_FOUND reaches the error banner. The live
 * preview (counts, dimmed dropped nodes, an edited placeholder shape that reaches the .pb), and
 * Verify (tfjs, original vs frozen) with its Cancel.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Download, Route } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { repoDir } from './paths.js';

const OUTPUT = 'dnn/head/predictions/probabilities';
const REPLACED = 'random_shuffle_queue_DequeueMany:1';
const PLACEHOLDER = 'random_shuffle_queue_DequeueMany/component_1';
const TRAINING_OPS = ['QueueDequeueManyV2', 'RandomShuffleQueueV2', 'VarHandleOp', 'VariableV2'];

/** The parts of the manifest (shared/model/freeze-manifest.ts) this spec reads. */
type FreezeManifest = { bytes: number; nodes: { before: number; after: number }; inputs: { name: string; replaces?: string }[] };
type GraphDef = { node: { name: string; op: string; attr?: Record<string, { shape?: { dim?: { size: unknown }[] } }> }[] };
type Proto = { tensorflow: { GraphDef: { decode(bytes: Uint8Array): GraphDef } } };

let folder = '';
test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'frost-e2e-freeze-'));
});
test.afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test.describe('click-to-freeze', () => {
  test('"Use as output" on the probabilities, then "Freeze", downloads a frozen GraphDef', async ({ frost, page }) => {
    await frost.open();
    await (await frost.graph.find(OUTPUT)).click();
    await expect(frost.properties.title).toHaveText(OUTPUT);

    const use = frost.properties.root.getByRole('button', { name: 'Use as output', exact: true });
    await expect(use).toHaveAttribute('aria-pressed', 'false');
    await use.click();
    await expect(use).toHaveAttribute('aria-pressed', 'true');
    const freeze = page.getByRole('region', { name: 'Freeze' });
    const chosen = freeze.getByRole('list', { name: 'Chosen outputs' });
    await expect(chosen.getByRole('listitem')).toHaveCount(1);
    await expect(chosen).toContainText(OUTPUT);

    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    const first = page.waitForEvent('download');
    await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();

    const result = freeze.getByRole('region', { name: 'Freeze result' });
    await expect(result.getByRole('status')).toContainText(/^Frozen: 744 → 46 nodes, 8 variables frozen/);
    await expect(result.getByRole('list', { name: 'Frozen graph inputs' })).toContainText(`replaces ${REPLACED}`);
    await expect(result.getByRole('list', { name: 'Input pipeline cuts' })).toContainText('random_shuffle_queue_DequeueMany');
    await expect(frost.alerts).toHaveCount(0);

    const download = await first;
    expect(download.suggestedFilename()).toBe('model.ckpt-2500-frozen.pb');
    const pbPath = join(folder, download.suggestedFilename());
    await download.saveAs(pbPath);
    // The manifest comes as a second download.
    await expect.poll(() => downloads.length).toBe(2);
    const manifestDownload = downloads.find((d) => d.suggestedFilename().endsWith('.manifest.json'));
    expect(manifestDownload?.suggestedFilename()).toBe('model.ckpt-2500-frozen.manifest.json');
    const manifestPath = join(folder, 'manifest.json');
    await manifestDownload!.saveAs(manifestPath);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as FreezeManifest;

    // Node side: the file is a frozen GraphDef without training or input-pipeline ops.
    const { tensorflow } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'proto', 'tf.js')).href)) as Proto;
    const bytes = readFileSync(pbPath);
    expect(bytes.length).toBe(manifest.bytes);
    const graph = tensorflow.GraphDef.decode(bytes);
    expect(graph.node.length).toBe(manifest.nodes.after);
    expect(graph.node.filter((n) => TRAINING_OPS.includes(n.op)).map((n) => `${n.name} (${n.op})`)).toEqual([]);
    expect(graph.node.some((n) => n.name === OUTPUT)).toBe(true);
    const input = manifest.inputs.find((i) => i.replaces === REPLACED);
    expect(input, `an input replacing ${REPLACED}`).toBeDefined();
    expect(graph.node.find((n) => n.name === input!.name.replace(/:0$/, ''))?.op).toBe('Placeholder');
  });

  test('live preview (counts, dimmed dropped nodes, warnings), an edited placeholder shape reaches the .pb, then Verify', async ({ frost, page }) => {
    await frost.open();
    await (await frost.graph.find(OUTPUT)).click();
    await frost.properties.root.getByRole('button', { name: 'Use as output', exact: true }).click();
    const freeze = page.getByRole('region', { name: 'Freeze' });
    const preview = freeze.getByRole('region', { name: 'Freeze preview' });
    await expect(preview.getByLabel('Preview counts')).toContainText('Keeps 46 of 744 nodes');
    await expect(preview.getByLabel('Preview counts')).toContainText('8 variables frozen');
    const placeholders = preview.getByRole('list', { name: 'Placeholders' });
    await expect(placeholders).toContainText(`${PLACEHOLDER} replaces ${REPLACED}`);
    const shape = placeholders.getByRole('textbox', { name: `shape of ${PLACEHOLDER}` });
    await expect(shape).toHaveValue('[-1, 4]');
    await expect(placeholders.getByRole('combobox', { name: `dtype of ${PLACEHOLDER}` })).toHaveValue('float32');
    await expect(preview.getByRole('list', { name: 'Preview warnings' })).toContainText('delivered training batches of 128');

    // The drawn graph dims what the freeze drops and keeps the output's ancestors bright.
    await frost.canvas.graphTab.click();
    await expect(frost.canvas.node('init')).toHaveClass(/gv-dropped/);
    await expect(frost.canvas.node('concat')).toHaveClass(/gv-dropped/);
    await expect(frost.canvas.group('save', false)).toHaveClass(/gv-dropped/);
    await expect(frost.canvas.group('random_shuffle_queue_DequeueMany', false)).not.toHaveClass(/gv-dropped/);
    await expect(frost.canvas.group('dnn', false)).not.toHaveClass(/gv-dropped/);
    await frost.canvas.group('dnn', false).click();
    await frost.canvas.group('dnn/logits', false).click();
    await expect(frost.canvas.node('dnn/logits/MatMul')).toBeVisible();
    await expect(frost.canvas.node('dnn/logits/MatMul')).not.toHaveClass(/gv-dropped/);
    // The chosen output is marked on the drawing (search jumps to it, opening its groups).
    await frost.canvas.search.fill(OUTPUT);
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().click();
    await expect(frost.canvas.node(OUTPUT)).toHaveAttribute('data-output', 'true');
    await expect(frost.canvas.node('dnn/logits/MatMul')).not.toHaveAttribute('data-output', 'true');
    // Shift+click on the drawing adds an output (and removes it again).
    await frost.canvas.node('dnn/logits/MatMul').click({ modifiers: ['Shift'] });
    await expect(frost.canvas.node('dnn/logits/MatMul')).toHaveAttribute('data-output', 'true');
    await expect(freeze.getByRole('button', { name: 'Remove output dnn/logits/MatMul' })).toBeVisible();
    await frost.canvas.node('dnn/logits/MatMul').click({ modifiers: ['Shift'] });
    await expect(frost.canvas.node('dnn/logits/MatMul')).not.toHaveAttribute('data-output', 'true');

    // Edit the placeholder: the preview follows, and the frozen .pb gets that shape.
    await shape.fill('[128, 4]');
    await shape.press('Enter');
    await expect(placeholders.getByRole('textbox', { name: `shape of ${PLACEHOLDER}` })).toHaveValue('[128, 4]');
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();
    const result = freeze.getByRole('region', { name: 'Freeze result' });
    await expect(result.getByRole('list', { name: 'Frozen graph inputs' })).toContainText(`${PLACEHOLDER} float32 [128, 4]`);
    await expect.poll(() => downloads.length).toBe(2);
    const pb = downloads.find((d) => d.suggestedFilename().endsWith('.pb'));
    const pbPath = join(folder, 'edited.pb');
    await pb!.saveAs(pbPath);
    const { tensorflow } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'proto', 'tf.js')).href)) as Proto;
    const node = tensorflow.GraphDef.decode(readFileSync(pbPath)).node.find((n) => n.name === PLACEHOLDER);
    expect(node?.op).toBe('Placeholder');
    expect(node?.attr?.['shape']?.shape?.dim?.map((d) => Number(d.size))).toEqual([128, 4]);

    // Verify: the original (queue fed, variables from the checkpoint) and the frozen graph agree.
    const verify = freeze.getByRole('region', { name: 'Verify' });
    await verify.getByRole('button', { name: 'Verify', exact: true }).click();
    const table = verify.getByRole('table', { name: 'Verify results' });
    const row = table.getByRole('row').filter({ hasText: OUTPUT });
    await expect(row).toContainText('pass');
    await expect(row).toContainText('[128, 3]');
    const diff = Number(await row.getByRole('cell').nth(3).textContent());
    expect(diff).toBeLessThanOrEqual(1e-5);
    await expect(verify.getByLabel('Verify summary')).toContainText('All 1 output match within 0.00001');
    await expect(verify.getByLabel('Verify summary')).toContainText('tfjs wasm');
    await expect(frost.alerts).toHaveCount(0);
  });

  test('Verify can be cancelled, and names why a graph cannot run', async ({ frost, page }) => {
    await frost.open();
    await (await frost.graph.find(OUTPUT)).click();
    await frost.properties.root.getByRole('button', { name: 'Use as output', exact: true }).click();
    const freeze = page.getByRole('region', { name: 'Freeze' });
    await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();
    await expect(freeze.getByRole('region', { name: 'Freeze result' })).toBeVisible();
    // Hold the verify request until Cancel was sent: the server then starts the job already cancelled.
    let held: Route | undefined;
    await page.route('**/api/freeze:verify', (route) => {
      held = route;
    });
    const verify = freeze.getByRole('region', { name: 'Verify' });
    await verify.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(verify.getByRole('progressbar', { name: 'Verifying' })).toBeVisible();
    await expect.poll(() => held !== undefined).toBe(true);
    const cancelled = page.waitForResponse('**/api/job:cancel');
    await verify.getByRole('button', { name: 'Cancel', exact: true }).click();
    await cancelled;
    await held!.continue();
    await expect(verify).toContainText('Verify cancelled.');
    await expect(verify.getByRole('button', { name: 'Verify', exact: true })).toBeEnabled();
    await expect(frost.alerts).toHaveCount(0);

    // Another batch than the one the graph baked in: both graphs fail, and the reason is shown.
    await page.unroute('**/api/freeze:verify');
    await verify.getByRole('spinbutton', { name: 'Verify batch size' }).fill('5');
    await verify.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(verify.getByLabel('The frozen graph did not run')).toContainText('128,4');
    await expect(verify.getByRole('table', { name: 'Verify results' }).getByRole('row').filter({ hasText: OUTPUT })).toContainText('fail');
    await expect(verify.getByLabel('Verify summary')).toContainText('Not verified');
  });

  test('an output that is not in the graph shows the error banner', async ({ frost, page }) => {
    await frost.open();
    // Force a name the graph does not have into the real freeze:run call.
    await page.route('**/api/freeze:run', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, outputs: ['dnn/no_such_node'] }) });
    });
    await (await frost.graph.find(OUTPUT)).click();
    await frost.properties.root.getByRole('button', { name: 'Use as output', exact: true }).click();
    const freeze = page.getByRole('region', { name: 'Freeze' });
    await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();

    const banner = frost.alerts;
    await expect(banner).toHaveCount(1);
    await expect(banner).toContainText('Could not freeze');
    await expect(banner).toContainText('"dnn/no_such_node"');
    await expect(banner).toHaveAttribute('data-code', 'NODE_NOT_FOUND');
    await expect(freeze.getByRole('status')).toContainText('The graph could not be frozen');
    await expect(freeze.getByRole('button', { name: 'Freeze', exact: true })).toBeEnabled();
  });
});
