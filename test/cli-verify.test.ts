// `frost freeze --verify` (issue #6): the frozen graph and the original run with tfjs, and the
// per-output table is printed; a Verify that cannot pass makes the command exit 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { FreezeManifest } from '../shared/model/freeze-manifest.js';
import type { VerifyFreezeResult } from '../shared/model/verify-freeze.js';
import type * as OpenSourceModule from '../electron/core/source/open-source.js';
import type * as FreezeModule from '../electron/core/freeze/freeze.js';
import type * as VerifyModule from '../electron/core/verify/verify.js';
import { frost, frostJSON } from './cli-helpers.js';
import { fixture, repoRoot } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-cli-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const iris = join(fixture('iris-estimator-queues-2shards'), 'model.ckpt-2500');
const OUTPUT = 'dnn/head/predictions/probabilities';

describe('frost freeze --verify', () => {
  it('prints the table: the iris output agrees at the recorded training batch', async () => {
    const r = await frost('freeze', iris, '--outputs', OUTPUT, '--out', join(tmp, 'a.pb'), '--verify');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Verify \(tfjs wasm, original vs frozen, tolerance 0\.00001, seed 1, \d+ ms\): pass/);
    expect(r.out).toContain('fed random_shuffle_queue_DequeueMany/component_1 float32 [128, 4] (original: random_shuffle_queue_DequeueMany:1)');
    expect(r.out).toMatch(/dnn\/head\/predictions\/probabilities\s+float32\s+\[128, 3\]\s+0\s+pass/);
  });

  it('adds the result to --json, and exits 1 when the graphs cannot run at the asked batch', async () => {
    const j = await frostJSON<FreezeManifest & { verify: VerifyFreezeResult }>('freeze', iris, '--outputs', OUTPUT, '--out', join(tmp, 'b.pb'), '--verify');
    expect(j.verify).toMatchObject({ pass: true, outputs: [{ name: OUTPUT, maxAbsDiff: 0, pass: true }] });
    const bad = await frost('freeze', iris, '--outputs', OUTPUT, '--out', join(tmp, 'c.pb'), '--verify', '--batch', '5');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('the frozen graph did not run: tfjs failed to run the graph: Size(20) must match the product of shape 128,4');
    expect(bad.err).toContain('Verify did not pass');
  });
});

describe('bin/frost.js freeze --verify', () => {
  it('runs tfjs in a worker thread (the compiled build) and keeps its console quiet', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'frost.js'), 'freeze', iris, '--outputs', OUTPUT, '--out', join(tmp, 'p.pb'), '--verify', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { verify: VerifyFreezeResult };
    expect(j.verify).toMatchObject({ ranIn: 'worker', backend: 'wasm', pass: true, outputs: [{ name: OUTPUT, shape: [128, 3], maxAbsDiff: 0 }] });
    expect(r.stderr).toBe('');
  });
});

describe('Verify in its worker thread (compiled build)', () => {
  it('a cancel while tfjs runs terminates the worker and answers CANCELLED', async () => {
    // The compiled modules: only there does a worker file exist beside verify.js.
    const dist = (p: string): string => pathToFileURL(join(repoRoot, 'dist', 'electron', 'core', p)).href;
    const { openSource } = (await import(dist('source/open-source.js'))) as typeof OpenSourceModule;
    const { planFreeze, writeFreeze } = (await import(dist('freeze/freeze.js'))) as typeof FreezeModule;
    const { verifyFreeze } = (await import(dist('verify/verify.js'))) as typeof VerifyModule;
    const source = await openSource(iris);
    try {
      const pb = join(tmp, 'cancel.pb');
      const manifest = await writeFreeze(await planFreeze(source, { outputs: [OUTPUT] }), pb);
      const controller = new AbortController();
      const steps: string[] = [];
      const run = verifyFreeze(source, manifest, pb, {}, {
        signal: controller.signal,
        onProgress: (_done, _total, message) => {
          steps.push(message);
          // The first message from the worker: tfjs is starting there.
          if (message === 'Starting tfjs…') controller.abort();
        },
      });
      const error = await run.then(() => undefined, (e: unknown) => e as { code?: string; message?: string });
      expect(error).toMatchObject({ code: 'CANCELLED', message: 'Verify was cancelled.' });
      expect(steps).toEqual(['Preparing both graphs…', 'Starting tfjs…']);
    } finally {
      await source.close();
    }
  });
});
