/**
 * TensorProto <-> TensorData, tf-formats.md §8.3. Decoding follows TensorFlow's
 * Tensor::FromProto (non-empty tensor_content wins; shorter typed lists repeat their last
 * value; empty lists mean zeros), because graphs rely on those rules (e.g. a Const with one
 * float_val filling a whole shape). Encoding follows make_tensor_proto's choice of
 * representation so frozen graphs look like TensorFlow's own (§8.3 last paragraph, §10.1).
 */
import { FrostError } from '../errors.js';
import { Long, tensorflow } from '../proto/tf.js';
import { readVarint32 } from '../io/varint.js';
import { DT, dtypeInfo, dtypeName } from './dtype.js';
import type { TensorData } from './tensor-data.js';
import { MAX_TENSOR_BYTES, completeShape } from './tensor-shape.js';

type TensorProtoLike = tensorflow.TensorProto.$Properties;

/**
 * The raw little-endian bytes of float fields, when the caller scanned them from the wire:
 * they keep NaN payloads bit-exact, which decoded JS numbers cannot (signaling NaNs become
 * quiet). When present they replace the decoded list of the same field.
 */
export interface RawFloatFields {
  floatVal?: Uint8Array;
  doubleVal?: Uint8Array;
  scomplexVal?: Uint8Array;
  dcomplexVal?: Uint8Array;
}

/** int_val carries these (§8.3 table); low bits are kept, like TF's static_cast. */
const INT_VAL_TYPES = new Set<number>([
  DT.INT32, DT.INT16, DT.INT8, DT.UINT8, DT.UINT16, DT.QINT8, DT.QUINT8, DT.QINT16, DT.QUINT16, DT.QINT32,
  DT.INT4, DT.UINT4, DT.INT2, DT.UINT2,
]);
const FLOAT8_TYPES = new Set<number>([
  DT.FLOAT8_E5M2, DT.FLOAT8_E4M3FN, DT.FLOAT8_E4M3FNUZ, DT.FLOAT8_E4M3B11FNUZ, DT.FLOAT8_E5M2FNUZ, DT.FLOAT4_E2M1FN,
]);
/** make_tensor_proto's _TENSOR_CONTENT_TYPES (TF 2.21 list, §8.3). */
const CONTENT_TYPES = new Set<number>([
  DT.HALF, DT.FLOAT, DT.DOUBLE, DT.INT32, DT.UINT8, DT.INT16, DT.INT8, DT.INT64, DT.QINT8, DT.QUINT8, DT.QINT16,
  DT.QUINT16, DT.QINT32, DT.UINT32, DT.UINT64, DT.BFLOAT16, ...FLOAT8_TYPES,
]);
const TWO_GIB = 2 ** 31;

export function tensorFromProto(proto: TensorProtoLike, where: string, raw: RawFloatFields = {}): TensorData {
  const bad = (why: string): FrostError => new FrostError('CORRUPT', `The tensor in ${where} is invalid: ${why}.`);
  const dtype = proto.dtype ?? DT.INVALID;
  const info = dtypeInfo(dtype);
  if (dtype === DT.INVALID) throw bad('its dtype is DT_INVALID');
  if (!info) throw new FrostError('UNSUPPORTED_DTYPE', `The tensor in ${where} has dtype ${dtypeName(dtype)}, which Frost does not know.`);
  if (dtype === DT.RESOURCE || dtype === DT.VARIANT) {
    throw new FrostError('UNSUPPORTED_DTYPE', `The tensor in ${where} has dtype ${info.name}, an opaque value Frost cannot decode.`);
  }
  const shapeOrWhy = completeShape(proto.tensorShape);
  if (typeof shapeOrWhy === 'string') throw bad(shapeOrWhy);
  const shape = shapeOrWhy;
  const n = shape.reduce((a, b) => a * b, 1);
  const content = proto.tensorContent ?? new Uint8Array(0);

  if (dtype === DT.STRING) {
    if (n === 0) return { kind: 'string', dtype: DT.STRING, shape, strings: [] };
    if (content.length > 0) return { kind: 'string', dtype: DT.STRING, shape, strings: decodeStringList(content, n, bad) };
    return { kind: 'string', dtype: DT.STRING, shape, strings: broadcastList(proto.stringVal ?? [], n, new Uint8Array(0)) };
  }

  const size = info.itemSize * n;
  if (size > MAX_TENSOR_BYTES) {
    throw new FrostError('TOO_LARGE', `The tensor in ${where} would take ${size} bytes, more than Frost can hold in memory.`);
  }
  if (n === 0) return { kind: 'numeric', dtype, shape, bytes: new Uint8Array(0) };
  if (content.length > 0) {
    if (content.length !== size) throw bad(`tensor_content has ${content.length} bytes but ${dtypeName(dtype)}${fmt(shape)} needs ${size}`);
    return { kind: 'numeric', dtype, shape, bytes: content.slice() };
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const filled = fillRaw(raw, dtype, n, bytes) ?? fillTyped(proto, dtype, n, view, bytes);
  repeatLast(bytes, filled, info.itemSize, n);
  return { kind: 'numeric', dtype, shape, bytes };
}

/** Copies min(n_in, n) elements from a raw float field; undefined when there is none. */
function fillRaw(raw: RawFloatFields, dtype: number, n: number, bytes: Uint8Array): number | undefined {
  const src = dtype === DT.FLOAT ? raw.floatVal : dtype === DT.DOUBLE ? raw.doubleVal : dtype === DT.COMPLEX64 ? raw.scomplexVal : dtype === DT.COMPLEX128 ? raw.dcomplexVal : undefined;
  if (!src) return undefined;
  const item = dtypeInfo(dtype)?.itemSize ?? 1;
  const count = Math.min(Math.floor(src.length / item), n);
  bytes.set(src.subarray(0, count * item), 0);
  return count;
}

/**
 * Writes min(n_in, n) values from the dtype's typed field into `view`; returns how many
 * elements were written (0 = all zeros).
 */
function fillTyped(proto: TensorProtoLike, dtype: number, n: number, view: DataView, bytes: Uint8Array): number {
  const put = <T>(values: readonly T[] | null | undefined, perElement: number, set: (i: number, v: T) => void): number => {
    const list = values ?? [];
    const count = Math.min(Math.floor(list.length / perElement), n);
    for (let i = 0; i < count * perElement; i++) set(i, list[i] as T);
    return count;
  };
  switch (dtype) {
    case DT.FLOAT: return put(proto.floatVal, 1, (i, v) => view.setFloat32(i * 4, v, true));
    case DT.DOUBLE: return put(proto.doubleVal, 1, (i, v) => view.setFloat64(i * 8, v, true));
    case DT.COMPLEX64: return put(proto.scomplexVal, 2, (i, v) => view.setFloat32(i * 4, v, true));
    case DT.COMPLEX128: return put(proto.dcomplexVal, 2, (i, v) => view.setFloat64(i * 8, v, true));
    case DT.BOOL: return put(proto.boolVal, 1, (i, v) => view.setUint8(i, v ? 1 : 0));
    case DT.INT64: return put(proto.int64Val, 1, (i, v) => setLong(view, i, v));
    case DT.UINT64: return put(proto.uint64Val, 1, (i, v) => setLong(view, i, v));
    case DT.UINT32: return put(proto.uint32Val, 1, (i, v) => view.setUint32(i * 4, v >>> 0, true));
    case DT.HALF: return put(proto.halfVal, 1, (i, v) => view.setUint16(i * 2, v & 0xffff, true));
    case DT.BFLOAT16: {
      // Modern TF reads half_val; very old graphs put bfloat16 in int_val (§8.3, §11).
      const list = proto.halfVal && proto.halfVal.length > 0 ? proto.halfVal : proto.intVal;
      return put(list, 1, (i, v) => view.setUint16(i * 2, v & 0xffff, true));
    }
    default:
      break;
  }
  if (FLOAT8_TYPES.has(dtype)) {
    const src = proto.float8Val ?? new Uint8Array(0);
    const count = Math.min(src.length, n);
    bytes.set(src.subarray(0, count), 0);
    return count;
  }
  if (INT_VAL_TYPES.has(dtype)) {
    const item = dtypeInfo(dtype)?.itemSize ?? 1;
    const mask = dtype === DT.INT4 || dtype === DT.UINT4 ? 0x0f : dtype === DT.INT2 || dtype === DT.UINT2 ? 0x03 : 0xff;
    return put(proto.intVal, 1, (i, v) => {
      if (item === 4) view.setInt32(i * 4, v | 0, true);
      else if (item === 2) view.setUint16(i * 2, v & 0xffff, true);
      else view.setUint8(i, v & mask);
    });
  }
  return 0;
}

function setLong(view: DataView, i: number, v: Long | number): void {
  const l = typeof v === 'number' ? Long.fromNumber(v) : v;
  view.setUint32(i * 8, l.low >>> 0, true);
  view.setUint32(i * 8 + 4, l.high >>> 0, true);
}

/** TF's broadcast: copy the last given element into every element after it (§8.3). */
function repeatLast(bytes: Uint8Array, filled: number, itemSize: number, n: number): void {
  if (filled === 0 || filled >= n) return;
  const start = (filled - 1) * itemSize;
  const end = n * itemSize;
  if (itemSize === 1) {
    bytes.fill(bytes[start] as number, filled);
    return;
  }
  let have = itemSize;
  while (start + have < end) {
    const copy = Math.min(have, end - start - have);
    bytes.copyWithin(start + have, start, start + copy);
    have += copy;
  }
}

function broadcastList<T>(list: readonly T[], n: number, zero: T): T[] {
  const out = new Array<T>(n);
  const count = Math.min(list.length, n);
  for (let i = 0; i < count; i++) out[i] = list[i] as T;
  const fill = count > 0 ? (list[count - 1] as T) : zero;
  for (let i = count; i < n; i++) out[i] = fill;
  return out;
}

/** tensor_content for DT_STRING: n varint32 lengths then the bytes, totals must match (§8.3). */
function decodeStringList(content: Uint8Array, n: number, bad: (why: string) => FrostError): Uint8Array[] {
  if (n > content.length) throw bad(`tensor_content has ${content.length} bytes, too few for ${n} strings`);
  const lengths: number[] = [];
  let pos = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = readVarint32(content, pos, content.length);
    if (!v) throw bad(`the length of string ${i} in tensor_content is malformed`);
    total += v.value;
    if (total > content.length) throw bad('the string lengths in tensor_content exceed its size');
    lengths.push(v.value);
    pos = v.next;
  }
  if (pos + total !== content.length) throw bad(`tensor_content holds ${content.length - pos} string bytes but the lengths say ${total}`);
  return lengths.map((len) => {
    const s = content.slice(pos, pos + len);
    pos += len;
    return s;
  });
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const FLOAT_FIELD_TYPES: ReadonlySet<number> = new Set([DT.FLOAT, DT.DOUBLE, DT.COMPLEX64, DT.COMPLEX128]);

function hasNaN(view: DataView, dtype: number, byteLength: number): boolean {
  const wide = dtype === DT.DOUBLE || dtype === DT.COMPLEX128;
  for (let off = 0; off < byteLength; off += wide ? 8 : 4) {
    if (Number.isNaN(wide ? view.getFloat64(off, true) : view.getFloat32(off, true))) return true;
  }
  return false;
}

/**
 * A TensorProto as make_tensor_proto builds it: dtype, tensor_shape (present even for a
 * scalar), tensor_content for multi-element values of the content types, typed fields
 * otherwise; strings always in string_val.
 */
export function tensorToProto(data: TensorData): tensorflow.TensorProto {
  const shape = { dim: data.shape.map((d) => ({ size: Long.fromNumber(d) })) };
  const p = tensorflow.TensorProto.create({ dtype: data.dtype, tensorShape: shape });
  if (data.kind === 'string') {
    if (data.strings.length > 0) p.stringVal = data.strings.slice();
    return p;
  }
  const { dtype, bytes } = data;
  const info = dtypeInfo(dtype);
  if (!info || info.itemSize === 0) {
    throw new FrostError('UNSUPPORTED_DTYPE', `Cannot build a TensorProto for dtype ${dtypeName(dtype)}.`);
  }
  if (bytes.length >= TWO_GIB) {
    throw new FrostError('TOO_LARGE', `Cannot create a tensor proto whose content is larger than 2GB (size of tensor is ${bytes.length} bytes).`);
  }
  const n = bytes.length / info.itemSize;
  if (n === 0) return p;
  if (n > 1 && CONTENT_TYPES.has(dtype)) {
    p.tensorContent = bytes.slice();
    return p;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A NaN's payload (signalling NaNs included) does not survive a trip through a JS number,
  // and TensorFlow reads tensor_content for any fixed-size dtype: keep the exact bytes.
  if (FLOAT_FIELD_TYPES.has(dtype) && hasNaN(view, dtype, bytes.length)) {
    p.tensorContent = bytes.slice();
    return p;
  }
  const each = <T>(count: number, get: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => get(i));
  switch (dtype) {
    case DT.FLOAT: p.floatVal = each(n, (i) => view.getFloat32(i * 4, true)); break;
    case DT.DOUBLE: p.doubleVal = each(n, (i) => view.getFloat64(i * 8, true)); break;
    case DT.COMPLEX64: p.scomplexVal = each(2 * n, (i) => view.getFloat32(i * 4, true)); break;
    case DT.COMPLEX128: p.dcomplexVal = each(2 * n, (i) => view.getFloat64(i * 8, true)); break;
    case DT.BOOL: p.boolVal = each(n, (i) => view.getUint8(i) !== 0); break;
    case DT.INT64: p.int64Val = each(n, (i) => Long.fromBits(view.getUint32(i * 8, true), view.getUint32(i * 8 + 4, true), false)); break;
    case DT.UINT64: p.uint64Val = each(n, (i) => Long.fromBits(view.getUint32(i * 8, true), view.getUint32(i * 8 + 4, true), true)); break;
    case DT.UINT32: p.uint32Val = each(n, (i) => view.getUint32(i * 4, true)); break;
    case DT.HALF: case DT.BFLOAT16: p.halfVal = each(n, (i) => view.getUint16(i * 2, true)); break;
    case DT.INT32: case DT.QINT32: p.intVal = each(n, (i) => view.getInt32(i * 4, true)); break;
    case DT.INT16: case DT.QINT16: p.intVal = each(n, (i) => view.getInt16(i * 2, true)); break;
    case DT.UINT16: case DT.QUINT16: p.intVal = each(n, (i) => view.getUint16(i * 2, true)); break;
    case DT.INT8: case DT.QINT8: p.intVal = each(n, (i) => view.getInt8(i)); break;
    case DT.UINT8: case DT.QUINT8: p.intVal = each(n, (i) => view.getUint8(i)); break;
    case DT.INT4: p.intVal = each(n, (i) => ((view.getUint8(i) & 0x0f) << 28) >> 28); break;
    case DT.UINT4: p.intVal = each(n, (i) => view.getUint8(i) & 0x0f); break;
    case DT.INT2: p.intVal = each(n, (i) => ((view.getUint8(i) & 0x03) << 30) >> 30); break;
    case DT.UINT2: p.intVal = each(n, (i) => view.getUint8(i) & 0x03); break;
    default:
      if (FLOAT8_TYPES.has(dtype)) p.float8Val = bytes.slice();
      else throw new FrostError('UNSUPPORTED_DTYPE', `Cannot build a TensorProto for dtype ${dtypeName(dtype)}.`);
  }
  return p;
}

/**
 * How many elements the dtype's typed field holds (complex: pairs), ignoring
 * tensor_content. V1 checkpoints store exactly one value per element (§5), so their reader
 * uses this to refuse short or long lists instead of broadcasting.
 */
export function typedValueCount(proto: TensorProtoLike, dtype: number): number {
  switch (dtype) {
    case DT.FLOAT: return proto.floatVal?.length ?? 0;
    case DT.DOUBLE: return proto.doubleVal?.length ?? 0;
    case DT.COMPLEX64: return Math.floor((proto.scomplexVal?.length ?? 0) / 2);
    case DT.COMPLEX128: return Math.floor((proto.dcomplexVal?.length ?? 0) / 2);
    case DT.BOOL: return proto.boolVal?.length ?? 0;
    case DT.INT64: return proto.int64Val?.length ?? 0;
    case DT.UINT64: return proto.uint64Val?.length ?? 0;
    case DT.UINT32: return proto.uint32Val?.length ?? 0;
    case DT.STRING: return proto.stringVal?.length ?? 0;
    case DT.HALF: return proto.halfVal?.length ?? 0;
    case DT.BFLOAT16: return proto.halfVal?.length || proto.intVal?.length || 0;
    default:
      if (FLOAT8_TYPES.has(dtype)) return proto.float8Val?.length ?? 0;
      if (INT_VAL_TYPES.has(dtype)) return proto.intVal?.length ?? 0;
      return 0;
  }
}
