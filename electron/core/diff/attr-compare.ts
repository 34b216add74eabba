/**
 * Comparing NodeDef attrs canonically (issue #7 "attrs compared canonically"): decoded
 * AttrValues are compared field by field rather than as encoded bytes, so map order and
 * int64 representation (Long, number, string) do not matter, NaN equals NaN, and a tensor
 * stored as `tensor_content` equals the same values stored in `float_val` (tf-formats.md §8.3).
 */
import Long from 'long';
import { tensorflow as tf, toBigInt } from '../proto/tf.js';
import { baseDtype } from '../tensor/dtype.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import type { TensorData } from '../tensor/tensor-data.js';
import type { NodeChangeField } from '../../../shared/model/diff.js';

type AttrValue = tf.AttrValue.$Properties;

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isInt64(v: unknown): boolean {
  return Long.isLong(v) || typeof v === 'bigint';
}

/** Field-by-field equality of two decoded protobuf values (prototype defaults stand for absent fields). */
export function protoEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x === 'number' && typeof y === 'number') return x !== x && y !== y;
  if (x === null || x === undefined || y === null || y === undefined) return isEmpty(x) && isEmpty(y);
  if (isInt64(x) || isInt64(y)) {
    try {
      return toBigInt(x as Long) === toBigInt(y as Long);
    } catch {
      return false;
    }
  }
  if (x instanceof Uint8Array && y instanceof Uint8Array) return bytesEqual(x, y);
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => protoEqual(v, y[i]));
  if (typeof x === 'object' && typeof y === 'object') {
    const ox = x as Record<string, unknown>;
    const oy = y as Record<string, unknown>;
    for (const k of Object.keys(ox)) if (!protoEqual(ox[k], oy[k])) return false;
    for (const k of Object.keys(oy)) if (!(k in ox) && !protoEqual(ox[k], oy[k])) return false;
    return true;
  }
  return false;
}

/** int64 / number equality without allocating (Long halves compared directly). */
function intEq(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if ((x === null || x === undefined) && (y === null || y === undefined)) return true;
  if (Long.isLong(x) && Long.isLong(y)) return (x as Long).low === (y as Long).low && (x as Long).high === (y as Long).high;
  if (typeof x === 'number' && typeof y === 'number') return x !== x && y !== y;
  return protoEqual(x, y);
}

function bytesEq(x: Uint8Array | null | undefined, y: Uint8Array | null | undefined): boolean {
  if (x === y) return true;
  if (!x || !y) return (x?.length ?? 0) === 0 && (y?.length ?? 0) === 0 && (x === null || x === undefined) === (y === null || y === undefined);
  return bytesEqual(x, y);
}

type Shape = tf.TensorShapeProto.$Properties;
function shapeEq(x: Shape | null | undefined, y: Shape | null | undefined): boolean {
  if (x === y) return true;
  if (!x || !y) return false;
  if (Boolean(x.unknownRank) !== Boolean(y.unknownRank)) return false;
  const dx = x.dim ?? [];
  const dy = y.dim ?? [];
  if (dx.length !== dy.length) return false;
  for (let i = 0; i < dx.length; i++) {
    const a = dx[i] as tf.TensorShapeProto.Dim.$Properties;
    const b = dy[i] as tf.TensorShapeProto.Dim.$Properties;
    if (!intEq(a.size ?? 0, b.size ?? 0) || (a.name ?? '') !== (b.name ?? '')) return false;
  }
  return true;
}

function arrEq<T>(x: readonly T[] | null | undefined, y: readonly T[] | null | undefined, eq: (a: T, b: T) => boolean): boolean {
  const a = x ?? [];
  const b = y ?? [];
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i] as T, b[i] as T)) return false;
  return true;
}

/**
 * AttrValue equality on the hot path of a 30k-node diff: the oneof's fields one by one,
 * without the generic walk's allocations; tensors and functions fall back to protoEqual.
 */
export function attrValueEqual(a: AttrValue, b: AttrValue): boolean {
  if (a === b) return true;
  if (!intEq(a.type, b.type) || !intEq(a.i, b.i) || !intEq(a.f, b.f) || (a.b ?? null) !== (b.b ?? null) || (a.placeholder ?? '') !== (b.placeholder ?? '')) return false;
  if (!bytesEq(a.s, b.s)) return false;
  if ((a.shape || b.shape) && !shapeEq(a.shape, b.shape)) return false;
  const la = a.list;
  const lb = b.list;
  if (la || lb) {
    if (!la || !lb) return false;
    if (!arrEq(la.s, lb.s, bytesEqual) || !arrEq(la.i, lb.i, intEq) || !arrEq(la.f, lb.f, intEq) || !arrEq(la.b, lb.b, (p, q) => p === q) || !arrEq(la.type, lb.type, intEq)) return false;
    if (!arrEq(la.shape, lb.shape, shapeEq) || !protoEqual(la.tensor ?? [], lb.tensor ?? []) || !protoEqual(la.func ?? [], lb.func ?? [])) return false;
  }
  if ((a.tensor || b.tensor) && !protoEqual(a.tensor, b.tensor)) return false;
  if ((a.func || b.func) && !protoEqual(a.func, b.func)) return false;
  return true;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return Object.keys(v).every((k) => isEmpty((v as Record<string, unknown>)[k]));
  return false;
}

/** A Const-like tensor attr as data, or undefined when it cannot be decoded. */
export function attrTensor(v: AttrValue | undefined, what: string): TensorData | undefined {
  if (!v?.tensor) return undefined;
  try {
    return tensorFromProto(v.tensor, what);
  } catch {
    return undefined;
  }
}

function tensorsEqual(a: TensorData, b: TensorData): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  if (a.kind === 'numeric' && b.kind === 'numeric') return bytesEqual(a.bytes, b.bytes);
  if (a.kind === 'string' && b.kind === 'string') return a.strings.length === b.strings.length && a.strings.every((s, i) => bytesEqual(s, b.strings[i] as Uint8Array));
  return false;
}

export interface AttrCompareOptions {
  /** Compare dtypes without their _ref (freezing turns float_ref into float). */
  ignoreRef: boolean;
}

function stripRef(v: AttrValue): AttrValue {
  if (v.type !== undefined && v.type !== null) return { type: baseDtype(v.type as number) };
  if (v.list?.type?.length) return { ...v, list: { ...v.list, type: v.list.type.map((t) => baseDtype(t as number)) } };
  return v;
}

function hasRef(v: AttrValue): boolean {
  return ((v.type as number | null | undefined) ?? 0) > 100 || (v.list?.type ?? []).some((t) => (t as number) > 100);
}

/** 'same', 'ref-only' (equal once _ref is dropped) or 'differs'. */
export function compareAttr(a: AttrValue, b: AttrValue, key: string, options: AttrCompareOptions): 'same' | 'ref-only' | 'differs' {
  if (attrValueEqual(a, b)) return 'same';
  if (a.tensor && b.tensor) {
    const ta = attrTensor(a, key);
    const tb = attrTensor(b, key);
    if (ta && tb && tensorsEqual(ta, tb)) return 'same';
    return 'differs';
  }
  if (options.ignoreRef && (hasRef(a) || hasRef(b)) && protoEqual(stripRef(a), stripRef(b))) return 'ref-only';
  return 'differs';
}

/** Which kind of change a differing attr is: its dtype, its shape, or another attr. */
export function attrField(key: string, v: AttrValue | undefined): NodeChangeField {
  if (key === '_output_shapes') return 'shape';
  if (!v) return 'attrs';
  if ((v.type !== undefined && v.type !== null) || (v.list?.type?.length ?? 0) > 0) return 'dtype';
  if (v.shape || (v.list?.shape?.length ?? 0) > 0) return 'shape';
  return 'attrs';
}

/**
 * A string naming an attr map's content, for signature matching of nodes without inputs.
 * Attrs starting with `_` (colocation, output shapes) carry node names or derived data and
 * are left out.
 */
export function attrFingerprint(attr: Record<string, AttrValue> | null | undefined): string {
  if (!attr) return '';
  const parts: string[] = [];
  for (const key of Object.keys(attr).sort()) {
    if (key.startsWith('_')) continue;
    const bytes = tf.AttrValue.encode(attr[key] as AttrValue).finish();
    parts.push(`${key}=${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`);
  }
  return parts.join(';');
}
