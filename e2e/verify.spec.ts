/**
 * The checksum check in the browser: the iris fixture passes; against a generated checkpoint
 * with many tensors (a check that lasts long enough to watch and stop) the progress bar moves
 * with the server-sent progress events and Cancel stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServe } from './global-setup.js';
import { expect, test } from './fixtures.js';
import { repoDir } from './paths.js';

test.describe('checksum verification', () => {
  test('"Verify checksums" checks every tensor of the served fixture', async ({ frost }) => {
    await frost.open();
    await frost.source.verifyButton.click();
    await expect(frost.source.root.getByRole('status')).toHaveText('All 17 tensors match their checksums');
    await expect(frost.source.verifyProgress).toHaveCount(0);
    await expect(frost.source.cancelButton).toHaveCount(0);
    await expect(frost.alerts).toHaveCount(0);
    await expect(frost.source.verifyButton).toBeEnabled();
  });
});

/** Tiny tensors, checked at a test-only pace so the check lasts long enough to watch and stop. */
const MANY = 2_000;

test.describe('a long checksum check', () => {
  let folder = '';
  let server: { url: string; stop(): Promise<void> } | undefined;
  let url = '';

  test.beforeAll(async () => {
    test.setTimeout(60_000);
    folder = mkdtempSync(join(tmpdir(), 'frost-e2e-many-'));
    type Writer = { writeBundleV2(prefix: string, tensors: { key: string; data: { kind: 'numeric'; dtype: number; shape: number[]; bytes: Uint8Array } }[]): Promise<unknown> };
    const { writeBundleV2 } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'checkpoint', 'bundle-writer.js')).href)) as Writer;
    const DT_FLOAT = 1;
    const tensors = Array.from({ length: MANY }, (_, i) => ({ key: `layer_${i}/w`, data: { kind: 'numeric' as const, dtype: DT_FLOAT, shape: [1], bytes: new Uint8Array(new Float32Array([i]).buffer) } }));
    await writeBundleV2(join(folder, 'model.ckpt-1'), tensors);
    // 3 ms per tensor (a test-only server setting): a 6-second check, long enough to stop.
    server = await startServe(folder, { FROST_TEST_JOB_PACE_MS: '3' });
    url = server.url;
  });

  test.afterAll(async () => {
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('shows progress from the server and stops on Cancel', async ({ frost, page }) => {
    test.setTimeout(60_000);
    await page.goto(url);
    await frost.waitFor('ready');
    // Cancel as soon as the job runs: waiting for progress first would race the check's end.
    await frost.source.verifyButton.click();
    const bar = frost.source.verifyProgress;
    await expect(bar).toHaveAttribute('aria-valuemax', String(MANY));
    await expect(frost.source.verifyButton).toBeDisabled();
    await frost.source.cancelButton.click();
    await expect(frost.source.root.getByRole('status')).toHaveText(/^Checksum check cancelled after [\d,]+ of 2,000 tensors\.$/);
    await expect(bar).toHaveCount(0);
    await expect(frost.source.verifyButton).toBeEnabled();
    // Run again to the end: progress events arrive over /api/events and move the bar (polled
    // every frame, since the whole check lasts only a few seconds).
    await frost.source.verifyButton.click();
    await page.waitForFunction(() => Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? 0) > 0, undefined, { polling: 'raf' });
    await expect(frost.source.root.getByRole('status')).toHaveText('All 2,000 tensors match their checksums', { timeout: 30_000 });
  });
});
