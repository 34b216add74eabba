/**
 * A tensor's value as Frost holds it: the exact stored bytes (row-major, little-endian,
 * tf-formats.md §4.4) for fixed-size types, one byte string per element for DT_STRING.
 * Keeping bytes rather than JS numbers makes every read bit-exact and lets writers copy
 * payloads through unchanged.
 */
import { DT, dtypeInfo, dtypeName } from './dtype.js';

export type TensorData =
  | { readonly kind: 'numeric'; readonly dtype: number; readonly shape: readonly number[]; readonly bytes: Uint8Array }
  | { readonly kind: 'string'; readonly dtype: typeof DT.STRING; readonly shape: readonly number[]; readonly strings: readonly Uint8Array[] };

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Shape as TensorFlow prints it: `[784, 10]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[] | undefined): string {
  if (shape === undefined) return '<unknown>';
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] as number;
}

export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Generic small-float decoder for the float8 / float4 families: `expBits` exponent bits,
 * `manBits` mantissa bits, `bias`; `fnuz` types have no negative zero (0x80 is NaN) and no
 * infinities; `fn` types have no infinities and NaN only at all-ones.
 */
function smallFloat(byte: number, expBits: number, manBits: number, bias: number, style: 'ieee' | 'fn' | 'fnuz' | 'none'): number {
  const total = 1 + expBits + manBits;
  const v = byte & ((1 << total) - 1);
  const signBit = 1 << (total - 1);
  if (style === 'fnuz' && v === signBit) return NaN;
  const sign = v & signBit ? -1 : 1;
  const exp = (v >> manBits) & ((1 << expBits) - 1);
  const man = v & ((1 << manBits) - 1);
  const maxExp = (1 << expBits) - 1;
  if (style === 'ieee' && exp === maxExp) return man ? NaN : sign * Infinity;
  if (style === 'fn' && exp === maxExp && man === (1 << manBits) - 1) return NaN;
  if (exp === 0) return sign * man * 2 ** (1 - bias - manBits);
  return sign * (1 + man / (1 << manBits)) * 2 ** (exp - bias);
}

/**
 * Reads element `i` as a JS number (int64/uint64 beyond 2^53 lose precision; use
 * `formatElement` for exact text). Complex types give the real part; see `imagAt`.
 */
export function numberAt(t: TensorData & { kind: 'numeric' }, i: number, view = dataView(t)): number {
  switch (t.dtype) {
    case DT.FLOAT: return view.getFloat32(i * 4, true);
    case DT.DOUBLE: return view.getFloat64(i * 8, true);
    case DT.INT32: case DT.QINT32: return view.getInt32(i * 4, true);
    case DT.UINT32: return view.getUint32(i * 4, true);
    case DT.UINT8: case DT.QUINT8: return view.getUint8(i);
    case DT.INT8: case DT.QINT8: return view.getInt8(i);
    case DT.INT16: case DT.QINT16: return view.getInt16(i * 2, true);
    case DT.UINT16: case DT.QUINT16: return view.getUint16(i * 2, true);
    case DT.INT64: return Number(view.getBigInt64(i * 8, true));
    case DT.UINT64: return Number(view.getBigUint64(i * 8, true));
    case DT.BOOL: return view.getUint8(i) ? 1 : 0;
    case DT.HALF: return halfToNumber(view.getUint16(i * 2, true));
    case DT.BFLOAT16: return bfloat16ToNumber(view.getUint16(i * 2, true));
    case DT.COMPLEX64: return view.getFloat32(i * 8, true);
    case DT.COMPLEX128: return view.getFloat64(i * 16, true);
    case DT.FLOAT8_E5M2: return smallFloat(view.getUint8(i), 5, 2, 15, 'ieee');
    case DT.FLOAT8_E4M3FN: return smallFloat(view.getUint8(i), 4, 3, 7, 'fn');
    case DT.FLOAT8_E4M3FNUZ: return smallFloat(view.getUint8(i), 4, 3, 8, 'fnuz');
    case DT.FLOAT8_E4M3B11FNUZ: return smallFloat(view.getUint8(i), 4, 3, 11, 'fnuz');
    case DT.FLOAT8_E5M2FNUZ: return smallFloat(view.getUint8(i), 5, 2, 16, 'fnuz');
    case DT.FLOAT4_E2M1FN: return smallFloat(view.getUint8(i), 2, 1, 1, 'none');
    case DT.INT4: return ((view.getUint8(i) & 0x0f) << 28) >> 28;
    case DT.UINT4: return view.getUint8(i) & 0x0f;
    case DT.INT2: return ((view.getUint8(i) & 0x03) << 30) >> 30;
    case DT.UINT2: return view.getUint8(i) & 0x03;
    default: return NaN;
  }
}

export function imagAt(t: TensorData & { kind: 'numeric' }, i: number, view = dataView(t)): number {
  if (t.dtype === DT.COMPLEX64) return view.getFloat32(i * 8 + 4, true);
  if (t.dtype === DT.COMPLEX128) return view.getFloat64(i * 16 + 8, true);
  return 0;
}

export function dataView(t: TensorData & { kind: 'numeric' }): DataView {
  return new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Exact text of element `i`, as numpy would print it (strings as b'...'). */
export function formatElement(t: TensorData, i: number, view?: DataView): string {
  if (t.kind === 'string') {
    const s = t.strings[i];
    return s === undefined ? '' : formatBytes(s);
  }
  const v = view ?? dataView(t);
  if (t.dtype === DT.INT64) return v.getBigInt64(i * 8, true).toString();
  if (t.dtype === DT.UINT64) return v.getBigUint64(i * 8, true).toString();
  if (t.dtype === DT.BOOL) return v.getUint8(i) ? 'True' : 'False';
  const re = numberAt(t, i, v);
  if (t.dtype === DT.COMPLEX64 || t.dtype === DT.COMPLEX128) {
    const im = imagAt(t, i, v);
    return `${formatNumber(re)}${im < 0 || Object.is(im, -0) ? '-' : '+'}${formatNumber(Math.abs(im))}j`;
  }
  return formatNumber(re);
}

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-4 || a >= 1e16) ? x.toExponential(6) : String(Number(x.toPrecision(8)));
}

/** b'...' with non-printable bytes escaped, like Python's bytes repr. */
export function formatBytes(b: Uint8Array, max = 64): string {
  let out = "b'";
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 0x27 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 0x0a) out += '\\n';
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}'${b.length > max ? '…' : ''}`;
}

export function bytesToText(b: Uint8Array): string {
  return utf8.decode(b);
}

export interface TensorStats {
  count: number;
  /** Elements that are finite numbers; stats below cover only these. */
  finite: number;
  nan: number;
  inf: number;
  zeros: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** True when the stats come from an evenly spaced sample of a huge tensor. */
  sampled: boolean;
}

/**
 * Min, max, mean, population std and zero count over the real parts. At most `maxSamples`
 * evenly spaced elements are visited so previews of huge tensors stay cheap.
 */
export function computeStats(t: TensorData & { kind: 'numeric' }, maxSamples = 4_000_000): TensorStats {
  const n = elementCount(t.shape);
  const step = n > maxSamples ? n / maxSamples : 1;
  const view = dataView(t);
  let count = 0, finite = 0, nan = 0, inf = 0, zeros = 0;
  let min = Infinity, max = -Infinity, mean = 0, m2 = 0;
  for (let k = 0; ; k++) {
    const i = step === 1 ? k : Math.floor(k * step);
    if (i >= n) break;
    const x = numberAt(t, i, view);
    count++;
    if (Number.isNaN(x)) { nan++; continue; }
    if (!Number.isFinite(x)) { inf++; continue; }
    if (x === 0) zeros++;
    finite++;
    if (x < min) min = x;
    if (x > max) max = x;
    // Welford's update keeps the variance accurate for large counts.
    const d = x - mean;
    mean += d / finite;
    m2 += d * (x - mean);
  }
  return {
    count, finite, nan, inf, zeros,
    min: finite ? min : NaN, max: finite ? max : NaN, mean: finite ? mean : NaN,
    std: finite ? Math.sqrt(m2 / finite) : NaN,
    sampled: step !== 1,
  };
}

export interface Histogram {
  edges: number[];
  counts: number[];
}

export function computeHistogram(t: TensorData & { kind: 'numeric' }, bins = 20, stats = computeStats(t), maxSamples = 4_000_000): Histogram {
  const lo = stats.min, hi = stats.max;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { edges: [], counts: [] };
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  const counts = new Array<number>(bins).fill(0);
  const n = elementCount(t.shape);
  const step = n > maxSamples ? n / maxSamples : 1;
  const view = dataView(t);
  for (let k = 0; ; k++) {
    const i = step === 1 ? k : Math.floor(k * step);
    if (i >= n) break;
    const x = numberAt(t, i, view);
    if (!Number.isFinite(x)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)));
    counts[b] = (counts[b] as number) + 1;
  }
  return { edges, counts };
}

export function describeDtype(t: TensorData): string {
  return dtypeName(t.dtype);
}

/** Bytes a tensor of this dtype and shape occupies in a payload, or undefined for variable-size types. */
export function fixedByteSize(dtype: number, shape: readonly number[]): number | undefined {
  const info = dtypeInfo(dtype);
  if (!info || info.itemSize === 0) return undefined;
  return info.itemSize * elementCount(shape);
}
