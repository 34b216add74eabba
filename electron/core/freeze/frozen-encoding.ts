/**
 * The byte layout of a frozen GraphDef, so that it can be written node by node and its size
 * known before any tensor is read (tf-formats.md §7, §8.3, §8.5, §8.6, §10.1).
 *
 * A GraphDef is `node` (field 1) entries, then `library` (2), then `versions` (4); a Const's
 * tensor sits four length prefixes deep: GraphDef.node → NodeDef.attr map entry → AttrValue
 * → TensorProto → tensor_content. Because every prefix is a varint of the size of what
 * follows, a NodeDef is cut at its `value` attr entry: `pre` (fields 1-4 and the attr entries
 * sorted before "value"), the value entry built here, and `post` (later attr entries, fields
 * 6, 7 and unknown fields). Each part is encoded by the generated protobufjs encoders with
 * sorted maps, so the concatenation is byte-identical to encoding the whole NodeDef at once.
 */
import { pushVarint, varintLength } from '../io/varint.js';
import { withSortedMaps } from '../proto/canonical-maps.js';
import { sortedMapKeys } from '../proto/map-order.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo } from '../tensor/dtype.js';
import { elementCount, type TensorData } from '../tensor/tensor-data.js';
import { tensorToProto } from '../tensor/tensor-proto.js';
import type { FrozenGraph, FrozenNode } from './frozen-graph.js';
import type { NodeDef } from './graph-index.js';

/** Tags (field << 3 | wire type 2, §7) of the length-delimited fields on the path to the bytes. */
const GRAPH_NODE_TAG = 0x0a; // GraphDef.node = 1
const NODE_ATTR_TAG = 0x2a; // NodeDef.attr = 5
const MAP_KEY_TAG = 0x0a; // map entry key = 1
const MAP_VALUE_TAG = 0x12; // map entry value = 2
const ATTR_TENSOR_TAG = 0x42; // AttrValue.tensor = 8
const TENSOR_CONTENT_TAG = 0x22; // TensorProto.tensor_content = 4
export const VALUE_ATTR = 'value';
const VALUE_KEY = new TextEncoder().encode(VALUE_ATTR);

/** Size of a length-delimited field with a one-byte tag around `payload` bytes. */
export function fieldSize(payload: number): number {
  return 1 + varintLength(payload) + payload;
}

function frame(tag: number, payload: number): number[] {
  const out = [tag];
  pushVarint(out, payload);
  return out;
}

/** A NodeDef cut around its `value` attr entry (see the file comment). */
export interface NodeParts {
  pre: Uint8Array;
  post: Uint8Array;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function encodeNodeDef(def: NodeDef): Uint8Array {
  return tensorflow.NodeDef.encode(withSortedMaps(def, 'tensorflow.NodeDef')).finish();
}

/*
 * The freezer measures a graph before writing it, and the writer measures it again for its
 * progress total: each NodeDef is encoded once and the bytes reused (defs are not changed
 * after planning; the cache lets go of them with the graph).
 */
const fieldCache = new WeakMap<NodeDef, Uint8Array>();
const partsCache = new WeakMap<NodeDef, NodeParts>();

/** A NodeDef without a value to insert, as its GraphDef `node` field (tag + length + bytes). */
export function encodeNodeField(def: NodeDef): Uint8Array {
  const cached = fieldCache.get(def);
  if (cached) return cached;
  const out = encodeNodeFieldUncached(def);
  fieldCache.set(def, out);
  return out;
}

function encodeNodeFieldUncached(def: NodeDef): Uint8Array {
  const body = encodeNodeDef(def);
  const head = frame(GRAPH_NODE_TAG, body.length);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/**
 * Splits `def` (which has no `value` attr) at the place the `value` entry takes in the
 * deterministic attr order: map entries sorted by key bytes (§10.1).
 */
export function encodeNodeParts(def: NodeDef): NodeParts {
  const cached = partsCache.get(def);
  if (cached) return cached;
  const parts = encodeNodePartsUncached(def);
  partsCache.set(def, parts);
  return parts;
}

function encodeNodePartsUncached(def: NodeDef): NodeParts {
  const attr = def.attr ?? {};
  const keys = sortedMapKeys([...Object.keys(attr), VALUE_ATTR], 'string');
  const at = keys.indexOf(VALUE_ATTR);
  const pick = (ks: string[]): Record<string, tensorflow.AttrValue.$Properties> => {
    const m: Record<string, tensorflow.AttrValue.$Properties> = {};
    for (const k of ks) m[k] = attr[k] as tensorflow.AttrValue.$Properties;
    return m;
  };
  // Fields 1-4 precede attr (5); 6, 7 and unknown fields follow it (protobufjs writes known
  // fields in field-number order, then unknowns).
  const pre: NodeDef = { name: def.name, op: def.op, input: def.input ?? [], device: def.device, attr: pick(keys.slice(0, at)) };
  const post: NodeDef = { attr: pick(keys.slice(at + 1)), experimentalDebugInfo: def.experimentalDebugInfo, experimentalType: def.experimentalType };
  if (hasOwn(def, '$unknowns') && def.$unknowns) post.$unknowns = def.$unknowns;
  return { pre: encodeNodeDef(pre), post: encodeNodeDef(post) };
}

/** Sizes of the nested messages of a value node whose TensorProto has `body` bytes. */
export interface ValueNodeSizes {
  /** AttrValue{tensor}. */
  attrValue: number;
  /** The map entry {key: "value", value: AttrValue}. */
  entry: number;
  /** The NodeDef. */
  node: number;
  /** The whole GraphDef `node` field: what the node adds to the file. */
  field: number;
}

export function valueNodeSizes(parts: NodeParts, body: number): ValueNodeSizes {
  const attrValue = fieldSize(body);
  const entry = fieldSize(VALUE_KEY.length) + fieldSize(attrValue);
  const node = parts.pre.length + fieldSize(entry) + parts.post.length;
  return { attrValue, entry, node, field: fieldSize(node) };
}

/**
 * The bytes before the TensorProto body: the GraphDef.node prefix, `pre`, then the prefixes
 * of attr entry → AttrValue → TensorProto. The body and then `post` follow.
 */
export function valueNodeHeader(parts: NodeParts, body: number): Uint8Array {
  const s = valueNodeSizes(parts, body);
  const a = frame(GRAPH_NODE_TAG, s.node);
  const b = [...frame(NODE_ATTR_TAG, s.entry), ...frame(MAP_KEY_TAG, VALUE_KEY.length), ...VALUE_KEY, ...frame(MAP_VALUE_TAG, s.attrValue), ...frame(ATTR_TENSOR_TAG, body)];
  const out = new Uint8Array(a.length + parts.pre.length + b.length);
  out.set(a, 0);
  out.set(parts.pre, a.length);
  out.set(b, a.length + parts.pre.length);
  return out;
}

/** GraphDef fields after the nodes: library (2), then versions (4), in field-number order (§10.1). */
export function encodeGraphTrailer(graph: FrozenGraph): Uint8Array {
  const g: tensorflow.GraphDef.$Properties = { node: [] };
  if (graph.library) g.library = graph.library;
  if (graph.versions) g.versions = graph.versions;
  return tensorflow.GraphDef.encode(withSortedMaps(g, 'tensorflow.GraphDef')).finish();
}

/** TensorProto dtype + tensor_shape, exactly as tensorToProto starts every proto (§8.3). */
export function tensorHead(dtype: number, shape: readonly number[]): Uint8Array {
  const p = tensorflow.TensorProto.create({ dtype, tensorShape: { dim: shape.map((d) => ({ size: Long.fromNumber(d) })) } });
  return tensorflow.TensorProto.encode(p).finish();
}

/** Field 4 tag and length in front of `size` content bytes. */
export function contentHeader(size: number): Uint8Array {
  return Uint8Array.from(frame(TENSOR_CONTENT_TAG, size));
}

export function contentFieldSize(size: number): number {
  return fieldSize(size);
}

const contentRule = new Map<number, boolean>();

/**
 * Whether make_tensor_proto puts `n` elements of `dtype` in tensor_content (§8.3: more than
 * one element of a listed numeric type). The dtype list is asked of tensorToProto itself, so
 * the streamed path can never disagree with the encoder it replaces.
 */
export function usesTensorContent(dtype: number, n: number): boolean {
  if (n <= 1 || dtype === DT.STRING) return false;
  let known = contentRule.get(dtype);
  if (known === undefined) {
    const info = dtypeInfo(dtype);
    known = info !== undefined && info.itemSize > 0 &&
      (tensorToProto({ kind: 'numeric', dtype, shape: [2], bytes: new Uint8Array(2 * info.itemSize) }).tensorContent?.length ?? 0) > 0;
    contentRule.set(dtype, known);
  }
  return known;
}

/**
 * The typed repeated field tensorToProto fills for `dtype` (§8.3 table) and how many wire
 * bytes each element takes: exact for fixed-width encodings, at most `max` for varints, whose
 * size depends on the value (a negative int32 takes 10 bytes, §7).
 */
interface TypedField {
  tagBytes: number;
  perElement: number;
  exact: boolean;
}

function typedField(dtype: number): TypedField | undefined {
  const fixed = (perElement: number, tagBytes = 1): TypedField => ({ tagBytes, perElement, exact: true });
  const varint = (max: number, tagBytes = 1): TypedField => ({ tagBytes, perElement: max, exact: false });
  switch (dtype) {
    case DT.FLOAT: return fixed(4);
    case DT.DOUBLE: return fixed(8);
    case DT.COMPLEX64: return fixed(8);
    case DT.COMPLEX128: return fixed(16);
    case DT.BOOL: return fixed(1);
    case DT.HALF: case DT.BFLOAT16: return varint(3); // half_val: 16-bit patterns, zero-extended
    case DT.INT64: return varint(10);
    case DT.UINT64: return varint(10, 2); // field 17
    case DT.UINT32: return varint(5, 2); // field 16
    case DT.INT32: case DT.QINT32: case DT.INT16: case DT.QINT16: case DT.INT8: case DT.QINT8: case DT.INT4: case DT.INT2:
      return varint(10); // int_val, sign-extended negatives
    case DT.UINT8: case DT.QUINT8: return varint(2);
    case DT.UINT16: case DT.QUINT16: return varint(3);
    case DT.UINT4: case DT.UINT2: return fixed(1); // values < 16: one varint byte
    case DT.FLOAT8_E5M2: case DT.FLOAT8_E4M3FN: case DT.FLOAT8_E4M3FNUZ: case DT.FLOAT8_E4M3B11FNUZ: case DT.FLOAT8_E5M2FNUZ: case DT.FLOAT4_E2M1FN:
      return fixed(1, 2); // float8_val bytes, field 18
    default: return undefined;
  }
}

/** Size of a TensorProto, from dtype and shape alone; `exact` false means an upper bound. */
export interface BodyEstimate {
  bytes: number;
  exact: boolean;
  /** tensor_content length when that representation is used. */
  content?: number;
}

/**
 * The TensorProto tensorToProto would build for a numeric tensor of this dtype and shape.
 * Undefined for dtypes it cannot encode (resource, variant, unknown).
 */
export function numericBodyEstimate(dtype: number, shape: readonly number[]): BodyEstimate | undefined {
  const info = dtypeInfo(dtype);
  if (!info || info.itemSize === 0) return undefined;
  const head = tensorHead(dtype, shape).length;
  const n = elementCount(shape);
  if (n === 0) return { bytes: head, exact: true };
  if (usesTensorContent(dtype, n)) {
    const content = n * info.itemSize;
    return { bytes: head + contentFieldSize(content), exact: true, content };
  }
  const f = typedField(dtype);
  if (!f) return undefined;
  const payload = n * f.perElement;
  return { bytes: head + f.tagBytes + varintLength(payload) + payload, exact: f.exact };
}

/**
 * A string tensor's string_val size from the bytes its V2 payloads take (§4.6): each payload
 * is the varint lengths, a 4-byte length checksum and the bytes, while string_val holds per
 * element a one-byte tag, the same varint length and the bytes, so
 * size = stored − 4 × payloads + n. Exact for a whole tensor; for part of one an upper bound.
 */
export function stringBodyEstimate(shape: readonly number[], stored: { bytes: number; payloads: number } | undefined, whole: boolean): BodyEstimate {
  const head = tensorHead(DT.STRING, shape).length;
  const n = elementCount(shape);
  if (n === 0) return { bytes: head, exact: true };
  if (!stored) return { bytes: head + 2 * n, exact: false }; // V1: lengths unknown until read
  const all = stored.bytes - 4 * stored.payloads;
  return { bytes: head + n + Math.max(all, n), exact: whole && all >= n };
}

/** The TensorProto of in-memory data: head plus either tensor_content (written from `content`) or typed fields. */
export interface TensorBody {
  /** Everything before tensor_content, or the whole TensorProto when there is none. */
  head: Uint8Array;
  content?: Uint8Array;
}

export function bodyBytes(b: { head: Uint8Array; content?: Uint8Array | number }): number {
  const c = b.content;
  if (c === undefined) return b.head.length;
  return b.head.length + contentFieldSize(typeof c === 'number' ? c : c.length);
}

/** Encodes `data` as make_tensor_proto would; tensor_content is referenced, not copied. */
export function tensorBody(data: TensorData): TensorBody {
  const n = elementCount(data.shape);
  if (data.kind === 'numeric' && usesTensorContent(data.dtype, n)) return { head: tensorHead(data.dtype, data.shape), content: data.bytes };
  return { head: tensorflow.TensorProto.encode(tensorToProto(data)).finish() };
}

/** Nodes that count as constants when naming the biggest ones (§10.4). */
export function isConstant(node: FrozenNode): boolean {
  return node.value !== undefined || node.def.op === 'Const' || node.def.op === 'HostConst';
}
