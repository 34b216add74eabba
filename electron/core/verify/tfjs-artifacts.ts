/**
 * A GraphDef (protobufjs objects, tf-formats.md §8.9–§8.12) as the in-memory model artifacts
 * tfjs-converter's `loadGraphModel(io.fromMemory(...))` reads: `modelTopology` is the GraphDef
 * in protobuf JSON form (what tfjs's OperationMapper parses: attr `s` base64, `i` decimal
 * strings, `type` as the DT_* enum name, shapes as `{dim: [{size}]}`), and every Const's value
 * sits in `weightSpecs` + `weightData` under the Const's node name — tfjs takes Const values
 * from the weight map, never from the `value` attr, so the attr is dropped here.
 *
 * tfjs holds float32, int32, bool and string tensors only. Values of other dtypes are widened
 * where that is exact (int8/uint8/int16/uint16 → int32, float16/bfloat16 → float32), int64 is
 * narrowed when every value fits in int32 (tfjs itself maps DT_INT64 attrs to int32), and the
 * rest is reported by name instead of being converted wrongly.
 */
import type { io } from '@tensorflow/tfjs-core';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, numberAt, type TensorData } from '../tensor/tensor-data.js';
import { toBigInt, type tensorflow } from '../proto/tf.js';
import type { NodeDef } from '../freeze/graph-index.js';

export type TfjsDtype = 'float32' | 'int32' | 'bool' | 'string';

/** One tensor ready to become a tfjs tensor: bytes in tfjs's own layout. */
export interface TfjsTensorValue {
  dtype: TfjsDtype;
  shape: number[];
  /** float32 / int32 / bool (one byte each) values; strings as UTF-8 byte strings. */
  data: Float32Array | Int32Array | Uint8Array | Uint8Array[];
}

export interface TfjsArtifacts {
  artifacts: io.ModelArtifacts;
  /** Consts whose dtype tfjs cannot hold: `name (dtype)`. */
  unsupportedDtypes: string[];
  /** Other nodes whose type attrs name a dtype tfjs-converter cannot map: `Op name (dtype: …)`. */
  unsupportedNodes: string[];
  /** Bytes of weightData. */
  weightBytes: number;
}

type Attr = tensorflow.AttrValue.$Properties;
type Shape = tensorflow.TensorShapeProto.$Properties;
type Json = Record<string, unknown>;

function base64(bytes: Uint8Array | string | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8').toString('base64') : Buffer.from(bytes).toString('base64');
}

function int64Text(v: Parameters<typeof toBigInt>[0]): string {
  return toBigInt(v).toString();
}

/** tfjs parses dtypes by enum name (`tensorflow.DataType['DT_FLOAT']`); ref types keep their `_REF` name. */
export function dtypeEnumName(t: number): string {
  if (t > 100) return `${dtypeEnumName(t - 100)}_REF`;
  return dtypeInfo(t)?.enumName ?? 'DT_INVALID';
}

function shapeJSON(s: Shape | null | undefined): Json {
  if (!s) return {};
  if (s.unknownRank) return { unknownRank: true };
  return { dim: (s.dim ?? []).map((d) => ({ size: int64Text(d.size) })) };
}

/** One AttrValue in protobuf JSON form (tensor payloads omitted: Consts take theirs from the weights). */
export function attrJSON(a: Attr): Json {
  if (a.list) {
    const l = a.list;
    const out: Json = {};
    if (l.s?.length) out['s'] = l.s.map((b) => base64(b));
    if (l.i?.length) out['i'] = l.i.map((v) => int64Text(v));
    if (l.f?.length) out['f'] = l.f.map((v) => Number(v));
    if (l.b?.length) out['b'] = l.b.map((v) => Boolean(v));
    if (l.type?.length) out['type'] = l.type.map((t) => dtypeEnumName(t as number));
    if (l.shape?.length) out['shape'] = l.shape.map((s) => shapeJSON(s));
    if (l.func?.length) out['func'] = l.func.map((f) => ({ name: f.name ?? '' }));
    return { list: out };
  }
  if (a.s !== null && a.s !== undefined) return { s: base64(a.s) };
  if (a.i !== null && a.i !== undefined) return { i: int64Text(a.i) };
  if (a.f !== null && a.f !== undefined) return { f: Number(a.f) };
  if (a.b !== null && a.b !== undefined) return { b: Boolean(a.b) };
  if (a.type !== null && a.type !== undefined) return { type: dtypeEnumName(a.type as number) };
  if (a.shape) return { shape: shapeJSON(a.shape) };
  if (a.func) return { func: { name: a.func.name ?? '' } };
  if (a.tensor) return { tensor: { dtype: dtypeEnumName(a.tensor.dtype as number), tensorShape: shapeJSON(a.tensor.tensorShape) } };
  return {};
}

/** A NodeDef in protobuf JSON form; control inputs kept as written. */
export function nodeJSON(n: NodeDef): Json {
  const attr: Json = {};
  for (const [k, v] of Object.entries(n.attr ?? {})) {
    if (n.op === 'Const' && k === 'value') continue;
    attr[k] = attrJSON(v);
  }
  return { name: n.name ?? '', op: n.op ?? '', input: [...(n.input ?? [])], attr };
}

/**
 * The value in tfjs's layout, or a sentence saying why tfjs cannot hold it exactly
 * (widening rules in the header comment).
 */
export function toTfjsValue(t: TensorData): TfjsTensorValue | string {
  const shape = [...t.shape];
  const n = elementCount(shape);
  if (t.kind === 'string') return { dtype: 'string', shape, data: [...t.strings] };
  // A copy, aligned and starting at offset 0 (t.bytes may be a Node Buffer view into a larger pool).
  const bytes = new Uint8Array(t.bytes);
  switch (t.dtype) {
    case DT.FLOAT:
      return { dtype: 'float32', shape, data: new Float32Array(bytes.buffer, 0, n) };
    case DT.INT32:
      return { dtype: 'int32', shape, data: new Int32Array(bytes.buffer, 0, n) };
    case DT.BOOL:
      return { dtype: 'bool', shape, data: Uint8Array.from(bytes, (b) => (b ? 1 : 0)) };
    case DT.HALF:
    case DT.BFLOAT16: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = numberAt(t, i);
      return { dtype: 'float32', shape, data: out };
    }
    case DT.INT8:
    case DT.UINT8:
    case DT.INT16:
    case DT.UINT16: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = numberAt(t, i);
      return { dtype: 'int32', shape, data: out };
    }
    case DT.INT64: {
      const out = new Int32Array(n);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) return `int64 value ${v} does not fit tfjs's int32`;
        out[i] = Number(v);
      }
      return { dtype: 'int32', shape, data: out };
    }
    default:
      return `tfjs has no ${dtypeName(t.dtype)} tensors`;
  }
}

/** Bytes of one value in tfjs's weight layout (strings: uint32 LE length + bytes each). */
function weightBytes(v: TfjsTensorValue): Uint8Array {
  if (v.dtype === 'string') {
    const strings = v.data as Uint8Array[];
    const total = strings.reduce((s, b) => s + 4 + b.length, 0);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const s of strings) {
      view.setUint32(at, s.length, true);
      out.set(s, at + 4);
      at += 4 + s.length;
    }
    return out;
  }
  const d = v.data as Float32Array | Int32Array | Uint8Array;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * The dtype enums tfjs-converter maps to a tfjs dtype (its parseDtypeParam: float, half, double
 * → float32; int32, int64, int8, uint8 → int32; bool; string; complex64/128). Any other in a
 * node's type attrs makes that node fail at run time with "unknown dtype null".
 */
const TFJS_MAPPED_DTYPES: ReadonlySet<number> = new Set([1, 19, 2, 3, 9, 6, 4, 10, 7, 8, 18]);

/** `Op name (dtype: …)` for each non-Const node with a type attr tfjs cannot map. */
function unmappedDtypeNodes(nodes: readonly NodeDef[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.op === 'Const') continue;
    const bad = new Set<number>();
    for (const a of Object.values(n.attr ?? {})) {
      for (const t of [a.type, ...(a.list?.type ?? [])]) if (t !== undefined && t !== null && t !== 0 && !TFJS_MAPPED_DTYPES.has(t as number)) bad.add(t as number);
    }
    for (const t of bad) out.push(`${n.op ?? ''} ${n.name ?? ''} (${dtypeName(t)}: tfjs has no ${dtypeName(t)} tensors)`);
  }
  return out;
}

/**
 * Artifacts for `nodes`: every Const must have its value in `values` (by node name). Consts
 * whose value tfjs cannot hold are listed in `unsupportedDtypes` and left out of the weights.
 */
export function toTfjsArtifacts(nodes: readonly NodeDef[], values: ReadonlyMap<string, TensorData>, versions?: tensorflow.VersionDef.$Properties | null): TfjsArtifacts {
  const specs: io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const unsupportedDtypes: string[] = [];
  for (const n of nodes) {
    if (n.op !== 'Const') continue;
    const name = n.name ?? '';
    const t = values.get(name);
    if (!t) {
      unsupportedDtypes.push(`${name} (no value)`);
      continue;
    }
    const v = toTfjsValue(t);
    if (typeof v === 'string') {
      unsupportedDtypes.push(`${name} (${dtypeName(t.dtype)}: ${v})`);
      continue;
    }
    specs.push({ name, shape: v.shape, dtype: v.dtype });
    chunks.push(weightBytes(v));
  }
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    weightData.set(c, at);
    at += c.length;
  }
  const topology: Json = { node: nodes.map(nodeJSON), versions: { producer: Number(versions?.producer ?? 0) } };
  return {
    artifacts: { modelTopology: topology, weightSpecs: specs, weightData: weightData.buffer, format: 'graph-model', generatedBy: 'frost', convertedBy: 'frost' },
    unsupportedDtypes,
    unsupportedNodes: unmappedDtypeNodes(nodes),
    weightBytes: total,
  };
}
