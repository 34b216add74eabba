/**
 * The demo checkpoint `npm start` opens: a small TF1 training folder written by Frost's own
 * writers at build time (nothing fetched, nothing committed). It is the folder a TensorFlow
 * 1.15 script leaves behind after `Saver.save(sess, "model.ckpt", global_step=N)` at steps
 * 500 and 1000:
 *
 *   checkpoint                                 state file naming both steps (tf-formats.md §1.2)
 *   model.ckpt-{500,1000}.meta                 binary MetaGraphDef (§8.13) with SaverDef and collections
 *   model.ckpt-{500,1000}.index / .data-00000-of-00001   V2 bundles (§4)
 *
 * The graph is what TF 1.15 builds for (node names, ops, attrs and `_output_shapes` as TF
 * writes them in .meta files; freezing.md §6.1 and §11):
 *
 *   string_input_producer(["train.tfrecord"]) → TFRecordReader().read → decode_raw(uint8) →
 *   features = reshape(cast(raw[:64], float32) / 255.0, [64]), label = cast(raw[64], int32) →
 *   batch([features, label], 32) → dense 64→32 (relu) → dense 32→10 → softmax "probabilities",
 *   loss = reduce_mean(sparse_softmax_cross_entropy_with_logits(batch:1, logits)),
 *   GradientDescentOptimizer(0.1).minimize(loss, global_step, name="train"), a loss summary,
 *   global_variables_initializer() and Saver().
 *
 * Variable values are deterministic (a seeded PRNG), so every build writes the same bytes.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeBundleV2, type BundleTensor } from '../checkpoint/bundle-writer.js';
import { writeCheckpointState } from '../checkpoint/state-file.js';
import { writeMetaGraphFile } from '../graph/write-graph.js';
import { tensorflow, toLong } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import { tensorToProto } from '../tensor/tensor-proto.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { seededRandom } from '../seeded-random.js';

/** Features per example, hidden units, classes, batch size (= queue capacity), saved steps, learning rate. */
export const DEMO = { features: 64, hidden: 32, classes: 10, batch: 32, steps: [500, 1000], learningRate: 0.1 } as const;

/** The inference output a user freezes. */
export const DEMO_OUTPUTS: readonly string[] = ['probabilities'];

type Node = tensorflow.NodeDef.$Properties;
type Attr = tensorflow.AttrValue.$Properties;
type TensorProps = tensorflow.TensorProto.$Properties;
/** A static shape: dims (-1 unknown), or null for unknown rank. */
type Shape = readonly number[] | null;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function shapeProto(s: Shape): tensorflow.TensorShapeProto.$Properties {
  return s === null ? { unknownRank: true } : { dim: s.map((d) => ({ size: toLong(d) })) };
}

const attr = {
  type: (t: number): Attr => ({ type: t }),
  types: (ts: readonly number[]): Attr => ({ list: { type: [...ts] } }),
  shape: (s: Shape): Attr => ({ shape: shapeProto(s) }),
  shapes: (ss: readonly Shape[]): Attr => ({ list: { shape: ss.map(shapeProto) } }),
  int: (n: number): Attr => ({ i: toLong(n) }),
  bool: (b: boolean): Attr => ({ b }),
  str: (s: string): Attr => ({ s: utf8(s) }),
  /** `_class: [loc:@name]`, the colocation TF records on a variable's satellites. */
  loc: (name: string): Attr => ({ list: { s: [utf8(`loc:@${name}`)] } }),
  tensor: (t: TensorProps): Attr => ({ tensor: t }),
};

// ----------------------------------------------------------------------------- values

function numeric(dtype: number, shape: readonly number[], itemSize: number, values: readonly number[] | readonly bigint[], put: (v: DataView, off: number, x: number | bigint) => void): TensorData {
  const bytes = new Uint8Array(values.length * itemSize);
  const view = new DataView(bytes.buffer);
  values.forEach((x, i) => put(view, i * itemSize, x));
  return { kind: 'numeric', dtype, shape, bytes };
}
const f32 = (shape: readonly number[], values: readonly number[]): TensorData => numeric(DT.FLOAT, shape, 4, values, (v, o, x) => v.setFloat32(o, Number(x), true));
const i32 = (shape: readonly number[], values: readonly number[]): TensorData => numeric(DT.INT32, shape, 4, values, (v, o, x) => v.setInt32(o, Number(x), true));
const i64 = (shape: readonly number[], values: readonly bigint[]): TensorData => numeric(DT.INT64, shape, 8, values, (v, o, x) => v.setBigInt64(o, BigInt(x), true));
const bool = (value: boolean): TensorData => ({ kind: 'numeric', dtype: DT.BOOL, shape: [], bytes: new Uint8Array([value ? 1 : 0]) });
const strs = (shape: readonly number[], values: readonly string[]): TensorData => ({ kind: 'string', dtype: DT.STRING, shape, strings: values.map(utf8) });

/** `tf.zeros(shape)` for a small static shape: one value broadcast over the shape (TF's `constant(0, shape=...)`). */
function splatZero(dtype: number, shape: readonly number[]): TensorProps {
  const p: TensorProps = { dtype, tensorShape: shapeProto(shape) };
  if (dtype === DT.INT64) p.int64Val = [toLong(0)];
  else p.floatVal = [0];
  return p;
}

/** Seeded, so the demo's bytes are the same on every build. */
const prng = seededRandom;

/** Samples of N(0, stddev²) cut at two standard deviations, like tf.truncated_normal. */
function truncatedNormal(count: number, stddev: number, seed: number): number[] {
  const rand = prng(seed);
  const out: number[] = [];
  while (out.length < count) {
    const u = Math.max(rand(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    if (Math.abs(z) <= 2) out.push(Math.fround(z * stddev));
  }
  return out;
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (const c of utf8(text)) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h;
}

// ----------------------------------------------------------------------------- the graph

interface VariableInfo {
  name: string;
  dtype: number;
  shape: readonly number[];
  initialValue: string;
  trainable: boolean;
}

class GraphBuilder {
  readonly nodes: Node[] = [];
  private readonly names = new Set<string>();

  /** Adds a node; `outputs` become `_output_shapes` (TF writes them for every node with outputs). */
  add(name: string, op: string, input: readonly string[], attrs: Record<string, Attr>, outputs: readonly Shape[] = [], device = ''): string {
    if (this.names.has(name)) throw new Error(`demo graph: node ${name} is added twice`);
    this.names.add(name);
    const a: Record<string, Attr> = { ...attrs };
    if (outputs.length > 0) a['_output_shapes'] = attr.shapes(outputs);
    const node: Node = { name, op, input: [...input], attr: a };
    if (device !== '') node.device = device;
    this.nodes.push(node);
    return name;
  }

  /** A Const holding `value` (built like make_tensor_proto), or a ready TensorProto with its shape. */
  constant(name: string, value: TensorData | { proto: TensorProps; dtype: number; shape: readonly number[] }, extra: Record<string, Attr> = {}, input: readonly string[] = [], device = ''): string {
    const proto = 'proto' in value ? value.proto : tensorToProto(value);
    return this.add(name, 'Const', input, { ...extra, dtype: attr.type(value.dtype), value: attr.tensor(proto) }, [value.shape], device);
  }

  /** A NoOp grouping `deps` as control inputs, sorted by name like tf.group. */
  group(name: string, deps: readonly string[]): string {
    return this.add(name, 'NoOp', [...deps].sort().map((d) => `^${d}`), {});
  }

  /** VariableV2 + `/Assign` from its initializer + `/read` Identity, all colocated with it. */
  variable(name: string, dtype: number, shape: readonly number[], initialValue: string, trainable: boolean): VariableInfo {
    const loc = { _class: attr.loc(name) };
    this.add(name, 'VariableV2', [], { ...loc, container: attr.str(''), dtype: attr.type(dtype), shape: attr.shape(shape), shared_name: attr.str('') }, [shape]);
    this.add(`${name}/Assign`, 'Assign', [name, initialValue], { T: attr.type(dtype), ...loc, use_locking: attr.bool(true), validate_shape: attr.bool(true) }, [shape]);
    this.add(`${name}/read`, 'Identity', [name], { T: attr.type(dtype), ...loc }, [shape]);
    return { name, dtype, shape, initialValue, trainable };
  }

  /** `get_variable(name, shape, initializer=truncated_normal_initializer(stddev))`. */
  truncatedNormalVariable(name: string, shape: readonly number[], stddev: number): VariableInfo {
    const s = `${name}/Initializer/truncated_normal`;
    const loc = { _class: attr.loc(name) };
    this.constant(`${s}/shape`, i32([shape.length], shape), loc);
    this.constant(`${s}/mean`, f32([], [0]), loc);
    this.constant(`${s}/stddev`, f32([], [stddev]), loc);
    this.add(`${s}/TruncatedNormal`, 'TruncatedNormal', [`${s}/shape`], { T: attr.type(DT.INT32), ...loc, dtype: attr.type(DT.FLOAT), seed: attr.int(0), seed2: attr.int(0) }, [shape]);
    this.add(`${s}/mul`, 'Mul', [`${s}/TruncatedNormal`, `${s}/stddev`], { T: attr.type(DT.FLOAT), ...loc }, [shape]);
    this.add(s, 'Add', [`${s}/mul`, `${s}/mean`], { T: attr.type(DT.FLOAT), ...loc }, [shape]);
    return this.variable(name, DT.FLOAT, shape, s, true);
  }

  /** `get_variable(name, shape, initializer=zeros_initializer())`. */
  zerosVariable(name: string, dtype: number, shape: readonly number[], trainable: boolean): VariableInfo {
    const init = `${name}/Initializer/zeros`;
    this.constant(init, { proto: splatZero(dtype, shape), dtype, shape }, { _class: attr.loc(name) });
    return this.variable(name, dtype, shape, init, trainable);
  }

  /** The `fraction_of_N_full` summary TF attaches to a queue: size → float → × 1/capacity → ScalarSummary. */
  queueFillSummary(scope: string, sizeOp: string, capacity: number): string {
    this.add(`${scope}/Cast`, 'Cast', [sizeOp], { DstT: attr.type(DT.FLOAT), SrcT: attr.type(DT.INT32), Truncate: attr.bool(false) }, [[]]);
    this.constant(`${scope}/mul/y`, f32([], [1 / capacity]));
    this.add(`${scope}/mul`, 'Mul', [`${scope}/Cast`, `${scope}/mul/y`], { T: attr.type(DT.FLOAT) }, [[]]);
    const tag = `${scope}/fraction_of_${capacity}_full`;
    this.constant(`${tag}/tags`, strs([], [tag]));
    return this.add(tag, 'ScalarSummary', [`${tag}/tags`, `${scope}/mul`], { T: attr.type(DT.FLOAT) }, [[]]);
  }

  /** `raw[begin:end]` (shrink=false) or `raw[begin]` (shrink=true) on a 1-D uint8 tensor. */
  stridedSlice(name: string, input: string, begin: number, end: number, shrink: boolean, out: Shape): string {
    this.constant(`${name}/stack`, i32([1], [begin]));
    this.constant(`${name}/stack_1`, i32([1], [end]));
    this.constant(`${name}/stack_2`, i32([1], [1]));
    return this.add(name, 'StridedSlice', [input, `${name}/stack`, `${name}/stack_1`, `${name}/stack_2`], {
      Index: attr.type(DT.INT32),
      T: attr.type(DT.UINT8),
      begin_mask: attr.int(!shrink && begin === 0 ? 1 : 0),
      ellipsis_mask: attr.int(0),
      end_mask: attr.int(0),
      new_axis_mask: attr.int(0),
      shrink_axis_mask: attr.int(shrink ? 1 : 0),
    }, [out]);
  }

  matmul(name: string, a: string, b: string, out: Shape, transposeA = false, transposeB = false): string {
    return this.add(name, 'MatMul', [a, b], { T: attr.type(DT.FLOAT), transpose_a: attr.bool(transposeA), transpose_b: attr.bool(transposeB) }, [out]);
  }

  /** `tuple([a, b])` as the gradient code builds it: a group_deps NoOp and one colocated Identity per tensor. */
  gradTuple(scope: string, tensors: readonly { name: string; shape: Shape }[]): string[] {
    const deps = this.group(`${scope}/tuple/group_deps`, tensors.map((t) => t.name));
    return tensors.map((t, i) =>
      this.add(`${scope}/tuple/control_dependency${i === 0 ? '' : `_${i}`}`, 'Identity', [t.name, `^${deps}`], { T: attr.type(DT.FLOAT), _class: attr.loc(t.name) }, [t.shape]),
    );
  }
}

interface DemoGraph {
  meta: tensorflow.MetaGraphDef.$Properties;
  variables: VariableInfo[];
}

/** The MetaGraphDef both `.meta` files hold. */
export function buildDemoMetaGraph(): tensorflow.MetaGraphDef.$Properties {
  return buildDemoGraph().meta;
}

function buildDemoGraph(): DemoGraph {
  const { features: F, hidden: H, classes: C, batch: N } = DEMO;
  const g = new GraphBuilder();
  const FLOAT = attr.type(DT.FLOAT);

  // tf.train.get_or_create_global_step()
  const globalStep = g.zerosVariable('global_step', DT.INT64, [], false);

  // tf.train.string_input_producer(["train.tfrecord"], shuffle=False)
  const ip = 'input_producer';
  g.constant(`${ip}/Const`, strs([1], ['train.tfrecord']));
  g.constant(`${ip}/Size`, i32([], [1]));
  g.constant(`${ip}/Greater/y`, i32([], [0]));
  g.add(`${ip}/Greater`, 'Greater', [`${ip}/Size`, `${ip}/Greater/y`], { T: attr.type(DT.INT32) }, [[]]);
  const assertMessage = 'string_input_producer requires a non-null input tensor';
  g.constant(`${ip}/Assert/Const`, strs([], [assertMessage]));
  g.constant(`${ip}/Assert/Assert/data_0`, strs([], [assertMessage]));
  g.add(`${ip}/Assert/Assert`, 'Assert', [`${ip}/Greater`, `${ip}/Assert/Assert/data_0`], { T: attr.types([DT.STRING]), summarize: attr.int(3) });
  g.add(`${ip}/Identity`, 'Identity', [`${ip}/Const`, `^${ip}/Assert/Assert`], { T: attr.type(DT.STRING) }, [[1]]);
  const queueAttrs = (types: number[], shapes: Shape[], capacity: number): Record<string, Attr> => ({
    capacity: attr.int(capacity),
    component_types: attr.types(types),
    container: attr.str(''),
    shapes: attr.shapes(shapes),
    shared_name: attr.str(''),
  });
  g.add(ip, 'FIFOQueueV2', [], queueAttrs([DT.STRING], [[]], 32), [[]], '/device:CPU:*');
  g.add(`${ip}/input_producer_EnqueueMany`, 'QueueEnqueueManyV2', [ip, `${ip}/Identity`], { Tcomponents: attr.types([DT.STRING]), timeout_ms: attr.int(-1) });
  g.add(`${ip}/input_producer_Close`, 'QueueCloseV2', [ip], { cancel_pending_enqueues: attr.bool(false) });
  g.add(`${ip}/input_producer_Close_1`, 'QueueCloseV2', [ip], { cancel_pending_enqueues: attr.bool(true) });
  g.add(`${ip}/input_producer_Size`, 'QueueSizeV2', [ip], {}, [[]]);
  const ipSummary = g.queueFillSummary(ip, `${ip}/input_producer_Size`, 32);

  // reader.read(filename_queue) and the per-example preprocessing
  g.add('TFRecordReaderV2', 'TFRecordReaderV2', [], { compression_type: attr.str(''), container: attr.str(''), shared_name: attr.str('') }, [[]]);
  g.add('ReaderReadV2', 'ReaderReadV2', ['TFRecordReaderV2', ip], {}, [[], []]);
  g.add('DecodeRaw', 'DecodeRaw', ['ReaderReadV2:1'], { little_endian: attr.bool(true), out_type: attr.type(DT.UINT8) }, [[-1]]);
  g.stridedSlice('strided_slice', 'DecodeRaw', 0, F, false, [-1]);
  g.add('Cast', 'Cast', ['strided_slice'], { DstT: FLOAT, SrcT: attr.type(DT.UINT8), Truncate: attr.bool(false) }, [[-1]]);
  g.constant('truediv/y', f32([], [255]));
  g.add('truediv', 'RealDiv', ['Cast', 'truediv/y'], { T: FLOAT }, [[-1]]);
  g.constant('Reshape/shape', i32([1], [F]));
  g.add('Reshape', 'Reshape', ['truediv', 'Reshape/shape'], { T: FLOAT, Tshape: attr.type(DT.INT32) }, [[F]]);
  g.stridedSlice('strided_slice_1', 'DecodeRaw', F, F + 1, true, []);
  g.add('Cast_1', 'Cast', ['strided_slice_1'], { DstT: attr.type(DT.INT32), SrcT: attr.type(DT.UINT8), Truncate: attr.bool(false) }, [[]]);

  // tf.train.batch([features, label], 32)
  const bq = 'batch/fifo_queue';
  const components = [DT.FLOAT, DT.INT32];
  g.constant('batch/Const', bool(true));
  g.add(bq, 'FIFOQueueV2', [], queueAttrs(components, [[F], []], N), [[]], '/device:CPU:*');
  g.add(`${bq}_enqueue`, 'QueueEnqueueV2', [bq, 'Reshape', 'Cast_1'], { Tcomponents: attr.types(components), timeout_ms: attr.int(-1) });
  g.add(`${bq}_Close`, 'QueueCloseV2', [bq], { cancel_pending_enqueues: attr.bool(false) });
  g.add(`${bq}_Close_1`, 'QueueCloseV2', [bq], { cancel_pending_enqueues: attr.bool(true) });
  g.add(`${bq}_Size`, 'QueueSizeV2', [bq], {}, [[]]);
  const batchSummary = g.queueFillSummary('batch', `${bq}_Size`, N);
  g.constant('batch/n', i32([], [N]));
  g.add('batch', 'QueueDequeueManyV2', [bq, 'batch/n'], { component_types: attr.types(components), timeout_ms: attr.int(-1) }, [[N, F], [N]]);

  // Two dense layers (variable_scope "hidden" and "logits").
  const hw = g.truncatedNormalVariable('hidden/weights', [F, H], 0.1);
  const hb = g.zerosVariable('hidden/biases', DT.FLOAT, [H], true);
  g.matmul('hidden/MatMul', 'batch', 'hidden/weights/read', [N, H]);
  g.add('hidden/BiasAdd', 'BiasAdd', ['hidden/MatMul', 'hidden/biases/read'], { T: FLOAT, data_format: attr.str('NHWC') }, [[N, H]]);
  g.add('hidden/Relu', 'Relu', ['hidden/BiasAdd'], { T: FLOAT }, [[N, H]]);
  const lw = g.truncatedNormalVariable('logits/weights', [H, C], 0.1);
  const lb = g.zerosVariable('logits/biases', DT.FLOAT, [C], true);
  g.matmul('logits/MatMul', 'hidden/Relu', 'logits/weights/read', [N, C]);
  g.add('logits/BiasAdd', 'BiasAdd', ['logits/MatMul', 'logits/biases/read'], { T: FLOAT, data_format: attr.str('NHWC') }, [[N, C]]);
  g.add('probabilities', 'Softmax', ['logits/BiasAdd'], { T: FLOAT }, [[N, C]]);

  // loss = reduce_mean(sparse_softmax_cross_entropy_with_logits(labels=batch:1, logits)), and its summary
  const xent = 'SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits';
  g.constant('SparseSoftmaxCrossEntropyWithLogits/Shape', i32([1], [N]));
  g.add(xent, 'SparseSoftmaxCrossEntropyWithLogits', ['logits/BiasAdd', 'batch:1'], { T: FLOAT, Tlabels: attr.type(DT.INT32) }, [[N], [N, C]]);
  g.constant('Const', i32([1], [0]));
  g.add('loss', 'Mean', [xent, 'Const'], { T: FLOAT, Tidx: attr.type(DT.INT32), keep_dims: attr.bool(false) }, [[]]);
  g.constant('loss_1/tags', strs([], ['loss_1']));
  const lossSummary = g.add('loss_1', 'ScalarSummary', ['loss_1/tags', 'loss'], { T: FLOAT }, [[]]);

  // tf.gradients(loss, trainable variables), as TF 1.15 builds them
  g.constant('gradients/Shape', i32([0], []));
  g.constant('gradients/grad_ys_0', f32([], [1]));
  g.add('gradients/Fill', 'Fill', ['gradients/Shape', 'gradients/grad_ys_0'], { T: FLOAT, index_type: attr.type(DT.INT32) }, [[]]);
  const mg = 'gradients/loss_grad';
  g.constant(`${mg}/Reshape/shape`, i32([1], [1]));
  g.add(`${mg}/Reshape`, 'Reshape', ['gradients/Fill', `${mg}/Reshape/shape`], { T: FLOAT, Tshape: attr.type(DT.INT32) }, [[1]]);
  g.constant(`${mg}/Const`, i32([1], [N]));
  g.add(`${mg}/Tile`, 'Tile', [`${mg}/Reshape`, `${mg}/Const`], { T: FLOAT, Tmultiples: attr.type(DT.INT32) }, [[N]]);
  g.constant(`${mg}/Const_1`, f32([], [N]));
  g.add(`${mg}/truediv`, 'RealDiv', [`${mg}/Tile`, `${mg}/Const_1`], { T: FLOAT }, [[N]]);
  g.add('gradients/zeros_like', 'ZerosLike', [`${xent}:1`], { T: FLOAT }, [[N, C]]);
  const xg = `gradients/${xent}_grad`;
  g.add(`${xg}/PreventGradient`, 'PreventGradient', [`${xent}:1`], {
    T: FLOAT,
    message: attr.str("Currently there is no way to take the second derivative of sparse_softmax_cross_entropy_with_logits due to the fused implementation's interaction with tf.gradients()"),
  }, [[N, C]]);
  g.constant(`${xg}/ExpandDims/dim`, i32([], [-1]));
  g.add(`${xg}/ExpandDims`, 'ExpandDims', [`${mg}/truediv`, `${xg}/ExpandDims/dim`], { T: FLOAT, Tdim: attr.type(DT.INT32) }, [[N, 1]]);
  g.add(`${xg}/mul`, 'Mul', [`${xg}/ExpandDims`, `${xg}/PreventGradient`], { T: FLOAT }, [[N, C]]);

  const dense = (layer: string, input: string, inShape: readonly [number, number], outUnits: number, upstream: string): { dInput: string; dWeights: string; dBiases: string } => {
    const bg = `gradients/${layer}/BiasAdd_grad`;
    g.add(`${bg}/BiasAddGrad`, 'BiasAddGrad', [upstream], { T: FLOAT, data_format: attr.str('NHWC') }, [[outUnits]]);
    const [dLogits, dBiases] = g.gradTuple(bg, [{ name: upstream, shape: [N, outUnits] }, { name: `${bg}/BiasAddGrad`, shape: [outUnits] }]) as [string, string];
    const mm = `gradients/${layer}/MatMul_grad`;
    g.matmul(`${mm}/MatMul`, dLogits, `${layer}/weights/read`, [N, inShape[1]], false, true);
    g.matmul(`${mm}/MatMul_1`, input, dLogits, [inShape[1], outUnits], true, false);
    const [dInput, dWeights] = g.gradTuple(mm, [{ name: `${mm}/MatMul`, shape: [N, inShape[1]] }, { name: `${mm}/MatMul_1`, shape: [inShape[1], outUnits] }]) as [string, string];
    return { dInput, dWeights, dBiases };
  };
  const dLogits = dense('logits', 'hidden/Relu', [N, H], C, `${xg}/mul`);
  g.add('gradients/hidden/Relu_grad/ReluGrad', 'ReluGrad', [dLogits.dInput, 'hidden/Relu'], { T: FLOAT }, [[N, H]]);
  const dHidden = dense('hidden', 'batch', [N, F], H, 'gradients/hidden/Relu_grad/ReluGrad');

  // GradientDescentOptimizer(0.1).apply_gradients(..., global_step, name="train")
  g.constant('train/learning_rate', f32([], [DEMO.learningRate]));
  const updates = ([[hw, dHidden.dWeights], [hb, dHidden.dBiases], [lw, dLogits.dWeights], [lb, dLogits.dBiases]] as const).map(([v, grad]) =>
    g.add(`train/update_${v.name}/ApplyGradientDescent`, 'ApplyGradientDescent', [v.name, 'train/learning_rate', grad], { T: FLOAT, _class: attr.loc(v.name), use_locking: attr.bool(false) }, [v.shape]),
  );
  g.group('train/update', updates);
  g.constant('train/value', i64([], [1n]), { _class: attr.loc('global_step') }, ['^train/update']);
  const trainOp = g.add('train', 'AssignAdd', ['global_step', 'train/value'], { T: attr.type(DT.INT64), _class: attr.loc('global_step'), use_locking: attr.bool(false) }, [[]]);

  // Creation order (global_step first, then the layers), as the variable collections list them.
  const variables = [globalStep, hw, hb, lw, lb];
  g.group('init', variables.map((v) => `${v.name}/Assign`));

  // tf.train.Saver(): saves and restores every global variable under its own name, in name order.
  const saved = [...variables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const keys = saved.map((v) => v.name);
  const dtypes = attr.types(saved.map((v) => v.dtype));
  g.constant('save/filename/input', strs([], ['model']));
  g.add('save/filename', 'PlaceholderWithDefault', ['save/filename/input'], { dtype: attr.type(DT.STRING), shape: attr.shape([]) }, [[]]);
  g.add('save/Const', 'PlaceholderWithDefault', ['save/filename'], { dtype: attr.type(DT.STRING), shape: attr.shape([]) }, [[]]);
  g.constant('save/SaveV2/tensor_names', strs([keys.length], keys));
  g.constant('save/SaveV2/shape_and_slices', strs([keys.length], keys.map(() => '')));
  g.add('save/SaveV2', 'SaveV2', ['save/Const', 'save/SaveV2/tensor_names', 'save/SaveV2/shape_and_slices', ...keys], { dtypes });
  g.add('save/control_dependency', 'Identity', ['save/Const', '^save/SaveV2'], { T: attr.type(DT.STRING), _class: attr.loc('save/Const') }, [[]]);
  const cpu = '/device:CPU:0';
  g.constant('save/RestoreV2/tensor_names', strs([keys.length], keys), {}, [], cpu);
  g.constant('save/RestoreV2/shape_and_slices', strs([keys.length], keys.map(() => '')), {}, [], cpu);
  g.add('save/RestoreV2', 'RestoreV2', ['save/Const', 'save/RestoreV2/tensor_names', 'save/RestoreV2/shape_and_slices'], { dtypes }, keys.map(() => null), cpu);
  const assigns = saved.map((v, i) =>
    g.add(`save/Assign${i === 0 ? '' : `_${i}`}`, 'Assign', [v.name, i === 0 ? 'save/RestoreV2' : `save/RestoreV2:${i}`], {
      T: attr.type(v.dtype),
      _class: attr.loc(v.name),
      use_locking: attr.bool(true),
      validate_shape: attr.bool(true),
    }, [v.shape]),
  );
  g.group('save/restore_all', assigns);

  const variableDef = (v: VariableInfo): Uint8Array =>
    tensorflow.VariableDef.encode({
      variableName: `${v.name}:0`,
      initialValueName: `${v.initialValue}:0`,
      initializerName: `${v.name}/Assign`,
      snapshotName: `${v.name}/read:0`,
      ...(v.trainable ? { trainable: true } : {}),
      // get_or_create_global_step asks for ONLY_FIRST_REPLICA aggregation.
      ...(v === globalStep ? { aggregation: 3 } : {}),
    }).finish();
  const queueRunner = (queue: string, enqueue: string, close: string): Uint8Array =>
    tensorflow.QueueRunnerDef.encode({ queueName: queue, enqueueOpName: [enqueue], closeOpName: close, cancelOpName: `${close}_1`, queueClosedExceptionTypes: [11 /* OUT_OF_RANGE */] }).finish();
  const meta: tensorflow.MetaGraphDef.$Properties = {
    metaInfoDef: { tensorflowVersion: '1.15.5' },
    graphDef: { node: g.nodes, versions: { producer: 134, minConsumer: 12 } },
    saverDef: {
      filenameTensorName: 'save/Const:0',
      saveTensorName: 'save/control_dependency:0',
      restoreOpName: 'save/restore_all',
      maxToKeep: 5,
      keepCheckpointEveryNHours: 10000,
      version: tensorflow.SaverDef.CheckpointFormatVersion.V2,
    },
    collectionDef: {
      global_step: { bytesList: { value: [variableDef(globalStep)] } },
      queue_runners: {
        bytesList: { value: [queueRunner(ip, `${ip}/input_producer_EnqueueMany`, `${ip}/input_producer_Close`), queueRunner(bq, `${bq}_enqueue`, `${bq}_Close`)] },
      },
      summaries: { nodeList: { value: [`${ipSummary}:0`, `${batchSummary}:0`, `${lossSummary}:0`] } },
      train_op: { nodeList: { value: [trainOp] } },
      trainable_variables: { bytesList: { value: variables.filter((v) => v.trainable).map(variableDef) } },
      variables: { bytesList: { value: variables.map(variableDef) } },
    },
  };
  return { meta, variables };
}

// ----------------------------------------------------------------------------- the values

/** What the variables hold after `step` steps: deterministic, and drifting a little between steps. */
function valuesAt(variables: readonly VariableInfo[], step: number): BundleTensor[] {
  return [...variables]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((v): BundleTensor => {
      if (v.dtype === DT.INT64) return { key: v.name, data: i64([], [BigInt(step)]) };
      const count = v.shape.reduce((n, d) => n * d, 1);
      const isBias = v.name.endsWith('/biases');
      const base = truncatedNormal(count, isBias ? 0.05 : 0.1, seedOf(v.name));
      const drift = truncatedNormal(count, isBias ? 0.01 : 0.02, seedOf(`${v.name}@${step}`));
      const scale = step / DEMO.steps[1];
      return { key: v.name, data: f32(v.shape, base.map((x, i) => Math.fround(x + scale * (drift[i] ?? 0)))) };
    });
}

/**
 * Writes the demo training folder into `folder` (created when missing) and returns the newest
 * prefix and the output to freeze.
 */
export async function writeDemoCheckpoint(folder: string): Promise<{ prefix: string; outputs: string[] }> {
  const dir = resolve(folder);
  await mkdir(dir, { recursive: true });
  const { meta, variables } = buildDemoGraph();
  const prefixes: string[] = [];
  for (const step of DEMO.steps) {
    const prefix = join(dir, `model.ckpt-${step}`);
    await writeBundleV2(prefix, valuesAt(variables, step));
    await writeMetaGraphFile(`${prefix}.meta`, meta);
    prefixes.push(prefix);
  }
  const latest = prefixes[prefixes.length - 1] as string;
  await writeCheckpointState(dir, { latest, all: prefixes });
  return { prefix: latest, outputs: [...DEMO_OUTPUTS] };
}
