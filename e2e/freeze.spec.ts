/**
 * Click-to-freeze in the browser against the real `frost serve` of the iris fixture: choose
 * the probabilities node as the output, freeze, receive the .pb (and its manifest) as
 * downloads and check on the Node side that the file is a servable frozen GraphDef. Then an
 * output the graph does not have: the server's NODE_NOT_FOUND reaches the error banner.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Download } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { repoDir } from './paths.js';

const OUTPUT = 'dnn/head/predictions/probabilities';
const REPLACED = 'random_shuffle_queue_DequeueMany:1';
const TRAINING_OPS = ['QueueDequeueManyV2', 'RandomShuffleQueueV2', 'VarHandleOp', 'VariableV2'];

/** The parts of the manifest (shared/model/freeze-manifest.ts) this spec reads. */
type FreezeManifest = { bytes: number; nodes: { before: number; after: number }; inputs: { name: string; replaces?: string }[] };
type GraphDef = { node: { name: string; op: string }[] };
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
