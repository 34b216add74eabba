/**
 * Previews of huge tensors (issue #8, resource limits): above the threshold a checkpoint
 * tensor is summarized from what the preview shows plus an evenly spaced sample, and is never
 * allocated whole — checked with the fuzzer's allocation watch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleV2 } from '../checkpoint/bundle-writer.js';
import { watchAllocations } from '../fuzz/run-case.js';
import { openSource, type Source } from '../source/open-source.js';
import { DT } from './dtype.js';
import { previewTensor } from './preview.js';
import { hugeTensorSummary } from './sampled-summary.js';

const N = 1000 * 1000; // 4 MB of float32 holding 0, 1, 2, …
let dir: string;
let source: Source;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-huge-'));
  const values = new Float32Array(N);
  for (let i = 0; i < N; i++) values[i] = i;
  await writeBundleV2(join(dir, 'model.ckpt-1'), [
    { key: 'big', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [1000, 1000], bytes: new Uint8Array(values.buffer) } },
    { key: 'small', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [2], bytes: new Uint8Array(Float32Array.from([1, 2]).buffer) } },
  ]);
  source = await openSource(join(dir, 'model.ckpt-1'));
});

afterAll(async () => {
  await source?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('summaries of huge tensors', () => {
  it('show the same preview as a full read, with sampled stats, without allocating the tensor', async () => {
    let largest = 0;
    const restore = watchAllocations((bytes) => {
      largest = Math.max(largest, bytes);
    });
    let s;
    try {
      s = await hugeTensorSummary(source, 'big', { above: 1024 * 1024, sampleElements: 64 * 1024 });
    } finally {
      restore();
    }
    expect(largest).toBeLessThan(N); // the whole tensor is 4 N bytes
    expect(s).toBeDefined();
    const full = await source.reader?.read('big');
    expect(s?.preview).toBe(previewTensor(full as NonNullable<typeof full>));
    expect(s?.stats?.sampled).toBe(true);
    expect(s?.stats?.min).toBe(0);
    expect(s?.stats?.max).toBe(N - 1);
    expect(Math.abs((s?.stats?.mean ?? 0) - (N - 1) / 2)).toBeLessThan(N / 100);
    expect(s?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(s?.stats?.count);
    expect(s).toMatchObject({ name: 'big', origin: 'checkpoint', dtype: 'float32', shape: [1000, 1000], elements: N, bytes: 4 * N });
  });

  it('leave tensors under the threshold to the full read', async () => {
    expect(await hugeTensorSummary(source, 'big')).toBeUndefined(); // 4 MB < 64 MiB
    expect(await hugeTensorSummary(source, 'small', { above: 0 })).toBeDefined();
    expect(await hugeTensorSummary(source, 'nope', { above: 0 })).toBeUndefined();
  });
});
