/**
 * Suggests what to freeze: the model's output nodes, best first, and the inputs they need
 * (docs/freezing.md §7.3). TensorFlow's own rule (§7.1: every node nobody consumes) lists
 * enqueue ops, summaries, savers and the loss next to the prediction; here those families are
 * excluded, the loss branch is told apart from the prediction by the labels it reads, and
 * signatures and collections, when present, outrank every guess.
 */
import type { LoadedGraph } from '../graph/load-graph.js';
import protobuf from 'protobufjs';
import type { OutputSuggestions, RankedInput, RankedTensor } from '../../../shared/model/output-ranking.js';
import type { tensorflow } from '../proto/tf.js';
import { toNumber } from '../proto/tf.js';
import { dtypeInfo, dtypeName, baseDtype } from '../tensor/dtype.js';
import { GraphIndex, attrType, parseInput, type NodeDef } from './graph-index.js';
import { componentSpec, dequeueTypes, findInputPipelines, isDequeueOp, isPipelineOp, listShape, type GraphShape } from './queues.js';
import { outputDtype, SHAPE_OPS } from './output-dtype.js';

export type { OutputSuggestions, RankedInput, RankedTensor } from '../../../shared/model/output-ranking.js';

export interface SuggestOptions {
  /** Most outputs to return (default 50). */
  limit?: number;
}

// ---------------------------------------------------------------------------------------------
// Families and names (§7.3 table).

/** Never outputs, but pass data on like any op: sources and control-flow plumbing. */
const NOT_OUTPUT_OPS: ReadonlySet<string> = new Set([
  'Const', 'HostConst', 'Placeholder', 'PlaceholderWithDefault', 'PlaceholderV2', 'NoOp', 'Print', 'PrintV2',
  'Variable', 'VariableV2', 'VarHandleOp', '_VarHandlesOp', 'TemporaryVariable',
  'Switch', 'RefSwitch', 'Enter', 'RefEnter', 'NextIteration', 'RefNextIteration', 'LoopCond', 'ControlTrigger',
]);

/**
 * Training and I/O families (§7.3 first row): never outputs, and reading a tensor does not
 * make it "used" (a histogram summary or a gradient reads every layer).
 */
function isNoiseOp(op: string): boolean {
  return (
    /^(Assign|ResourceAssign|Scatter|ResourceScatter|Apply|ResourceApply|SparseApply|ResourceSparseApply)/.test(op) ||
    /^(IsVariableInitialized|VarIsInitializedOp|CountUpTo|ResourceCountUpTo|DestroyResourceOp|DestroyTemporaryVariable|Assert)$/.test(op) ||
    /^(Save|Restore|MergeV2Checkpoints|ShardedFilename|ShardedFilespec)/.test(op) ||
    /Summary/.test(op) ||
    /SummaryWriter|^Write[A-Z]\w*$/.test(op) ||
    /^(InitializeTable|LookupTableImport|HashTable|MutableHashTable|MutableDenseHashTable)/.test(op) ||
    (isPipelineOp(op) && !isDequeueOp(op))
  );
}

/** Scopes that are never the model: saver, gradients, optimizers, init, global step, summary helpers. */
function isExcludedName(name: string): boolean {
  const segs = name.split('/');
  const first = segs[0] ?? '';
  if (/^save(_\d+)?$/.test(first)) return true;
  if (/^(init(_\d+)?|init_all_tables|init_all_vars_op|group_deps(_\d+)?|global_step|report_uninitialized_variables(_\d+)?|report_uninitialized_resources(_\d+)?)$/.test(first)) return true;
  for (const s of segs) {
    if (/^gradients(_\d+)?$/.test(s)) return true;
    if (/^(Adam|Adagrad|AdagradDA|Adadelta|Adamax|Nadam|LazyAdam|Ftrl|Momentum|RMSProp|GradientDescent|ProximalAdagrad|ProximalGradientDescent|SGD|train_op|OptimizeLoss|ExponentialMovingAverage)(_\d+)?$/.test(s)) return true;
    if (/^zero_fraction(_\d+)?$/.test(s)) return true;
  }
  const last = segs.at(-1) ?? '';
  const parent = segs.at(-2) ?? '';
  if (/^(switch_t|switch_f|pred_id)$/.test(last) && /^cond/.test(parent)) return true;
  return false;
}

const EVAL_NAME = /(^|[^a-z])(loss(es)?|cross_?entropy|x_?entropy|accuracy|metrics?|auc|mean_squared_error|l2_?loss|eval_loss)([^a-z]|$)/i;
const EVAL_OPS: ReadonlySet<string> = new Set([
  'SoftmaxCrossEntropyWithLogits', 'SparseSoftmaxCrossEntropyWithLogits', 'L2Loss', 'InTopK', 'InTopKV2', 'CTCLoss', 'CTCLossV2',
]);

const HEAD_OPS: Readonly<Record<string, { boost: number; why: string }>> = {
  Softmax: { boost: 3, why: 'Softmax: class probabilities' },
  Sigmoid: { boost: 3, why: 'Sigmoid: probabilities' },
  LogSoftmax: { boost: 2, why: 'LogSoftmax: log-probabilities' },
  ArgMax: { boost: 2, why: 'ArgMax: predicted class' },
  TopKV2: { boost: 2, why: 'TopKV2: top-k predictions' },
  TopK: { boost: 2, why: 'TopK: top-k predictions' },
  BiasAdd: { boost: 1.5, why: 'BiasAdd: typically the logits of the last layer' },
};

function headOp(op: string): { boost: number; why: string } | undefined {
  if (op.startsWith('NonMaxSuppression')) return { boost: 3, why: `${op}: detection output` };
  return Object.hasOwn(HEAD_OPS, op) ? HEAD_OPS[op] : undefined;
}

const STRONG_NAME = /^(outputs?|out|predictions?|preds?|probabilities|probs?|logits|scores?|y_?pred|y_?hat|final(_output)?|results?|inference|embeddings?|detection_[a-z_]+|num_detections|classes|class_ids)(_\d+)?$/i;
const WEAK_NAME = /(output|pred|logit|prob|detection_|score)/i;

const PASS_THROUGH: ReadonlySet<string> = new Set(['Identity', 'Snapshot', 'StopGradient', 'PreventGradient', 'RefIdentity', 'IdentityN']);

/** node_list collections whose contents the author marked as model outputs (§7.3 last row). */
const OUTPUT_COLLECTION = /^(predictions?|logits|outputs?|probabilities|probs|scores|inference|serving_outputs?|export_outputs?)$/i;
/** node_list collections of training/runtime plumbing (tf-formats.md §9). */
const PLUMBING_COLLECTIONS: ReadonlySet<string> = new Set([
  'init_op', 'local_init_op', 'ready_op', 'ready_for_local_init_op', 'summary_op', 'train_op', 'global_step',
  'global_step_read_op_cache', 'saved_model_main_op', 'legacy_init_op', 'main_op', 'table_initializer', 'update_ops',
  'summaries', 'eval_step', 'iterators', 'serving_init_op', 'asset_filepaths', 'saved_model_assets',
]);
const LOSS_COLLECTIONS: ReadonlySet<string> = new Set(['losses', 'regularization_losses']);

// ---------------------------------------------------------------------------------------------
// Output dtype / shape.

function describe(node: NodeDef, port: number): { dtype?: string; shape?: GraphShape } {
  const out: { dtype?: string; shape?: GraphShape } = {};
  const t = outputDtype(node, port);
  if (t !== undefined && t !== 0) out.dtype = dtypeName(baseDtype(t));
  const s = listShape(node, '_output_shapes', port);
  if (s !== undefined) out.shape = s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Authoritative sources: signatures and collections.

interface Authority {
  node: string;
  port: number;
  score: number;
  reasons: string[];
  dtype?: number;
  shape?: GraphShape;
}

function tensorNamesOf(info: tensorflow.TensorInfo.$Properties): string[] {
  if (info.name) return [info.name];
  const coo = info.cooSparse;
  if (coo) return [coo.valuesTensorName, coo.indicesTensorName, coo.denseShapeTensorName].filter((s): s is string => !!s);
  return (info.compositeTensor?.components ?? []).flatMap(tensorNamesOf);
}

function sortedKeys(map: Record<string, unknown> | null | undefined): string[] {
  return Object.keys(map ?? {}).sort((a, b) => (a === 'serving_default' ? -1 : b === 'serving_default' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The legacy SessionBundle `serving_signatures` collection (an Any holding
 * tensorflow.serving.Signatures): default_signature = 1, named_signatures = 2 (map entries of
 * key 1 / Signature 2); Signature oneof: regression 1 {input 1, output 2}, classification 2
 * {input 1, classes 2, scores 3}, generic 3 {map 1 of key 1 / TensorBinding 2}; TensorBinding
 * {tensor_name 1}. Decoded straight from the wire; anything unexpected is skipped.
 */
function sessionBundleSignatures(bytes: Uint8Array): { inputs: { tensor: string; why: string }[]; outputs: { tensor: string; why: string }[] } {
  const inputs: { tensor: string; why: string }[] = [];
  const outputs: { tensor: string; why: string }[] = [];
  const fields = (b: Uint8Array): [number, Uint8Array][] => {
    const r = protobuf.Reader.create(b);
    const out: [number, Uint8Array][] = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      if ((tag & 7) === 2) out.push([tag >>> 3, r.bytes()]);
      else r.skipType(tag & 7);
    }
    return out;
  };
  const text = (b: Uint8Array): string => new TextDecoder().decode(b);
  const binding = (b: Uint8Array): string | undefined => {
    const f = fields(b).find(([n]) => n === 1);
    return f ? text(f[1]) : undefined;
  };
  const signature = (b: Uint8Array, label: string): void => {
    for (const [kind, body] of fields(b)) {
      const parts = fields(body);
      if (kind === 1 || kind === 2) {
        for (const [n, v] of parts) {
          const t = binding(v);
          if (t === undefined) continue;
          if (n === 1) inputs.push({ tensor: t, why: `input of the ${label} ${kind === 1 ? 'regression' : 'classification'} signature` });
          else outputs.push({ tensor: t, why: `${kind === 1 ? 'output' : n === 2 ? 'classes' : 'scores'} of the ${label} ${kind === 1 ? 'regression' : 'classification'} signature` });
        }
      } else if (kind === 3) {
        for (const [, entry] of parts) {
          const e = fields(entry);
          const key = text(e.find(([n]) => n === 1)?.[1] ?? new Uint8Array(0));
          const value = e.find(([n]) => n === 2)?.[1];
          const t = value ? binding(value) : undefined;
          if (t === undefined) continue;
          // Generic signatures carry no direction; by convention they are named "inputs"/"outputs".
          if (/input/i.test(label)) inputs.push({ tensor: t, why: `"${key}" of the ${label} signature` });
          else outputs.push({ tensor: t, why: `"${key}" of the ${label} signature` });
        }
      }
    }
  };
  try {
    for (const [n, body] of fields(bytes)) {
      if (n === 1) signature(body, 'default');
      else if (n === 2) {
        const e = fields(body);
        const key = text(e.find(([k]) => k === 1)?.[1] ?? new Uint8Array(0));
        const value = e.find(([k]) => k === 2)?.[1];
        if (value) signature(value, `"${key}"`);
      }
    }
  } catch {
    // Not the message we expected: no authoritative names from it.
  }
  return { inputs, outputs };
}

function authorities(meta: tensorflow.MetaGraphDef.$Properties | undefined, index: GraphIndex): { outputs: Authority[]; inputs: Authority[] } {
  const outs = new Map<string, Authority>();
  const ins = new Map<string, Authority>();
  const add = (map: Map<string, Authority>, tensor: string, score: number, why: string, info?: tensorflow.TensorInfo.$Properties): void => {
    const ref = parseInput(tensor);
    if (ref.control || !index.has(ref.node)) return;
    const key = `${ref.node}:${ref.port}`;
    let a = map.get(key);
    if (!a) map.set(key, (a = { node: ref.node, port: ref.port, score: 0, reasons: [] }));
    // One signature is decisive; each further mention adds a little, so `y` (in three signatures) leads `y2`.
    a.score = a.score === 0 ? score : a.score + 1;
    if (a.reasons.length < 4) a.reasons.push(why);
    if (info?.dtype) a.dtype = info.dtype;
    if (info?.tensorShape) a.shape = info.tensorShape.unknownRank ? null : (info.tensorShape.dim ?? []).map((d) => toNumber(d.size));
  };
  const sigs = meta?.signatureDef ?? {};
  for (const key of sortedKeys(sigs)) {
    if (key.startsWith('__')) continue; // __saved_model_init_op and friends
    const sig = sigs[key] as tensorflow.SignatureDef.$Properties;
    const bonus = key === 'serving_default' ? 10 : 0;
    for (const k of sortedKeys(sig.outputs)) {
      const info = (sig.outputs ?? {})[k] as tensorflow.TensorInfo.$Properties;
      for (const t of tensorNamesOf(info)) add(outs, t, 100 + bonus, `output "${k}" of signature "${key}"`, info);
    }
    for (const k of sortedKeys(sig.inputs)) {
      const info = (sig.inputs ?? {})[k] as tensorflow.TensorInfo.$Properties;
      for (const t of tensorNamesOf(info)) add(ins, t, 100 + bonus, `input "${k}" of signature "${key}"`, info);
    }
  }
  const cols = meta?.collectionDef ?? {};
  for (const key of Object.keys(cols).sort()) {
    const c = cols[key] as tensorflow.CollectionDef.$Properties;
    if (OUTPUT_COLLECTION.test(key)) for (const t of c.nodeList?.value ?? []) add(outs, t, 50, `listed in the "${key}" collection`);
    if (key === 'serving_signatures') {
      for (const a of c.anyList?.value ?? []) {
        if (!a.typeUrl?.endsWith('tensorflow.serving.Signatures') || !a.value) continue;
        const s = sessionBundleSignatures(a.value);
        for (const o of s.outputs) add(outs, o.tensor, 100, `${o.why} (SessionBundle serving_signatures)`);
        for (const o of s.inputs) add(ins, o.tensor, 100, `${o.why} (SessionBundle serving_signatures)`);
      }
    }
  }
  return { outputs: [...outs.values()], inputs: [...ins.values()] };
}

// ---------------------------------------------------------------------------------------------
// The analysis.

interface InputTensor {
  node: string;
  port: number;
  kind: RankedInput['kind'];
  feature: boolean;
  label: boolean;
}

class Bits {
  private readonly map = new Map<string, Uint32Array>();
  constructor(private readonly words: number) {}
  set(name: string, i: number): boolean {
    let b = this.map.get(name);
    if (!b) this.map.set(name, (b = new Uint32Array(this.words)));
    const w = i >>> 5;
    const m = 1 << (i & 31);
    if (((b[w] as number) & m) !== 0) return false;
    b[w] = (b[w] as number) | m;
    return true;
  }
  get(name: string): number[] {
    const b = this.map.get(name);
    if (!b) return [];
    const out: number[] = [];
    b.forEach((word, w) => {
      for (let k = 0; k < 32; k++) if ((word & (1 << k)) !== 0) out.push(w * 32 + k);
    });
    return out;
  }
  any(name: string): boolean {
    return this.map.has(name);
  }
}

function constInfo(node: NodeDef): { dtype?: number; elements: number; rank: number } {
  const t = node.attr?.['value']?.tensor;
  const dims = (t?.tensorShape?.dim ?? []).map((d) => toNumber(d.size));
  const dt = attrType(node, 'dtype') ?? t?.dtype ?? undefined;
  const out: { dtype?: number; elements: number; rank: number } = { elements: dims.reduce((a, b) => a * b, 1), rank: dims.length };
  if (dt !== undefined && dt !== null) out.dtype = dt;
  return out;
}

class Analysis {
  readonly index: GraphIndex;
  readonly order = new Map<string, number>();
  private readonly weightMemo = new Map<string, boolean>();
  readonly dataConsumers = new Map<string, string[]>();
  readonly ignorable = new Set<string>();
  readonly noise = new Set<string>();
  readonly excluded = new Set<string>();
  readonly evalSet = new Set<string>();
  readonly evalSeeds = new Set<string>();
  readonly inputs: InputTensor[] = [];
  reach: Bits = new Bits(1);
  readonly weightReach = new Set<string>();
  readonly pipelineOnly = new Set<string>();
  readonly producer: number | undefined;

  constructor(readonly loaded: LoadedGraph) {
    this.index = new GraphIndex(loaded.graphDef.node ?? []);
    this.producer = loaded.graphDef.versions ? (loaded.graphDef.versions.producer ?? 0) : undefined;
    this.index.nodes.forEach((n, i) => this.order.set(n.name ?? '', i));
    for (const n of this.index.nodes) {
      const name = n.name ?? '';
      const seen = new Set<string>();
      for (const r of this.index.dataInputs(name)) {
        if (seen.has(r.node)) continue;
        seen.add(r.node);
        const list = this.dataConsumers.get(r.node) ?? [];
        list.push(name);
        this.dataConsumers.set(r.node, list);
      }
    }
  }

  op(name: string): string {
    return this.index.op(name) ?? '';
  }

  consumersOf(name: string): string[] {
    return this.dataConsumers.get(name) ?? [];
  }

  /** A variable, a read of one, or (in frozen graphs) a float Const tensor: the model's weights. */
  weightLike(name: string, depth = 0): boolean {
    const memo = this.weightMemo.get(name);
    if (memo !== undefined) return memo;
    if (depth > 24) return false;
    this.weightMemo.set(name, false); // cycle guard (loops)
    const node = this.index.node(name);
    let r = false;
    if (node) {
      const op = node.op ?? '';
      if (/^(Variable|VariableV2|VarHandleOp|_VarHandlesOp)$/.test(op)) r = !/(^|\/)global_step(\/|$)/.test(name);
      else if (op === 'Const') {
        const c = constInfo(node);
        r = c.dtype !== undefined && dtypeInfo(baseDtype(c.dtype))?.kind === 'float' && c.rank >= 1 && c.elements > 1;
      } else {
        const ins = this.index.dataInputs(name);
        // Pass-throughs keep "weight-ness" (W/read, a resource read, a partitioned concat, a loop Enter).
        let relevant: typeof ins = [];
        if (/^(Identity|ReadVariableOp|Snapshot|Enter|RefEnter|Switch|RefSwitch|Cast|StopGradient|RefIdentity|Merge|RefMerge)$/.test(op)) relevant = ins.slice(0, 1);
        else if (op === 'ConcatV2') relevant = ins.slice(0, -1);
        else if (op === 'Concat') relevant = ins.slice(1);
        r = relevant.length > 0 && relevant.every((x) => this.weightLike(x.node, depth + 1));
      }
    }
    this.weightMemo.set(name, r);
    return r;
  }

  /** Applies a weight: some data input is weight-like (MatMul(x, W/read), Conv2D, BiasAdd, gathers...). */
  usesWeights(name: string): boolean {
    if (this.weightLike(name)) return false;
    return this.index.dataInputs(name).some((r) => this.weightLike(r.node));
  }

  analyse(): void {
    const idx = this.index;
    const meta = this.loaded.metaGraph ?? undefined;
    // Pipeline plumbing: whatever only feeds enqueue ops / iterators is not a model input.
    const plumbing = new Set<string>();
    for (const p of findInputPipelines(idx, meta)) {
      for (const n of p.producers) this.pipelineOnly.add(n);
      for (const n of p.nodes) if (!isDequeueOp(this.op(n))) plumbing.add(n);
    }

    // Collection-listed plumbing and losses.
    const cols = meta?.collectionDef ?? {};
    for (const key of Object.keys(cols)) {
      const values = (cols[key] as tensorflow.CollectionDef.$Properties).nodeList?.value ?? [];
      for (const v of values) {
        const node = parseInput(v).node;
        if (PLUMBING_COLLECTIONS.has(key)) this.excluded.add(node);
        if (LOSS_COLLECTIONS.has(key)) this.evalSeeds.add(node);
      }
    }

    // The saver the MetaGraph names (tf-formats.md §7): in TF2 SavedModels its save and restore
    // ops are calls of traced functions (StatefulPartitionedCall_1/_2), not Save*/Restore* ops.
    const saver = meta?.saverDef;
    for (const t of [saver?.filenameTensorName, saver?.saveTensorName, saver?.restoreOpName]) if (t) plumbing.add(parseInput(t).node);

    for (const n of idx.nodes) {
      const name = n.name ?? '';
      const op = n.op ?? '';
      const noisy = isNoiseOp(op) || isExcludedName(name) || (plumbing.has(name) && !NOT_OUTPUT_OPS.has(op));
      if (noisy) this.noise.add(name);
      if (noisy || NOT_OUTPUT_OPS.has(op) || isDequeueOp(op) || this.weightLike(name)) this.excluded.add(name);
      if (EVAL_OPS.has(op) || EVAL_NAME.test(name)) this.evalSeeds.add(name);
    }

    // Inputs (§7.3): placeholders, dequeue and iterator components, unless they only feed a pipeline.
    for (const n of idx.nodes) {
      const name = n.name ?? '';
      const op = n.op ?? '';
      if (this.pipelineOnly.has(name) || /^save(_\d+)?\//.test(name)) continue;
      if (op === 'Placeholder' || op === 'PlaceholderV2') this.inputs.push({ node: name, port: 0, kind: 'placeholder', feature: false, label: false });
      else if (op === 'PlaceholderWithDefault') this.inputs.push({ node: name, port: 0, kind: 'placeholder-with-default', feature: false, label: false });
      else if (isDequeueOp(op)) {
        const kind = op.startsWith('Iterator') ? 'iterator' : 'dequeue';
        dequeueTypes(n).forEach((_, port) => this.inputs.push({ node: name, port, kind, feature: false, label: false }));
      }
    }

    // Forward reach of each input (data edges, model side only), and whether it meets weights.
    this.reach = new Bits(Math.max(1, Math.ceil(this.inputs.length / 32)));
    const reachOf: Set<string>[] = [];
    this.inputs.forEach((inp, i) => {
      const seen = new Set<string>();
      const stack: string[] = [];
      for (const c of idx.consumers(inp.node)) if (!c.ref.control && c.ref.port === inp.port) stack.push(c.node);
      while (stack.length > 0) {
        const name = stack.pop() as string;
        if (seen.has(name) || this.noise.has(name)) continue;
        seen.add(name);
        this.reach.set(name, i);
        if (!inp.feature && this.usesWeights(name)) inp.feature = true;
        for (const c of this.consumersOf(name)) stack.push(c);
      }
      reachOf.push(seen);
    });
    // Labels: a batched input that never meets a weight but reaches a loss or metric.
    const anyFeature = this.inputs.some((i) => i.feature);
    this.inputs.forEach((inp, i) => {
      if (!anyFeature || inp.feature || inp.kind === 'placeholder-with-default') return;
      const node = idx.node(inp.node) as NodeDef;
      const t = outputDtype(node, inp.port);
      const kind = t === undefined ? undefined : dtypeInfo(baseDtype(t))?.kind;
      if (kind === 'bool' || kind === 'string') return;
      const shape = inp.kind.startsWith('placeholder') ? shapeAttr(node, this.producer) : listShape(node, '_output_shapes', inp.port);
      if (shape !== undefined && shape !== null && shape.length === 0) return; // scalars: keep_prob, learning rate...
      const reached = reachOf[i] as Set<string>;
      if ([...reached].some((n) => this.evalSeeds.has(n))) inp.label = true;
    });

    // Eval: losses, metrics and whatever depends on a label, forward.
    const stack = [...this.evalSeeds];
    for (const [name] of this.order) if (this.reach.get(name).some((i) => this.inputs[i]?.label)) stack.push(name);
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (this.evalSet.has(name)) continue;
      this.evalSet.add(name);
      for (const c of this.consumersOf(name)) stack.push(c);
    }

    // Ignorable consumers: noise, and scalars computed only for it (a summary's reduce_mean or
    // fraction); model tensors are not scalars, so this does not climb into the model, and
    // losses and metrics (eval) stay visible for the frontier rule.
    const pending = new Map<string, number>();
    const work: string[] = [];
    for (const name of this.noise) {
      this.ignorable.add(name);
      work.push(name);
    }
    while (work.length > 0) {
      const name = work.pop() as string;
      const seen = new Set<string>();
      for (const r of idx.dataInputs(name)) {
        if (seen.has(r.node) || this.ignorable.has(r.node)) continue;
        seen.add(r.node);
        const left = (pending.get(r.node) ?? this.consumersOf(r.node).length) - 1;
        pending.set(r.node, left);
        const src = idx.node(r.node);
        const scalar = src !== undefined && listShape(src, '_output_shapes', 0)?.length === 0;
        if (left <= 0 && scalar && !this.excluded.has(r.node) && !this.evalSet.has(r.node)) {
          this.ignorable.add(r.node);
          work.push(r.node);
        }
      }
    }

    // Weight reach (for graphs without any input: the model is what weights flow into).
    if (this.inputs.length === 0) {
      const s: string[] = [];
      for (const [name] of this.order) if (this.weightLike(name)) s.push(name);
      while (s.length > 0) {
        const name = s.pop() as string;
        for (const c of this.consumersOf(name)) {
          if (this.weightReach.has(c) || this.noise.has(c)) continue;
          this.weightReach.add(c);
          s.push(c);
        }
      }
    }
  }

  /** True when nothing downstream (within `limit` nodes) applies a weight: post-processing of the model's result. */
  postModel(name: string, limit = 5000): boolean {
    const seen = new Set<string>();
    const stack = [...this.consumersOf(name)];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (seen.has(n) || this.ignorable.has(n)) continue;
      seen.add(n);
      if (seen.size > limit) return false;
      if (this.usesWeights(n)) return false;
      for (const c of this.consumersOf(n)) stack.push(c);
    }
    return true;
  }

  dataAncestorCount(name: string, limit = 200_000): number {
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0 && seen.size < limit) {
      const n = stack.pop() as string;
      if (seen.has(n) || !this.index.has(n)) continue;
      seen.add(n);
      for (const r of this.index.dataInputs(n)) stack.push(r.node);
    }
    return seen.size;
  }
}

/**
 * A placeholder's declared shape. Graphs from producers before 21 wrote an empty `shape` for
 * "not given" (TensorFlow's Placeholder shape function reads it that way), so there an empty
 * shape is unknown rank, not a scalar.
 */
function shapeAttr(node: NodeDef, producer?: number): GraphShape | undefined {
  const s = node.attr?.['shape']?.shape;
  if (!s) return listShape(node, '_output_shapes', 0);
  if (s.unknownRank) return null;
  const dims = (s.dim ?? []).map((d) => toNumber(d.size));
  return dims.length === 0 && producer !== undefined && producer < 21 && node.op === 'Placeholder' ? null : dims;
}

function tensorLabel(inp: { node: string; port: number; kind: string }): string {
  return inp.kind.startsWith('placeholder') ? inp.node : `${inp.node}:${inp.port}`;
}

interface Draft {
  name: string;
  port: number;
  score: number;
  reasons: { weight: number; text: string }[];
  authoritative: boolean;
}

/**
 * Ranks the graph's likely outputs (§7.3) and lists the inputs the best one needs. Signature
 * outputs (SavedModel, SessionBundle) and output collections come first; then sinks and model
 * heads (nodes the loss or metrics are computed from), excluding training and I/O families,
 * scored by op, name, label dependence and how much of the model they cover. Deterministic:
 * ties keep graph order.
 */
export function suggestOutputs(loaded: LoadedGraph, options: SuggestOptions = {}): OutputSuggestions {
  const a = new Analysis(loaded);
  a.analyse();
  const idx = a.index;
  const auth = authorities(loaded.metaGraph ?? undefined, idx);
  const drafts = new Map<string, Draft>();
  const hasInputs = a.inputs.length > 0;
  const labels = a.inputs.filter((i) => i.label);

  for (const n of idx.nodes) {
    const name = n.name ?? '';
    const op = n.op ?? '';
    if (a.excluded.has(name) || a.noise.has(name)) continue;
    const reachable = hasInputs ? a.reach.any(name) : a.weightReach.size > 0 ? a.weightReach.has(name) : idx.dataInputs(name).length > 0;
    if (!reachable) continue;
    const effective = a.consumersOf(name).filter((c) => !a.ignorable.has(c));
    const isEval = a.evalSet.has(name);
    const leaf = effective.length === 0;
    const evalConsumers = effective.filter((c) => a.evalSet.has(c));
    const frontier = !isEval && evalConsumers.length > 0;
    const head = headOp(op);
    // A head op inside the graph (class_ids feeding a string conversion) counts when only
    // post-processing follows; when an Identity merely renames it, the Identity is the output.
    const interiorHead =
      !leaf && !frontier && !isEval && head !== undefined && head.boost >= 2 &&
      effective.some((c) => !PASS_THROUGH.has(a.op(c))) && a.postModel(name);
    if (!leaf && !frontier && !interiorHead) continue;

    const d: Draft = { name, port: 0, score: 0, reasons: [], authoritative: false };
    const why = (weight: number, text: string): void => {
      d.score += weight;
      d.reasons.push({ weight, text });
    };
    if (leaf) why(1, a.consumersOf(name).length === 0 ? 'nothing in the graph reads it' : 'only summaries or training ops read it');
    if (frontier) why(1.5, `the loss or metrics are computed from it (${evalConsumers.slice(0, 2).join(', ')}), as from a model's prediction`);
    if (interiorHead) why(0.5, 'only post-processing follows it');

    // Op: directly, or through Identity-like pass-throughs (`Identity` of `Softmax`).
    let src = name;
    for (let hops = 0; hops < 4 && PASS_THROUGH.has(a.op(src)); hops++) {
      const first = idx.dataInputs(src)[0];
      if (!first) break;
      src = first.node;
    }
    const h = headOp(a.op(src));
    if (h) why(h.boost, src === name ? h.why : `reads ${src} (${h.why})`);
    const last = name.split('/').at(-1) ?? '';
    if (STRONG_NAME.test(last)) why(3, `named like a model output ("${last}")`);
    else if (WEAK_NAME.test(name)) why(1, 'its name suggests an output');
    const srcLast = src.split('/').at(-1) ?? '';
    if (src !== name && STRONG_NAME.test(srcLast)) why(1, `reads ${src}, named like a model output`);

    if (isEval) {
      const dep = labels.filter((l) => a.reach.get(name).includes(a.inputs.indexOf(l)));
      if (dep.length > 0) why(-4, `depends on the labels (${dep.map(tensorLabel).slice(0, 2).join(', ')}): a loss or metric branch`);
      if (EVAL_NAME.test(name) || EVAL_OPS.has(op)) why(-3, 'named like a loss or metric');
      else if (dep.length === 0) why(-3, 'computed from a loss or metric');
    }
    if (SHAPE_OPS.has(op)) why(-3, `${op} only reads the shape of a tensor`);
    if (op === 'Merge' || op === 'Exit') why(-1, `${op} is control-flow plumbing`);
    if (name.split('/').some((s) => /^while(_\d+)?$/.test(s))) why(-2, 'inside a while loop');
    if (hasInputs) {
      const from = a.reach.get(name).map((i) => a.inputs[i] as InputTensor).filter((i) => !i.label);
      if (from.length > 0) d.reasons.push({ weight: 0, text: `computed from ${from.slice(0, 3).map(tensorLabel).join(', ')}${from.length > 3 ? ', …' : ''}` });
    } else if (a.weightReach.size > 0) d.reasons.push({ weight: 0, text: 'the graph has no placeholder or dequeue, so this is ranked by the weights it uses' });
    else d.reasons.push({ weight: 0, text: 'the graph has no placeholder, dequeue or weight tensor: ranked among all computed nodes' });
    drafts.set(`${name}:0`, d);
  }

  // Coverage: the final head uses most of the model; scored on the strongest candidates only.
  const pre = [...drafts.values()].sort((x, y) => y.score - x.score || (a.order.get(x.name) ?? 0) - (a.order.get(y.name) ?? 0)).slice(0, 64);
  const counts = new Map(pre.map((d) => [d.name, a.dataAncestorCount(d.name)]));
  const max = Math.max(1, ...counts.values());
  for (const d of pre) {
    const c = counts.get(d.name) ?? 0;
    const w = Math.round((1.5 * c) / max * 100) / 100;
    if (w > 0) {
      d.score += w;
      d.reasons.push({ weight: w, text: `uses ${c} node${c === 1 ? '' : 's'} of the graph (${Math.round((100 * c) / max)}% of the widest candidate)` });
    }
  }

  // Authoritative sources rank first (§7.2 SavedModel row, §7.3 last row).
  for (const au of auth.outputs) {
    const key = `${au.node}:${au.port}`;
    const d = drafts.get(key) ?? { name: au.node, port: au.port, score: 0, reasons: [], authoritative: true };
    d.authoritative = true;
    d.score += au.score;
    d.reasons.unshift(...au.reasons.map((text) => ({ weight: au.score, text })));
    drafts.set(key, d);
  }

  const limit = options.limit ?? 50;
  const ranked = [...drafts.values()]
    .sort((x, y) => y.score - x.score || (a.order.get(x.name) ?? 0) - (a.order.get(y.name) ?? 0) || x.port - y.port)
    .slice(0, limit);
  const outputs: RankedTensor[] = ranked.map((d) => {
    const node = idx.node(d.name) as NodeDef;
    const reasons = [...d.reasons].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight)).map((r) => r.text);
    const t: RankedTensor = { name: d.name, op: node.op ?? '', score: Math.round(d.score * 100) / 100, reasons, ...describe(node, d.port) };
    if (d.port !== 0) t.port = d.port;
    const au = auth.outputs.find((x) => x.node === d.name && x.port === d.port);
    if (au?.dtype) t.dtype = dtypeName(au.dtype);
    if (au?.shape !== undefined) t.shape = au.shape;
    return t;
  });

  return { outputs, inputs: suggestInputs(a, ranked, auth.inputs) };
}

function suggestInputs(a: Analysis, ranked: Draft[], authInputs: Authority[]): RankedInput[] {
  const idx = a.index;
  const chosen = ranked.some((d) => d.authoritative) ? ranked.filter((d) => d.authoritative) : ranked.slice(0, 1);
  const out: RankedInput[] = [];
  const listed = new Set<string>();
  const kindOf = (node: NodeDef): RankedInput['kind'] => {
    const op = node.op ?? '';
    if (op === 'PlaceholderWithDefault') return 'placeholder-with-default';
    if (op.startsWith('Iterator')) return 'iterator';
    if (isDequeueOp(op)) return 'dequeue';
    return 'placeholder';
  };
  const pushInput = (nodeName: string, port: number, reasons: string[], dtype?: number, shape?: GraphShape): void => {
    const node = idx.node(nodeName);
    if (!node) return;
    const kind = kindOf(node);
    const name = kind.startsWith('placeholder') && port === 0 ? nodeName : `${nodeName}:${port}`;
    if (listed.has(name)) return;
    listed.add(name);
    const r: RankedInput = { name, op: node.op ?? '', kind, reasons: [...reasons] };
    if (kind === 'dequeue' || kind === 'iterator') {
      try {
        const spec = componentSpec(idx, node, port);
        r.dtype = dtypeName(spec.dtype);
        r.shape = spec.shape;
        r.reasons.push(`component ${port} of ${node.op ?? ''} ${nodeName}: freezing replaces it with a placeholder${spec.relaxed ? ' (batch dimension relaxed to -1)' : ''}`);
      } catch (e) {
        r.reasons.push(e instanceof Error ? e.message : String(e));
      }
    } else {
      const t = outputDtype(node, port);
      if (t !== undefined) r.dtype = dtypeName(baseDtype(t));
      const s = shapeAttr(node, a.producer);
      if (s !== undefined) r.shape = s;
      if (kind === 'placeholder-with-default') {
        const bool = t !== undefined && baseDtype(t) === 10;
        r.reasons.push(bool ? 'optional (has a default); a bool switch like this is usually folded to False for inference' : 'optional (has a default)');
      } else if (node.op === 'Placeholder' || node.op === 'PlaceholderV2') r.reasons.push('required: a placeholder the output is computed from');
      else r.reasons.push(`not a Placeholder in this graph (${node.op ?? ''}): using it as an input cuts the graph at ${nodeName}:${port}`);
    }
    if (dtype !== undefined && dtype !== 0) r.dtype = dtypeName(baseDtype(dtype));
    if (shape !== undefined) r.shape = shape;
    out.push(r);
  };
  for (const au of authInputs) pushInput(au.node, au.port, au.reasons, au.dtype, au.shape);
  const needed = new Set<number>();
  for (const d of chosen) for (const i of a.reach.get(d.name)) needed.add(i);
  const rank = (k: RankedInput['kind']): number => ['placeholder', 'placeholder-with-default', 'dequeue', 'iterator'].indexOf(k);
  const found = [...needed]
    .map((i) => a.inputs[i] as InputTensor)
    .sort((x, y) => rank(x.kind) - rank(y.kind) || (a.order.get(x.node) ?? 0) - (a.order.get(y.node) ?? 0) || x.port - y.port);
  for (const inp of found) {
    const reasons = [`${chosen.map((d) => d.name).slice(0, 3).join(', ')} ${chosen.length === 1 ? 'is' : 'are'} computed from it`];
    if (inp.label) reasons.push('looks like a label (it never meets a weight but reaches the loss)');
    pushInput(inp.node, inp.port, reasons);
  }
  return out;
}
