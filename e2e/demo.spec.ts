/**
 * What `npm start` shows: the bundled demo checkpoint (dist/demo, written by `npm run build`)
 * served by its own `frost serve`, read the way a first-time user meets it.
 */
import { join } from 'node:path';
import { expect, test } from './fixtures.js';
import { startServe } from './global-setup.js';
import { repoDir } from './paths.js';

const demo = join(repoDir, 'dist', 'demo');
let server: { url: string; stop(): Promise<void> } | undefined;

test.beforeAll(async () => {
  server = await startServe(demo);
});

test.afterAll(async () => {
  await server?.stop();
});

test('the demo opens with its steps, variables, graph and a node’s properties', async ({ frost, page }) => {
  await page.goto(server?.url ?? '');
  await frost.waitFor('ready');
  await expect(frost.source.checkpoints).toContainText('model.ckpt-1000');
  await expect(frost.source.checkpoints).toContainText('model.ckpt-500');
  for (const v of ['hidden/weights', 'hidden/biases', 'logits/weights', 'logits/biases', 'global_step']) await expect(frost.source.row(v)).toBeVisible();
  const node = await frost.graph.find('probabilities');
  await node.click();
  await expect(frost.properties.title).toHaveText('probabilities');
  await expect(frost.properties.root).toContainText('Softmax');
  // The queue pipeline of a TF1 training graph is marked as such.
  await expect(frost.graph.root).toContainText('queue pipeline');
});
