/**
 * The float32 delta kernel in WebAssembly SIMD, for checkpoint diffs that must keep up with
 * the disk (issue #7: ≥ 50 % of raw read speed). Four elements per step: `f32x4.ne` counts
 * changed elements, each half is widened with `f64x2.promote_low_f32x4` and accumulated in
 * float64 lanes (the same float64 math as tensor-delta.ts, summed in another order). The
 * module is a few hundred bytes assembled below — no toolchain, no dependency — and runs on a
 * memory of ours, into which the shard chunks are read directly, so no byte is copied twice. Where
 * WebAssembly SIMD is missing, `createSimdKernel` returns undefined and the JS kernel runs.
 *
 * Opcodes: WebAssembly core spec §5.4 (binary format) and its SIMD instruction table.
 */
import type { DeltaPartial } from './tensor-delta.js';

const PAGE = 65536;

/** The part of the WebAssembly JS API used here (core's lib has no DOM / wasm typings). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => KernelMemory;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Unsigned LEB128 (§5.2.2). */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const name = (s: string): number[] => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number): number[] => [0x20, ...leb(i)];
const set = (i: number): number[] => [0x21, ...leb(i)];
const tee = (i: number): number[] => [0x22, ...leb(i)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
const LOAD = simd(0x00, 0, 0); // v128.load align=1 offset=0
const store = (offset: number): number[] => simd(0x0b, 0, ...leb(offset));
const HIGH_TO_LOW = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7); // i8x16.shuffle
const F32X4_NE = simd(0x42);
const I32X4_SUB = simd(0xb1);
const PROMOTE_LOW = simd(0x5f); // f64x2.promote_low_f32x4
const F64X2_ABS = simd(0xec);
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
// f64x2.pmax (b < a ? a : b) is one maxpd on x64, where f64x2.max's NaN/-0 rules take several
// instructions. A NaN may drop out of the max, but it poisons Σ|d| too, and then every float
// statistic is reported as null anyway.
const F64X2_PMAX = simd(0xf7);

// Locals: params pa, pb, bytes, out; then i (i32) and the v128s.
const PA = 0, PB = 1, BYTES = 2, OUT = 3, I = 4, VA = 5, VB = 6, P = 7, Q = 8, D = 9, AD = 10, CNT = 23;
/**
 * Accumulator locals of the low (L) and high (H) halves: max |d|, Σ|d|, Σd², Σa², Σb², Σab.
 * Two sets, so consecutive adds do not wait on each other (one shared set measured 2x slower).
 */
const L = [11, 12, 13, 14, 15, 16] as const;
const H = [17, 18, 19, 20, 21, 22] as const;


function update(acc: readonly number[]): number[] {
  const [m, s, d2, a2, b2, t] = acc as [number, number, number, number, number, number];
  return [
    ...get(Q), ...get(P), ...F64X2_SUB, ...tee(D), ...F64X2_ABS, ...tee(AD), ...get(m), ...F64X2_PMAX, ...set(m),
    ...get(s), ...get(AD), ...F64X2_ADD, ...set(s),
    ...get(d2), ...get(D), ...get(D), ...F64X2_MUL, ...F64X2_ADD, ...set(d2),
    ...get(a2), ...get(P), ...get(P), ...F64X2_MUL, ...F64X2_ADD, ...set(a2),
    ...get(b2), ...get(Q), ...get(Q), ...F64X2_MUL, ...F64X2_ADD, ...set(b2),
    ...get(t), ...get(P), ...get(Q), ...F64X2_MUL, ...F64X2_ADD, ...set(t),
  ];
}

/**
 * The module imports its memory ("e"."m", exactly `pages` pages), so that it can be a shared
 * one another thread reads chunks into (read-lane.ts); shared memories carry the threads
 * proposal's limits flag 0x03 (shared, with a maximum).
 */
function moduleBytes(pages: number, shared: boolean): Uint8Array {
  const body = [
    0x02, 0x01, 0x7f, 0x13, 0x7b, // locals: 1 × i32, 19 × v128
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(I), ...get(BYTES), 0x4f, 0x0d, 0x01, // if i >= bytes: break
    ...get(PA), ...get(I), 0x6a, ...LOAD, ...set(VA),
    ...get(PB), ...get(I), 0x6a, ...LOAD, ...set(VB),
    ...get(CNT), ...get(VA), ...get(VB), ...F32X4_NE, ...I32X4_SUB, ...set(CNT), // ne lanes are -1
    ...get(VA), ...PROMOTE_LOW, ...set(P), ...get(VB), ...PROMOTE_LOW, ...set(Q), ...update(L),
    ...get(VA), ...get(VA), ...HIGH_TO_LOW, ...PROMOTE_LOW, ...set(P),
    ...get(VB), ...get(VB), ...HIGH_TO_LOW, ...PROMOTE_LOW, ...set(Q), ...update(H),
    ...get(I), 0x41, 0x10, 0x6a, ...set(I), // i += 16
    0x0c, 0x00, 0x0b, 0x0b, // br loop; end loop; end block
    ...[...L, ...H, CNT].flatMap((local, k) => [...get(OUT), ...get(local), ...store(k * 16)]),
    0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
    ...section(2, [0x01, ...name('e'), ...name('m'), 0x02, shared ? 0x03 : 0x01, ...leb(pages), ...leb(pages)]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('k'), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

/** The part of a WebAssembly.Memory used here; its buffer is a SharedArrayBuffer when shared. */
export interface KernelMemory {
  readonly buffer: ArrayBufferLike;
}

/** A shared kernel's memory and ring, for a thread that reads chunks into it (read-lane.ts). */
export interface KernelLayout {
  memory: KernelMemory;
  chunk: number;
  slots: number;
}

export interface SimdKernel {
  /** Views into the kernel's memory: read chunks straight into them. */
  buffers: { a: Uint8Array; b: Uint8Array }[];
  /** Deltas of the first `bytes` bytes (a multiple of 16) of ring slot `slot`. */
  run(slot: number, bytes: number): DeltaPartial;
  /** Present when the memory is shared (a SharedArrayBuffer another thread can fill). */
  layout?: KernelLayout;
}

const RESULT_BYTES = 13 * 16;
const pagesFor = (chunk: number, slots: number): number => Math.ceil((2 * slots * chunk + RESULT_BYTES) / PAGE);

/**
 * A kernel with `slots` pairs of `chunk`-byte buffers (chunk a multiple of 16), or undefined
 * without SIMD (or, when `shared`, without shared WebAssembly memory).
 */
export function createSimdKernel(chunk: number, slots: number, shared = false): SimdKernel | undefined {
  if (!wasm) return undefined;
  const pages = pagesFor(chunk, slots);
  let memory: KernelMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared });
  } catch {
    return undefined;
  }
  return instantiate({ memory, chunk, slots }, shared);
}

function instantiate(layout: KernelLayout, shared: boolean): SimdKernel | undefined {
  if (!wasm) return undefined;
  const { memory, chunk, slots } = layout;
  let k: (pa: number, pb: number, bytes: number, out: number) => void;
  try {
    const bytes = moduleBytes(pagesFor(chunk, slots), shared);
    if (!wasm.validate(bytes)) return undefined;
    const instance = new wasm.Instance(new wasm.Module(bytes), { e: { m: memory } });
    k = instance.exports['k'] as typeof k;
  } catch {
    return undefined;
  }
  const out = 2 * slots * chunk;
  const buffers = Array.from({ length: slots }, (_, s) => ({
    a: new Uint8Array(memory.buffer, 2 * s * chunk, chunk),
    b: new Uint8Array(memory.buffer, (2 * s + 1) * chunk, chunk),
  }));
  const f64 = new Float64Array(memory.buffer, out, 24);
  const i32 = new Int32Array(memory.buffer, out + 12 * 16, 4);
  return {
    buffers,
    ...(shared ? { layout } : {}),
    run(slot, bytes) {
      // Accumulators are wasm locals (zeroed per call) stored to `out` at the end.
      k(2 * slot * chunk, (2 * slot + 1) * chunk, bytes, out);
      const lane = (local: number): [number, number] => [f64[2 * local] as number, f64[2 * local + 1] as number];
      const sum = (l: number): number => lane(l)[0] + lane(l)[1] + lane(l + 6)[0] + lane(l + 6)[1];
      const m = [...lane(0), ...lane(6)];
      return {
        // i32x4 lanes counted -(-1) per changed element.
        changed: (i32[0] as number) + (i32[1] as number) + (i32[2] as number) + (i32[3] as number),
        maxAbs: m.some(Number.isNaN) ? NaN : Math.max(...m),
        sumAbs: sum(1),
        sumD2: sum(2),
        sumA2: sum(3),
        sumB2: sum(4),
        dot: sum(5),
      };
    },
  };
}
