/**
 * Value deltas between two tensors of one dtype and shape (issue #7 "value deltas"), fed in
 * aligned pieces so a checkpoint diff can stream shards through bounded memory. Payloads are
 * the stored little-endian bytes (tf-formats.md §4.4); every element is widened to float64
 * before any arithmetic, so float32 results match numpy's `a.astype(np.float64)` math up to
 * summation order. int64 equality is exact (BigInt); strings only count changed elements.
 * The statistics are defined on WeightDelta in shared/model/diff.ts.
 */
import type { WeightDelta } from '../../../shared/model/diff.js';
import { DT, dtypeInfo } from '../tensor/dtype.js';
import { imagAt, numberAt, type TensorData } from '../tensor/tensor-data.js';

/** dtypes whose values can be compared element by element. */
export function isComparableDtype(dtype: number): boolean {
  const info = dtypeInfo(dtype);
  return info !== undefined && info.kind !== 'resource' && info.kind !== 'variant';
}

/** Typed views need aligned offsets; a misaligned piece (e.g. inside a TensorProto) is copied. */
function aligned(bytes: Uint8Array, size: number): Uint8Array {
  return bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes); // a copy (Buffer.slice would share memory)
}

export class DeltaAccumulator {
  private elements = 0;
  private changed = 0;
  private maxAbs = 0;
  private sumAbs = 0;
  private sumD2 = 0;
  private sumA2 = 0;
  private sumB2 = 0;
  private dot = 0;
  private readonly itemSize: number;

  constructor(readonly dtype: number) {
    this.itemSize = dtypeInfo(dtype)?.itemSize ?? 0;
  }

  /** Forgets everything added (a stream that failed halfway is compared again). */
  reset(): void {
    this.elements = this.changed = 0;
    this.maxAbs = this.sumAbs = this.sumD2 = this.sumA2 = this.sumB2 = this.dot = 0;
  }

  /** Adds one aligned piece of both payloads: equal lengths, a whole number of elements. */
  addBytes(a: Uint8Array, b: Uint8Array): void {
    const n = Math.min(a.length, b.length);
    if (n === 0 || this.itemSize === 0) return;
    switch (this.dtype) {
      case DT.FLOAT: {
        const x = aligned(a, 4);
        const y = aligned(b, 4);
        this.addFloat32(new Float32Array(x.buffer, x.byteOffset, n >> 2), new Float32Array(y.buffer, y.byteOffset, n >> 2));
        return;
      }
      case DT.DOUBLE: {
        const x = aligned(a, 8);
        const y = aligned(b, 8);
        this.addArrays(new Float64Array(x.buffer, x.byteOffset, n >> 3), new Float64Array(y.buffer, y.byteOffset, n >> 3));
        return;
      }
      case DT.INT32: {
        const x = aligned(a, 4);
        const y = aligned(b, 4);
        this.addArrays(new Int32Array(x.buffer, x.byteOffset, n >> 2), new Int32Array(y.buffer, y.byteOffset, n >> 2));
        return;
      }
      case DT.INT64:
      case DT.UINT64:
        this.addBigInts(a, b, n >> 3, this.dtype === DT.INT64);
        return;
      default:
        this.addGeneric(a, b, Math.floor(n / this.itemSize));
    }
  }

  /** Whole in-memory tensors (already checked to have the same dtype and shape). */
  addTensors(a: TensorData, b: TensorData): void {
    if (a.kind === 'string' || b.kind === 'string') {
      const sa = a.kind === 'string' ? a.strings : [];
      const sb = b.kind === 'string' ? b.strings : [];
      this.addStrings(sa, sb);
      return;
    }
    this.addBytes(a.bytes, b.bytes);
  }

  addStrings(a: readonly Uint8Array[], b: readonly Uint8Array[]): void {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (!x || !y || x.length !== y.length || !x.every((v, k) => v === y[k])) this.changed++;
    }
    this.elements += n;
    // Strings have no magnitude: only the changed count is meaningful.
    this.sumAbs = NaN;
  }

  /** float32 payloads, the common case: its own copy of the kernel keeps the loop monomorphic. */
  private addFloat32(x: Float32Array, y: Float32Array): void {
    this.merge(kernelF32(x, y), x, y);
  }

  private addArrays(x: Float64Array | Int32Array, y: Float64Array | Int32Array): void {
    this.merge(kernelAny(x, y), x, y);
  }

  /**
   * Adds a piece summed elsewhere (the SIMD kernel); `x`/`y` are its values, needed only to
   * recount changed elements when a NaN is present.
   */
  addPartial(k: DeltaPartial, x: ArrayLike<number>, y: ArrayLike<number>): void {
    this.merge(k, x, y);
  }

  private merge(k: DeltaPartial, x: ArrayLike<number>, y: ArrayLike<number>): void {
    let changed = k.changed;
    // A NaN poisons the sums (the float statistics become null); only then is the changed count
    // redone with NaN = NaN as unchanged, which the fast kernel does not know.
    if (Number.isNaN(k.sumAbs)) {
      changed = 0;
      for (let i = 0; i < x.length; i++) {
        const p = x[i] as number;
        const q = y[i] as number;
        if (p !== q && (p === p || q === q)) changed++;
      }
    }
    this.elements += x.length;
    this.changed += changed;
    if (k.maxAbs > this.maxAbs) this.maxAbs = k.maxAbs;
    this.sumAbs += k.sumAbs;
    this.sumD2 += k.sumD2;
    this.sumA2 += k.sumA2;
    this.sumB2 += k.sumB2;
    this.dot += k.dot;
  }

  private addBigInts(a: Uint8Array, b: Uint8Array, n: number, signed: boolean): void {
    const va = new DataView(a.buffer, a.byteOffset, a.byteLength);
    const vb = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < n; i++) {
      const x = signed ? va.getBigInt64(i * 8, true) : va.getBigUint64(i * 8, true);
      const y = signed ? vb.getBigInt64(i * 8, true) : vb.getBigUint64(i * 8, true);
      if (x !== y) this.changed++;
      // The difference is exact; only its float64 rounding enters the statistics.
      this.addOne(Number(x), Number(y), Number(y - x));
    }
    this.elements += n;
  }

  /** float16 / bfloat16 / float8 / small ints / bool / complex, through the shared decoder. */
  private addGeneric(a: Uint8Array, b: Uint8Array, n: number): void {
    const ta = { kind: 'numeric', dtype: this.dtype, shape: [n], bytes: a } as const;
    const tb = { kind: 'numeric', dtype: this.dtype, shape: [n], bytes: b } as const;
    const va = new DataView(a.buffer, a.byteOffset, a.byteLength);
    const vb = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const complex = this.dtype === DT.COMPLEX64 || this.dtype === DT.COMPLEX128;
    for (let i = 0; i < n; i++) {
      const p = numberAt(ta, i, va);
      const q = numberAt(tb, i, vb);
      if (!complex) {
        if (p !== q && (p === p || q === q)) this.changed++;
        this.addOne(p, q, q - p);
        continue;
      }
      // Complex values as 2-vectors: |Δ| is the modulus, a·b = Re(a·conj b).
      const pi = imagAt(ta, i, va);
      const qi = imagAt(tb, i, vb);
      if ((p !== q && (p === p || q === q)) || (pi !== qi && (pi === pi || qi === qi))) this.changed++;
      const dr = q - p;
      const di = qi - pi;
      const ad = Math.hypot(dr, di);
      if (ad > this.maxAbs) this.maxAbs = ad;
      this.sumAbs += ad;
      this.sumD2 += dr * dr + di * di;
      this.sumA2 += p * p + pi * pi;
      this.sumB2 += q * q + qi * qi;
      this.dot += p * q + pi * qi;
    }
    this.elements += n;
  }

  private addOne(p: number, q: number, d: number): void {
    const ad = Math.abs(d);
    if (ad > this.maxAbs) this.maxAbs = ad;
    this.sumAbs += ad;
    this.sumD2 += d * d;
    this.sumA2 += p * p;
    this.sumB2 += q * q;
    this.dot += p * q;
  }

  result(): WeightDelta {
    const n = this.elements;
    const finite = Number.isFinite(this.sumAbs) && Number.isFinite(this.sumD2) && Number.isFinite(this.sumA2) && Number.isFinite(this.sumB2) && Number.isFinite(this.dot);
    const normA = Math.sqrt(this.sumA2);
    const normB = Math.sqrt(this.sumB2);
    const normD = Math.sqrt(this.sumD2);
    const out: WeightDelta = {
      elements: n,
      changed: this.changed,
      changedPercent: n === 0 ? 0 : (100 * this.changed) / n,
      maxAbs: null,
      meanAbs: null,
      relL2: null,
      cosine: null,
    };
    if (!finite) return out;
    out.maxAbs = this.maxAbs;
    out.meanAbs = n === 0 ? 0 : this.sumAbs / n;
    out.relL2 = normA > 0 ? normD / normA : normD === 0 ? 0 : null;
    out.cosine = normA > 0 && normB > 0 ? Math.max(-1, Math.min(1, this.dot / (normA * normB))) : null;
    return out;
  }
}

/** Deltas of two whole in-memory tensors, or undefined when their dtype or shape differ. */
export function tensorDelta(a: TensorData, b: TensorData): WeightDelta | undefined {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return undefined;
  if (!isComparableDtype(a.dtype)) return undefined;
  const acc = new DeltaAccumulator(a.dtype);
  acc.addTensors(a, b);
  return acc.result();
}

/** One piece's sums, from a kernel (here or simd-kernel.ts). */
export interface DeltaPartial {
  changed: number;
  maxAbs: number;
  sumAbs: number;
  sumD2: number;
  sumA2: number;
  sumB2: number;
  dot: number;
}

/*
 * The kernels: two elements per iteration with separate accumulators, so the additions of one
 * element do not wait for the previous one's (the loop is bound by add latency otherwise),
 * and a branch-free changed count. Measured ~4x faster than the one-accumulator loop.
 */
function kernelF32(x: Float32Array, y: Float32Array): DeltaPartial {
  let c = 0;
  let m0 = 0, m1 = 0, s0 = 0, s1 = 0, d0 = 0, d1 = 0, a0 = 0, a1 = 0, b0 = 0, b1 = 0, t0 = 0, t1 = 0;
  const n = x.length;
  const even = n & ~1;
  for (let i = 0; i < even; i += 2) {
    const p = x[i] as number;
    const q = y[i] as number;
    const p1 = x[i + 1] as number;
    const q1 = y[i + 1] as number;
    const d = q - p;
    const e = q1 - p1;
    const ad = Math.abs(d);
    const ae = Math.abs(e);
    c += (p !== q ? 1 : 0) + (p1 !== q1 ? 1 : 0);
    if (ad > m0) m0 = ad;
    if (ae > m1) m1 = ae;
    s0 += ad;
    s1 += ae;
    d0 += d * d;
    d1 += e * e;
    a0 += p * p;
    a1 += p1 * p1;
    b0 += q * q;
    b1 += q1 * q1;
    t0 += p * q;
    t1 += p1 * q1;
  }
  if (even < n) {
    const p = x[even] as number;
    const q = y[even] as number;
    const d = q - p;
    const ad = Math.abs(d);
    c += p !== q ? 1 : 0;
    if (ad > m0) m0 = ad;
    s0 += ad;
    d0 += d * d;
    a0 += p * p;
    b0 += q * q;
    t0 += p * q;
  }
  return { changed: c, maxAbs: m0 > m1 ? m0 : m1, sumAbs: s0 + s1, sumD2: d0 + d1, sumA2: a0 + a1, sumB2: b0 + b1, dot: t0 + t1 };
}

/** The same kernel for float64 and int32 payloads (kept apart so kernelF32 stays monomorphic). */
function kernelAny(x: Float64Array | Int32Array, y: Float64Array | Int32Array): DeltaPartial {
  let c = 0;
  let m0 = 0, s0 = 0, d0 = 0, a0 = 0, b0 = 0, t0 = 0;
  for (let i = 0; i < x.length; i++) {
    const p = x[i] as number;
    const q = y[i] as number;
    const d = q - p;
    const ad = Math.abs(d);
    c += p !== q ? 1 : 0;
    if (ad > m0) m0 = ad;
    s0 += ad;
    d0 += d * d;
    a0 += p * p;
    b0 += q * q;
    t0 += p * q;
  }
  return { changed: c, maxAbs: m0, sumAbs: s0, sumD2: d0, sumA2: a0, sumB2: b0, dot: t0 };
}
