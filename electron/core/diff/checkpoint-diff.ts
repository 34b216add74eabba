/**
 * Checkpoint diff (issue #7): per variable, dtype / shape changes and value deltas, and the
 * keys only one side has. Whole tensors of V2 bundles (tf-formats.md §4.3) are streamed in
 * lockstep from both data shards through a small ring of reused buffers, CRC-checked on the
 * way (§4.5), so memory stays at a few chunks however big the checkpoints are. Everything else
 * — V1 tables, big-endian bundles, strings — is read whole through the reader.
 *
 * Partitioned variables (§4.8) are compared as whole tensors by their full checkpoint key,
 * assembled from their slices: two runs may partition the same variable differently, and the
 * full key is what both a graph and a frozen Const refer to.
 */
import { FrostError, isFrostError } from '../errors.js';
import type { CheckpointDiff, VariableDiff } from '../../../shared/model/diff.js';
import type { CheckpointReader, TensorEntryInfo } from '../checkpoint/reader.js';
import { BundleV2Reader, type TensorLocation } from '../checkpoint/bundle-v2.js';
import { RandomAccessFile } from '../io/file.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import { allocateExact } from '../checkpoint/shard-read.js';
import { stepOfPrefix } from '../source/detect.js';
import { DT, dtypeName } from '../tensor/dtype.js';
import { DeltaAccumulator, isComparableDtype } from './tensor-delta.js';
import { createSimdKernel, type SimdKernel } from './simd-kernel.js';
import { leaseLane, type ReadLane } from './read-lane.js';

export interface CheckpointDiffOptions {
  signal?: AbortSignal;
  /** Bytes of payload compared so far, of the total. */
  onProgress?(done: number, total: number, key: string): void;
  /** Streaming chunk, a multiple of 16 (default 2 MiB). */
  chunkSize?: number;
  /** Chunk pairs in flight while one is compared (default 4). */
  readAhead?: number;
  /** false: always use the JS kernel (tests compare the two). */
  simd?: boolean;
  /**
   * The read lane (read-lane.ts): by default used for diffs of at least 2 × 64 MiB and tensors
   * of at least 1 MiB; true uses it for every streamed tensor, false never.
   */
  lane?: boolean;
}

/**
 * 2 MiB chunks, 4 pairs in flight: small enough that a chunk just read is still in the CPU
 * cache when the CRC and the kernel go over it, enough in flight to keep the reads going
 * meanwhile (measured against 1, 4 and 8 MiB in `npm run bench -- diff`).
 */
const DEFAULT_CHUNK = 2 << 20;
const DEFAULT_AHEAD = 4;
/** A diff borrows the read lane when it compares at least this much (starting it costs ~30 ms)... */
const LANE_MIN_TOTAL = 64 << 20;
/** ...and streams tensors of at least this size through it (each costs a round trip). */
const LANE_MIN_TENSOR = 1 << 20;

function cancelled(): FrostError {
  return new FrostError('CANCELLED', 'The diff was cancelled.');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Opened data files, shared by all tensors of one diff run and closed at its end. */
class FilePool {
  private readonly files = new Map<string, Promise<RandomAccessFile>>();
  get(path: string): Promise<RandomAccessFile> {
    let f = this.files.get(path);
    if (!f) {
      f = RandomAccessFile.open(path);
      f.catch(() => undefined);
      this.files.set(path, f);
    }
    return f;
  }
  async close(): Promise<void> {
    for (const f of this.files.values()) await (await f.catch(() => undefined))?.close();
    this.files.clear();
  }
}

/** Where a tensor's bytes can be streamed from, or undefined when it must be read whole. */
function streamable(reader: CheckpointReader, info: TensorEntryInfo): TensorLocation | undefined {
  if (!(reader instanceof BundleV2Reader) || info.dtype === DT.STRING || info.partitions !== undefined) return undefined;
  const loc = reader.locate(info.key);
  return loc && loc.endianness === 'little' ? loc : undefined;
}

function crcError(key: string, loc: TensorLocation, computed: number): FrostError {
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  return new FrostError('CRC_MISMATCH', `Checksum mismatch for tensor ${JSON.stringify(key)} in ${loc.file} (bytes ${loc.offset}..${loc.offset + loc.size}): stored 0x${hex(loc.maskedCrc)}, computed 0x${hex(maskCrc(computed))}. The data file is damaged.`, {
    file: loc.file,
    offset: loc.offset,
  });
}

/** The SIMD kernel, and the read lane filling its ring from another core when a diff has one. */
interface Kernels {
  kernel: SimdKernel;
  lane?: ReadLane;
}

/** Compares one chunk pair (whole elements) into `acc`: the SIMD kernel for float32 in its ring, else JS. */
function compareChunk(acc: DeltaAccumulator, kernel: SimdKernel | undefined, slot: number, a: Uint8Array, b: Uint8Array): void {
  const vectored = kernel ? a.length & ~15 : 0;
  if (kernel && vectored > 0) {
    const n = vectored >> 2;
    acc.addPartial(kernel.run(slot, vectored), new Float32Array(a.buffer, a.byteOffset, n), new Float32Array(b.buffer, b.byteOffset, n));
  }
  if (vectored < a.length) acc.addBytes(a.subarray(vectored), b.subarray(vectored));
}

/**
 * Streams two equally sized payloads chunk by chunk into `acc`: reads of the next pairs are in
 * flight while one pair is compared, and each buffer is reused only after its pair is done.
 * With a read lane, a worker does the reads and side A's checksum instead (read-lane.ts).
 */
async function streamPair(
  pool: FilePool,
  key: string,
  la: TensorLocation,
  lb: TensorLocation,
  acc: DeltaAccumulator,
  options: CheckpointDiffOptions,
  onBytes: (n: number) => void,
  simd: Kernels | undefined,
): Promise<void> {
  const size = la.size;
  const [fa, fb] = await Promise.all([pool.get(la.file), pool.get(lb.file)]);
  const what = `tensor ${JSON.stringify(key)}`;
  fa.checkRange(la.offset, size, what);
  fb.checkRange(lb.offset, size, what);
  // float32 chunks are read straight into the SIMD kernel's memory when there is one.
  const kernel = simd && acc.dtype === DT.FLOAT ? simd.kernel : undefined;
  let crcA = 0;
  let crcB = 0;
  const lane = simd?.lane;
  let viaLane = lane?.usable === true && (options.lane === true || size >= LANE_MIN_TENSOR);
  if (lane && viaLane) {
    // The lane's ring is the kernel's memory whatever the dtype; only float32 uses the kernel.
    const ring = simd?.kernel.buffers ?? [];
    let reported = 0;
    try {
      crcA = await lane.stream({ a: { file: la.file, offset: la.offset }, b: { file: lb.file, offset: lb.offset }, size }, (slot, len) => {
        const pair = ring[slot] as { a: Uint8Array; b: Uint8Array };
        const a = pair.a.subarray(0, len);
        const b = pair.b.subarray(0, len);
        crcB = crc32c(b, crcB);
        compareChunk(acc, kernel, slot, a, b);
        reported += len * 2;
        onBytes(len * 2);
      }, options.signal);
    } catch (e) {
      // A worker that stopped says nothing about the files: compare this tensor again here.
      if (lane.usable || (isFrostError(e) && e.code === 'CANCELLED')) throw e;
      acc.reset();
      onBytes(-reported);
      crcB = 0;
      viaLane = false;
    }
  }
  if (!viaLane) {
    const chunk = kernel ? (kernel.buffers[0]?.a.length ?? 16) : Math.max(16, Math.min(options.chunkSize ?? DEFAULT_CHUNK, size || 16)) & ~15;
    const ahead = kernel ? kernel.buffers.length : Math.max(1, options.readAhead ?? DEFAULT_AHEAD);
    const ring = kernel ? kernel.buffers.map((b) => [b.a, b.b] as const) : Array.from({ length: ahead }, () => [allocateExact(chunk), allocateExact(chunk)] as const);
    const inFlight: { p: Promise<unknown>; a: Uint8Array; b: Uint8Array; slot: number }[] = [];
    let next = 0;
    let slot = 0;
    const request = (): void => {
      const len = Math.min(chunk, size - next);
      const [ba, bb] = ring[slot] as readonly [Uint8Array, Uint8Array];
      const a = ba.subarray(0, len);
      const b = bb.subarray(0, len);
      const p = Promise.all([fa.readInto(a, la.offset + next, what), fb.readInto(b, lb.offset + next, what)]);
      p.catch(() => undefined);
      inFlight.push({ p, a, b, slot });
      slot = (slot + 1) % ahead;
      next += len;
    };
    try {
      while (next < size && inFlight.length < ahead) request();
      while (inFlight.length > 0) {
        const head = inFlight.shift() as { p: Promise<unknown>; a: Uint8Array; b: Uint8Array; slot: number };
        await head.p;
        if (options.signal?.aborted) throw cancelled();
        crcA = crc32c(head.a, crcA);
        crcB = crc32c(head.b, crcB);
        compareChunk(acc, kernel, head.slot, head.a, head.b);
        onBytes(head.a.length * 2);
        if (next < size) request();
      }
    } finally {
      await Promise.allSettled(inFlight.map((r) => r.p));
    }
  }
  if (maskCrc(crcA) !== la.maskedCrc) throw crcError(key, la, crcA);
  if (maskCrc(crcB) !== lb.maskedCrc) throw crcError(key, lb, crcB);
}

function side(reader: CheckpointReader): CheckpointDiff['a'] {
  const step = stepOfPrefix(reader.prefix);
  return { prefix: reader.prefix, ...(step === undefined ? {} : { step }) };
}

function entryJSON(e: TensorEntryInfo): { key: string; dtype: string; shape: number[] } {
  return { key: e.key, dtype: dtypeName(e.dtype), shape: [...e.shape] };
}

export async function diffCheckpoints(a: CheckpointReader, b: CheckpointReader, options: CheckpointDiffOptions = {}): Promise<CheckpointDiff> {
  const started = performance.now();
  const listA = a.list();
  const mapB = new Map(b.list().map((e) => [e.key, e] as const));
  const keysA = new Set(listA.map((e) => e.key));
  const both = listA.filter((e) => mapB.has(e.key));
  const total = both.reduce((n, e) => n + e.bytes + (mapB.get(e.key)?.bytes ?? 0), 0);
  let done = 0;
  const variables: VariableDiff[] = [];
  const pool = new FilePool();
  const chunk = Math.max(16, options.chunkSize ?? DEFAULT_CHUNK) & ~15;
  const ahead = Math.max(1, options.readAhead ?? DEFAULT_AHEAD);
  const wanted = options.lane ?? total >= 2 * LANE_MIN_TOTAL;
  const lease = options.simd !== false && wanted ? leaseLane(chunk, ahead) : undefined;
  const inline = lease || options.simd === false ? undefined : createSimdKernel(chunk, ahead);
  const simd: Kernels | undefined = lease ? { kernel: lease.lane.kernel, lane: lease.lane } : inline && { kernel: inline };
  const totals = { compared: 0, changed: 0, unchanged: 0, mismatched: 0, unreadable: 0, bytesRead: 0 };
  try {
    for (const ea of both) {
      if (options.signal?.aborted) throw cancelled();
      const eb = mapB.get(ea.key) as TensorEntryInfo;
      const v: VariableDiff = { key: ea.key, dtypeA: dtypeName(ea.dtype), dtypeB: dtypeName(eb.dtype), shapeA: [...ea.shape], shapeB: [...eb.shape], status: 'compared' };
      if (ea.partitions !== undefined || eb.partitions !== undefined) v.partitioned = true;
      if (ea.dtype !== eb.dtype) v.status = 'dtype';
      else if (!sameShape(ea.shape, eb.shape)) v.status = 'shape';
      else if (ea.opaque || eb.opaque || !isComparableDtype(ea.dtype)) v.status = 'skipped';
      else {
        try {
          const acc = new DeltaAccumulator(ea.dtype);
          const la = streamable(a, ea);
          const lb = streamable(b, eb);
          const before = done;
          if (la && lb && la.size === lb.size) {
            await streamPair(pool, ea.key, la, lb, acc, options, (n) => {
              done += n;
              totals.bytesRead += n;
              options.onProgress?.(done, total, ea.key);
            }, simd);
          } else {
            const [ta, tb] = await Promise.all([a.read(ea.key), b.read(eb.key)]);
            if (options.signal?.aborted) throw cancelled();
            acc.addTensors(ta, tb);
            done = before + ea.bytes + eb.bytes;
            totals.bytesRead += ea.bytes + eb.bytes;
          }
          v.delta = acc.result();
        } catch (e) {
          if (!isFrostError(e) || e.code === 'CANCELLED') throw e;
          v.status = 'unreadable';
          v.problem = e.message;
        }
      }
      if (v.status === 'compared') {
        totals.compared++;
        if ((v.delta?.changed ?? 0) > 0) totals.changed++;
        else totals.unchanged++;
      } else if (v.status === 'dtype' || v.status === 'shape') totals.mismatched++;
      else if (v.status === 'unreadable') totals.unreadable++;
      variables.push(v);
      options.onProgress?.(done, total, ea.key);
    }
  } finally {
    lease?.release();
    await pool.close();
  }
  return {
    a: side(a),
    b: side(b),
    variables,
    onlyInA: listA.filter((e) => !mapB.has(e.key)).map(entryJSON),
    onlyInB: b.list().filter((e) => !keysA.has(e.key)).map(entryJSON),
    totals,
    ms: performance.now() - started,
  };
}
