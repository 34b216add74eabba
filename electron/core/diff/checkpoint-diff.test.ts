// Checkpoint diff on bundles written by Frost's own writer: streamed over several data shards
// in small chunks (the same numbers as reading whole), partitioned and big-endian fallbacks,
// dtype/shape mismatches, keys on one side only, a damaged shard, cancellation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleV2, type BundleTensor } from '../checkpoint/bundle-writer.js';
import { openCheckpoint } from '../checkpoint/reader.js';
import { DT } from '../tensor/dtype.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { diffCheckpoints } from './checkpoint-diff.js';

const dir = mkdtempSync(join(tmpdir(), 'frost-ckdiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f32 = (xs: number[], shape = [xs.length]): TensorData => ({ kind: 'numeric', dtype: DT.FLOAT, shape, bytes: new Uint8Array(new Float32Array(xs).buffer) });
const n = 10_000;
const base = Array.from({ length: n }, (_, i) => Math.sin(i / 7));
// Every 4th element moves by (i mod 10) / 100, so the numbers below can be worked out by hand.
const moved = base.map((x, i) => (i % 4 === 0 ? x + (i % 10) / 100 : x));

function tensors(values: number[], extra: BundleTensor[]): BundleTensor[] {
  return [
    { key: 'big', data: f32(values), shard: 1 },
    { key: 'same', data: f32([1, 2, 3]), shard: 0 },
    { key: 'part', dtype: DT.FLOAT, shape: [4], slices: [{ start: [0], data: f32(values.slice(4, 6)) }, { start: [2], data: f32(values.slice(6, 8)), shard: 1 }] },
    ...extra,
  ];
}

beforeAll(async () => {
  await writeBundleV2(join(dir, 'a'), tensors(base, [{ key: 'onlyA', data: f32([1]) }, { key: 'reshaped', data: f32([1, 2, 3, 4], [4]) }, { key: 'retyped', data: f32([1]) }]), { numShards: 2 });
  await writeBundleV2(join(dir, 'b'), tensors(moved, [{ key: 'onlyB', data: f32([1]) }, { key: 'reshaped', data: f32([1, 2, 3, 4], [2, 2]) }, { key: 'retyped', data: { kind: 'numeric', dtype: DT.DOUBLE, shape: [1], bytes: new Uint8Array(8) } }]), { numShards: 2 });
  await writeBundleV2(join(dir, 'big-endian'), tensors(moved, []), { numShards: 2, endianness: 'big' });
});

/** The statistics of `base` → `moved`, computed element by element in plain float64. */
function expected(): { changed: number; maxAbs: number; meanAbs: number; relL2: number; cosine: number } {
  let changed = 0;
  let maxAbs = 0;
  let sumAbs = 0;
  let d2 = 0;
  let a2 = 0;
  let b2 = 0;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.fround(base[i] as number);
    const b = Math.fround(moved[i] as number);
    if (a !== b) changed++;
    maxAbs = Math.max(maxAbs, Math.abs(b - a));
    sumAbs += Math.abs(b - a);
    d2 += (b - a) ** 2;
    a2 += a * a;
    b2 += b * b;
    dot += a * b;
  }
  return { changed, maxAbs, meanAbs: sumAbs / n, relL2: Math.sqrt(d2) / Math.sqrt(a2), cosine: dot / Math.sqrt(a2 * b2) };
}

describe('diffCheckpoints', () => {
  it('streams whole tensors from two shards in small chunks and gets the element-by-element numbers', async () => {
    const a = await openCheckpoint(join(dir, 'a'));
    const b = await openCheckpoint(join(dir, 'b'));
    const progress: number[] = [];
    const d = await diffCheckpoints(a, b, { chunkSize: 1024, onProgress: (done) => progress.push(done) });
    const big = d.variables.find((v) => v.key === 'big');
    const want = expected();
    // Elements with i % 4 = 0 and i % 10 ≠ 0 moved: 2500 − 500 (the multiples of 20) = 2000.
    expect(want.changed).toBe(2000);
    expect(big?.status).toBe('compared');
    expect(big?.delta?.changed).toBe(2000);
    expect(big?.delta?.changedPercent).toBe(20);
    expect(big?.delta?.maxAbs).toBe(want.maxAbs);
    expect(big?.delta?.meanAbs).toBeCloseTo(want.meanAbs, 14);
    expect(big?.delta?.relL2).toBeCloseTo(want.relL2, 14);
    expect(big?.delta?.cosine).toBeCloseTo(want.cosine, 14);
    expect(d.variables.find((v) => v.key === 'same')?.delta).toMatchObject({ changed: 0, maxAbs: 0, relL2: 0, cosine: 1 });
    expect(d.variables.find((v) => v.key === 'part')).toMatchObject({ partitioned: true, status: 'compared', delta: { elements: 4, changed: 1 } });
    expect(d.variables.find((v) => v.key === 'reshaped')).toMatchObject({ status: 'shape', shapeA: [4], shapeB: [2, 2] });
    expect(d.variables.find((v) => v.key === 'retyped')).toMatchObject({ status: 'dtype', dtypeA: 'float32', dtypeB: 'float64' });
    expect(d.onlyInA).toEqual([{ key: 'onlyA', dtype: 'float32', shape: [1] }]);
    expect(d.onlyInB).toEqual([{ key: 'onlyB', dtype: 'float32', shape: [1] }]);
    expect(d.totals).toMatchObject({ compared: 3, changed: 2, unchanged: 1, mismatched: 2, unreadable: 0, bytesRead: 2 * (4 * n + 12 + 16) });
    // Progress climbs chunk by chunk (40 KB per side in 1 KB chunks) to the total.
    expect(progress.length).toBeGreaterThan(40);
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] as number))).toBe(true);
    await a.close();
    await b.close();
  });

  it('gets the same numbers from the WebAssembly SIMD kernel and the JS kernel', async () => {
    const a = await openCheckpoint(join(dir, 'a'));
    const b = await openCheckpoint(join(dir, 'b'));
    // 4000 bytes per chunk: not a multiple of 16 elements' worth, so the JS tail path runs too.
    const simd = (await diffCheckpoints(a, b, { chunkSize: 4000 })).variables.find((v) => v.key === 'big')?.delta;
    const js = (await diffCheckpoints(a, b, { chunkSize: 4000, simd: false })).variables.find((v) => v.key === 'big')?.delta;
    expect(simd?.changed).toBe(js?.changed);
    expect(simd?.maxAbs).toBe(js?.maxAbs);
    for (const k of ['meanAbs', 'relL2', 'cosine'] as const) expect(simd?.[k]).toBeCloseTo(js?.[k] ?? NaN, 14);
    await a.close();
    await b.close();
  });

  it('reads big-endian bundles whole and gets the same numbers', async () => {
    const a = await openCheckpoint(join(dir, 'a'));
    const be = await openCheckpoint(join(dir, 'big-endian'));
    const d = await diffCheckpoints(a, be);
    const want = expected();
    const big = d.variables.find((v) => v.key === 'big');
    expect(big?.delta).toMatchObject({ changed: want.changed, maxAbs: want.maxAbs });
    expect(big?.delta?.relL2).toBeCloseTo(want.relL2, 14);
    await a.close();
    await be.close();
  });

  it('reports a damaged data shard as unreadable for the tensors stored there, and compares the rest', async () => {
    const damaged = join(dir, 'damaged');
    await writeBundleV2(damaged, tensors(moved, []), { numShards: 2 });
    const shard = `${damaged}.data-00001-of-00002`;
    const bytes = readFileSync(shard);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(shard, bytes);
    const a = await openCheckpoint(join(dir, 'a'));
    const b = await openCheckpoint(damaged);
    const d = await diffCheckpoints(a, b);
    expect(d.variables.find((v) => v.key === 'big')).toMatchObject({ status: 'unreadable', problem: expect.stringMatching(/Checksum mismatch for tensor "big"/) });
    expect(d.variables.find((v) => v.key === 'same')?.status).toBe('compared');
    expect(d.totals.unreadable).toBe(1);
    await a.close();
    await b.close();
  });

  it('stops with CANCELLED when its signal is aborted', async () => {
    const a = await openCheckpoint(join(dir, 'a'));
    const b = await openCheckpoint(join(dir, 'b'));
    const controller = new AbortController();
    const run = diffCheckpoints(a, b, { chunkSize: 1024, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    await a.close();
    await b.close();
  });
});
