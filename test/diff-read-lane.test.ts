/**
 * The checkpoint diff's read lane (electron/core/diff/read-lane.ts) in the compiled build, the
 * only place its worker file exists: the same numbers as streaming on one thread (the chunks
 * are merged in the same order), for float32 through the SIMD kernel and other dtypes through
 * JS, across ring wrap-arounds and a tail; a damaged shard, a cancel, a concurrent diff.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as WriterModule from '../electron/core/checkpoint/bundle-writer.js';
import type * as ReaderModule from '../electron/core/checkpoint/reader.js';
import type * as DiffModule from '../electron/core/diff/checkpoint-diff.js';
import type * as LaneModule from '../electron/core/diff/read-lane.js';
import type { TensorData } from '../electron/core/tensor/tensor-data.js';
import { DT } from '../electron/core/tensor/dtype.js';
import { repoRoot } from './fixtures.js';

const dist = (p: string): string => pathToFileURL(join(repoRoot, 'dist', 'electron', 'core', p)).href;
const { writeBundleV2 } = (await import(dist('checkpoint/bundle-writer.js'))) as typeof WriterModule;
const { openCheckpoint } = (await import(dist('checkpoint/reader.js'))) as typeof ReaderModule;
const { diffCheckpoints } = (await import(dist('diff/checkpoint-diff.js'))) as typeof DiffModule;
const { leaseLane, ReadLane } = (await import(dist('diff/read-lane.js'))) as typeof LaneModule;

/** Counts the tensors streamed through the lane. */
let streamed = 0;
const stream = ReadLane.prototype.stream;
ReadLane.prototype.stream = function (this: LaneModule.ReadLane, ...args: Parameters<typeof stream>) {
  streamed++;
  return stream.apply(this, args);
};

const dir = mkdtempSync(join(tmpdir(), 'frost-lane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = 50_003; // not a multiple of 4: a tail the JS path compares
const bytesOf = (a: Float32Array | Float64Array | Int32Array): Uint8Array => new Uint8Array(a.buffer);
function tensors(shift: number): WriterModule.BundleTensor[] {
  const f = new Float32Array(n).map((_, i) => Math.sin(i / 13) + (i % 3 === 0 ? shift * (i % 7) : 0));
  const d = new Float64Array(n).map((_, i) => Math.cos(i / 5) + (i % 5 === 0 ? shift : 0));
  const k = new Int32Array(n).map((_, i) => i + (i % 11 === 0 ? Math.round(shift * 1e3) : 0));
  const t = (dtype: number, bytes: Uint8Array): TensorData => ({ kind: 'numeric', dtype, shape: [n], bytes });
  return [
    { key: 'f32', data: t(DT.FLOAT, bytesOf(f)), shard: 1 },
    { key: 'f64', data: t(DT.DOUBLE, bytesOf(d)) },
    { key: 'i32', data: t(DT.INT32, bytesOf(k)), shard: 1 },
  ];
}

beforeAll(async () => {
  await writeBundleV2(join(dir, 'a'), tensors(0), { numShards: 2 });
  await writeBundleV2(join(dir, 'b'), tensors(0.001), { numShards: 2 });
});

async function both<T>(fn: (a: ReaderModule.CheckpointReader, b: ReaderModule.CheckpointReader) => Promise<T>, b = 'b'): Promise<T> {
  const ra = await openCheckpoint(join(dir, 'a'));
  const rb = await openCheckpoint(join(dir, b));
  try {
    return await fn(ra, rb);
  } finally {
    await ra.close();
    await rb.close();
  }
}

describe('the read lane (compiled build)', () => {
  it('starts where a compiled worker exists', () => {
    const lease = leaseLane(4096, 4);
    expect(lease?.lane.usable).toBe(true);
    lease?.release();
  });

  it('gets exactly the numbers of the one-thread stream, for every dtype, through ring wrap-arounds', async () => {
    // 4 KiB chunks in a 4-slot ring: each 200 KB tensor wraps the ring a dozen times.
    const progress: number[] = [];
    streamed = 0;
    const lane = await both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true, onProgress: (done) => progress.push(done) }));
    expect(streamed).toBe(3);
    const here = await both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: false }));
    expect(streamed).toBe(3);
    expect(lane.variables.map((v) => v.delta)).toEqual(here.variables.map((v) => v.delta));
    expect(lane.variables.map((v) => [v.key, v.status, v.delta?.changed])).toEqual([
      ['f32', 'compared', here.variables[0]?.delta?.changed],
      ['f64', 'compared', Math.ceil(n / 5)],
      ['i32', 'compared', Math.ceil(n / 11)],
    ]);
    expect(here.variables[0]?.delta?.changed).toBeGreaterThan(n / 4);
    expect(lane.totals.bytesRead).toBe(here.totals.bytesRead);
    expect(progress.length).toBeGreaterThan(100);
    expect(progress.at(-1)).toBe(lane.totals.bytesRead);
  });

  it('finds a damaged shard by its checksum on either side', async () => {
    for (const side of ['a', 'b'] as const) {
      const damaged = join(dir, `damaged-${side}`);
      await writeBundleV2(damaged, tensors(side === 'a' ? 0 : 0.001), { numShards: 2 });
      const shard = `${damaged}.data-00001-of-00002`;
      const bytes = readFileSync(shard);
      bytes[5000] = (bytes[5000] ?? 0) ^ 0x10;
      writeFileSync(shard, bytes);
      const ra = await openCheckpoint(side === 'a' ? damaged : join(dir, 'a'));
      const rb = await openCheckpoint(side === 'b' ? damaged : join(dir, 'b'));
      const d = await diffCheckpoints(ra, rb, { chunkSize: 4096, lane: true });
      await ra.close();
      await rb.close();
      expect(d.variables.find((v) => v.key === 'f32')).toMatchObject({ status: 'unreadable', problem: expect.stringMatching(new RegExp(`Checksum mismatch for tensor "f32" in .*damaged-${side}`)) });
      expect(d.variables.find((v) => v.key === 'f64')?.status).toBe('compared');
    }
  });

  it('stops with CANCELLED mid-stream and serves the next diff', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true, signal: controller.signal, onProgress: () => ++calls === 5 && controller.abort() }));
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBeLessThan(20);
    const again = await both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true }));
    expect(again.totals).toMatchObject({ compared: 3, unreadable: 0 });
  });

  it('lends the lane to one diff at a time; a concurrent diff streams on its own', async () => {
    streamed = 0;
    const [x, y] = await Promise.all([
      both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true })),
      both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true })),
    ]);
    expect(x.variables.map((v) => v.delta)).toEqual(y.variables.map((v) => v.delta));
    expect(streamed).toBe(3);
  });

  it('compares a tensor again on this thread when the worker stops, and starts a new worker for the next diff', async () => {
    const original = ReadLane.prototype.stream;
    ReadLane.prototype.stream = function (this: LaneModule.ReadLane, ...args: Parameters<typeof stream>) {
      ReadLane.prototype.stream = original;
      // The worker dies after the first chunk of the first tensor.
      const [job, onChunk, signal] = args;
      let chunks = 0;
      return original.call(this, job, (slot, len) => {
        onChunk(slot, len);
        if (++chunks === 1) void this.close();
      }, signal);
    };
    const progress: number[] = [];
    const d = await both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: true, onProgress: (done, total) => progress.push(done / total) }));
    const here = await both((a, b) => diffCheckpoints(a, b, { chunkSize: 4096, lane: false }));
    expect(d.variables.map((v) => v.delta)).toEqual(here.variables.map((v) => v.delta));
    expect(d.totals).toMatchObject({ compared: 3, unreadable: 0, bytesRead: here.totals.bytesRead });
    // The first tensor's progress went back when it was compared again.
    expect(progress.some((p, i) => i > 0 && p < (progress[i - 1] as number))).toBe(true);
    expect(Math.max(...progress)).toBe(1);
    const lease = leaseLane(4096, 4);
    expect(lease?.lane.usable).toBe(true);
    lease?.release();
  });

  it('holds the process while it streams and never after (a CLI run ends when its diff does)', () => {
    // Unref'd when idle, ref'd while streaming: without the latter the process would exit
    // with the diff unsettled, without the former it would wait for the idle timer (30 s).
    const script = `
      const { openCheckpoint } = await import(${JSON.stringify(dist('checkpoint/reader.js'))});
      const { diffCheckpoints } = await import(${JSON.stringify(dist('diff/checkpoint-diff.js'))});
      const d = await diffCheckpoints(await openCheckpoint(${JSON.stringify(join(dir, 'a'))}), await openCheckpoint(${JSON.stringify(join(dir, 'b'))}), { chunkSize: 4096, lane: true });
      console.log(JSON.stringify({ ...d.totals, problems: d.variables.map((v) => v.problem ?? null) }));`;
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ compared: 3, unreadable: 0 });
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
