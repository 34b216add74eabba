/**
 * What `npm start` shows: the bundled demo checkpoint (dist/demo, written by `npm run build`)
 * served by its own `frost serve`, read the way a first-time user meets it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from './fixtures.js';
import { repoDir } from './paths.js';

const demo = join(repoDir, 'dist', 'demo');
let server: ChildProcess | undefined;
let url = '';

test.beforeAll(async () => {
  const child = spawn(process.execPath, [join(repoDir, 'bin', 'frost.js'), 'serve', demo, '--no-open', '--port', '0'], { cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`frost serve ${demo} did not start: ${out}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
});

test.afterAll(() => {
  server?.kill('SIGTERM');
});

test('the demo opens with its steps, variables, graph and a node’s properties', async ({ frost, page }) => {
  await page.goto(url);
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
