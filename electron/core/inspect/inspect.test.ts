/** verifySource: progress per tensor, damaged tensors listed, cancellation between tensors. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleV2, type BundleTensor } from '../checkpoint/bundle-writer.js';
import { openSource, type Source } from '../source/open-source.js';
import { DT } from '../tensor/dtype.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { expectFrost } from '../../../test/expect-frost.js';
import { verifySource } from './inspect.js';

const base = mkdtempSync(join(tmpdir(), 'frost-verify-'));
const f32 = (values: number[]): TensorData => ({
  kind: 'numeric',
  dtype: DT.FLOAT,
  shape: [values.length],
  bytes: new Uint8Array(new Float32Array(values).buffer),
});
const tensors: BundleTensor[] = ['a', 'b', 'c', 'd', 'e'].map((key, i) => ({ key, data: f32([i, i + 0.5, i + 0.25]) }));

let clean: Source;
afterAll(async () => {
  await clean?.close();
  rmSync(base, { recursive: true, force: true });
});
beforeAll(async () => {
  mkdirSync(join(base, 'clean'));
  mkdirSync(join(base, 'bad'));
  await writeBundleV2(join(base, 'clean', 'model.ckpt-1'), tensors);
  clean = await openSource(join(base, 'clean', 'model.ckpt-1'));
});

describe('verifySource', () => {
  it('checks every tensor and reports progress once before and once per tensor', async () => {
    const seen: [number, number][] = [];
    const r = await verifySource(clean, (done, total) => seen.push([done, total]));
    expect(r).toEqual({ tensors: 5, bytes: 60, damaged: [] });
    expect(seen).toEqual([[0, 5], [1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
  });

  it('awaits the pace hook before each tensor (the e2e suite slows checks down with it)', async () => {
    let paced = 0;
    const r = await verifySource(clean, undefined, undefined, async () => {
      paced++;
    });
    expect(r.tensors).toBe(5);
    expect(paced).toBe(5);
  });

  it('lists a damaged tensor with its problem and keeps going', async () => {
    const prefix = join(base, 'bad', 'model.ckpt-1');
    await writeBundleV2(prefix, tensors);
    const data = `${prefix}.data-00000-of-00001`;
    const bytes = readFileSync(data);
    bytes[13] = (bytes[13] ?? 0) ^ 0xff; // inside tensor "b" (bytes 12..23)
    writeFileSync(data, bytes);
    const source = await openSource(prefix);
    try {
      const r = await verifySource(source);
      expect(r.tensors).toBe(5);
      expect(r.damaged).toMatchObject([{ tensor: 'b', code: 'CRC_MISMATCH' }]);
    } finally {
      await source.close();
    }
  });

  it('stops between tensors once the signal is aborted, with a CANCELLED error', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = verifySource(
      clean,
      (done) => {
        seen.push(done);
        if (done === 2) controller.abort();
      },
      controller.signal,
    );
    await expectFrost(run, 'CANCELLED', /after 2 of 5 tensors/);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('does not start when the signal is already aborted', async () => {
    const seen: number[] = [];
    await expectFrost(verifySource(clean, (done) => seen.push(done), AbortSignal.abort()), 'CANCELLED', /after 0 of 5/);
    expect(seen).toEqual([0]);
  });
});
