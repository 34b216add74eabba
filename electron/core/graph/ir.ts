/**
 * Builds the graph IR the UI draws (shared/model/graph-ir.ts) from a loaded graph: inputs
 * split into data and control, attributes summarized as short text, output types from
 * `_output_shapes`, variables linked to their checkpoint keys, pipeline ops flagged.
 */
import type { GraphIR, GraphNodeIR, OpFamily, TensorTypeIR } from '../../../shared/model/graph-ir.js';
import type { tensorflow as tf} from '../proto/tf.js';
import { toNumber } from '../proto/tf.js';
import { dtypeName } from '../tensor/dtype.js';
import { formatElement, formatShape } from '../tensor/tensor-data.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import type { LoadedGraph } from './load-graph.js';
import { isPipelineOp } from '../freeze/queues.js';
import { outputDtype } from '../freeze/output-dtype.js';
import { isSaverOp, isUpdateOp } from '../freeze/op-families.js';
import { VARIABLE_OPS } from '../freeze/variable-keys.js';

const FAMILY_BY_OP: Record<string, OpFamily> = {
  Placeholder: 'input', PlaceholderWithDefault: 'input',
  Const: 'constant',
  MatMul: 'math', BatchMatMul: 'math', BatchMatMulV2: 'math', Add: 'math', AddV2: 'math', Sub: 'math', Mul: 'math', RealDiv: 'math', Mean: 'math', Sum: 'math', Maximum: 'math', Minimum: 'math', Sqrt: 'math', Rsqrt: 'math', Square: 'math', Exp: 'math', Log: 'math', Neg: 'math', Cast: 'math', ArgMax: 'math', ArgMin: 'math', Pow: 'math',
  Relu: 'nn', Relu6: 'nn', Elu: 'nn', Selu: 'nn', Sigmoid: 'nn', Tanh: 'nn', Softmax: 'nn', LogSoftmax: 'nn', BiasAdd: 'nn', Conv2D: 'nn', DepthwiseConv2dNative: 'nn', MaxPool: 'nn', AvgPool: 'nn', FusedBatchNorm: 'nn', FusedBatchNormV3: 'nn', LRN: 'nn', SparseSoftmaxCrossEntropyWithLogits: 'nn', SoftmaxCrossEntropyWithLogits: 'nn', TopKV2: 'nn',
  Reshape: 'array', Transpose: 'array', ConcatV2: 'array', Concat: 'array', Pack: 'array', Unpack: 'array', Slice: 'array', StridedSlice: 'array', Gather: 'array', GatherV2: 'array', Squeeze: 'array', ExpandDims: 'array', Shape: 'array', Fill: 'array', Tile: 'array', Split: 'array', SplitV: 'array', Pad: 'array', OneHot: 'array', ZerosLike: 'array', OnesLike: 'array',
  Identity: 'control', IdentityN: 'control', NoOp: 'control', Switch: 'control', Merge: 'control', Enter: 'control', Exit: 'control', NextIteration: 'control', LoopCond: 'control', Assert: 'control', RefSwitch: 'control', RefEnter: 'control', RefMerge: 'control', StopGradient: 'control',
  While: 'function', StatelessWhile: 'function', If: 'function', StatelessIf: 'function', PartitionedCall: 'function', StatefulPartitionedCall: 'function',
};

export function opFamily(op: string): OpFamily {
  const f = FAMILY_BY_OP[op];
  if (f) return f;
  if (VARIABLE_OPS.has(op) || op === 'ReadVariableOp') return 'variable';
  if (isPipelineOp(op)) return 'queue';
  if (isSaverOp(op) || /^(ShardedFilename|StringJoin|ReadFile|WriteFile)$/.test(op)) return 'io';
  if (/Summary|WriteScalar|ScalarSummary/.test(op)) return 'summary';
  if (isUpdateOp(op) || /Grad$|^Apply|^ResourceApply/.test(op)) return 'training';
  return 'other';
}

function shapeText(s: tf.TensorShapeProto.$Properties | null | undefined): string {
  if (!s || s.unknownRank) return '<unknown>';
  return `[${(s.dim ?? []).map((d) => (toNumber(d.size) < 0 ? '?' : String(toNumber(d.size)))).join(', ')}]`;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Short readable text of an attr value (tensors previewed, long lists cut). */
export function attrText(v: tf.AttrValue.$Properties, key = ''): string {
  if (v.s !== undefined && v.s !== null) return JSON.stringify(utf8.decode(v.s));
  if (v.i !== undefined && v.i !== null) return String(v.i);
  if (v.f !== undefined && v.f !== null) return String(v.f);
  if (v.b !== undefined && v.b !== null) return String(v.b);
  if (v.type !== undefined && v.type !== null) return dtypeName(v.type as number);
  if (v.shape) return shapeText(v.shape);
  if (v.tensor) {
    try {
      const t = tensorFromProto(v.tensor, key);
      const n = t.shape.reduce((a, b) => a * b, 1);
      const shown = Array.from({ length: Math.min(n, 6) }, (_, i) => formatElement(t, i));
      return `${dtypeName(t.dtype)}${formatShape(t.shape)} ${n === 1 ? shown[0] : `[${shown.join(', ')}${n > 6 ? ', …' : ''}]`}`;
    } catch {
      return '<tensor>';
    }
  }
  if (v.func) return `fn ${v.func.name ?? ''}`;
  if (v.placeholder) return `$${v.placeholder}`;
  const l = v.list;
  if (l) {
    const items: string[] = [
      ...(l.s ?? []).map((s) => JSON.stringify(utf8.decode(s))),
      ...(l.i ?? []).map(String),
      ...(l.f ?? []).map(String),
      ...(l.b ?? []).map(String),
      ...(l.type ?? []).map((t) => dtypeName(t as number)),
      ...(l.shape ?? []).map(shapeText),
      ...(l.func ?? []).map((f) => `fn ${f.name ?? ''}`),
    ];
    return `[${items.slice(0, 8).join(', ')}${items.length > 8 ? `, … (${items.length})` : ''}]`;
  }
  return '';
}

function outputsOf(n: tf.NodeDef.$Properties): TensorTypeIR[] | undefined {
  const shapes = n.attr?.['_output_shapes']?.list?.shape;
  const first = outputDtype(n, 0);
  if (!shapes && first === undefined) return undefined;
  const count = Math.max(shapes?.length ?? 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const out: TensorTypeIR = {};
    const t = i === 0 ? first : outputDtype(n, i);
    if (t !== undefined) out.dtype = dtypeName(t);
    const s = shapes?.[i];
    if (s) out.shape = s.unknownRank ? null : (s.dim ?? []).map((d) => toNumber(d.size));
    return out;
  });
}

/** Classifies each op type once: a graph has a few dozen for tens of thousands of nodes. */
function opClassifier(): (op: string) => { family: OpFamily; pipeline: boolean } {
  const byOp = new Map<string, { family: OpFamily; pipeline: boolean }>();
  return (op) => {
    let c = byOp.get(op);
    if (!c) byOp.set(op, (c = { family: opFamily(op), pipeline: isPipelineOp(op) }));
    return c;
  };
}

/** A node's name, op, family, data and control inputs and pipeline flag; attrs left empty. */
function structureOf(n: tf.NodeDef.$Properties, classify: ReturnType<typeof opClassifier>): GraphNodeIR {
  const op = n.op ?? '';
  const kind = classify(op);
  const inputs: string[] = [];
  const controlInputs: string[] = [];
  for (const s of n.input ?? []) {
    if (s.startsWith('^')) controlInputs.push(s.slice(1));
    else inputs.push(s.endsWith(':0') ? s.slice(0, -2) : s);
  }
  const ir: GraphNodeIR = { name: n.name ?? '', op, family: kind.family, inputs, controlInputs, attrs: {} };
  if (kind.pipeline) ir.pipeline = true;
  return ir;
}

function functionNames(loaded: LoadedGraph): string[] {
  return (loaded.graphDef.library?.function ?? []).map((f) => f.signature?.name ?? '');
}

export function buildGraphIR(loaded: LoadedGraph, checkpointKeys: ReadonlyMap<string, string> = new Map()): GraphIR {
  const classify = opClassifier();
  const nodes: GraphNodeIR[] = (loaded.graphDef.node ?? []).map((n) => {
    const ir = structureOf(n, classify);
    for (const key of Object.keys(n.attr ?? {}).sort()) {
      if (key === '_output_shapes') continue;
      ir.attrs[key] = attrText(n.attr?.[key] as tf.AttrValue.$Properties, key);
    }
    if (n.device) ir.device = n.device;
    const outputs = outputsOf(n);
    if (outputs) ir.outputs = outputs;
    const key = checkpointKeys.get(ir.name);
    if (key !== undefined) ir.checkpointKey = key;
    return ir;
  });
  return { file: loaded.file, nodes, functions: functionNames(loaded) };
}

/**
 * The graph's structure only, for a first drawing while the full IR is built: names, ops,
 * families, inputs and pipeline flags, in the same node order as buildGraphIR. No attrs,
 * outputs, devices or checkpoint keys (those need the attr text and the variable → key map,
 * most of the IR's time).
 */
export function buildGraphStructure(loaded: LoadedGraph): GraphIR {
  const classify = opClassifier();
  return { file: loaded.file, nodes: (loaded.graphDef.node ?? []).map((n) => structureOf(n, classify)), functions: functionNames(loaded) };
}
