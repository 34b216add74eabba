/**
 * Input pipelines of TF1 training graphs (docs/freezing.md §6): queues with their enqueue,
 * close, size and dequeue ops, readers and input producers, tf.data iterators — and the §6.5
 * cut that replaces each dequeue an output depends on by one typed Placeholder per live
 * component, so a frozen graph has real inputs instead of a queue that blocks forever
 * (§8 rows 7-8).
 */
import type { QueueRunnerJSON } from '../../../shared/model/inspect-report.js';
import type { QueueCutJSON } from '../../../shared/model/freeze-manifest.js';
import { FrostError } from '../errors.js';
import { QUEUE_RUNNERS, queueRunnersOf } from '../graph/collections.js';
import { toLong, toSafeNumber, type tensorflow } from '../proto/tf.js';
import { DT, baseDtype, dtypeName } from '../tensor/dtype.js';
import { numberAt } from '../tensor/tensor-data.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import { attrTypes, parseInput, type GraphIndex, type NodeDef } from './graph-index.js';

// ---------------------------------------------------------------------------------------------
// Op families (§6.1, §6.5 step 1, §9 "queue/reader/iterator ops").

const QUEUE_OPS: ReadonlySet<string> = new Set([
  'FIFOQueue', 'FIFOQueueV2', 'RandomShuffleQueue', 'RandomShuffleQueueV2',
  'PaddingFIFOQueue', 'PaddingFIFOQueueV2', 'PriorityQueue', 'PriorityQueueV2',
]);
const QUEUE_DEQUEUE_OPS: ReadonlySet<string> = new Set([
  'QueueDequeue', 'QueueDequeueV2', 'QueueDequeueMany', 'QueueDequeueManyV2', 'QueueDequeueUpTo', 'QueueDequeueUpToV2',
]);
const ITERATOR_GET_OPS: ReadonlySet<string> = new Set(['IteratorGetNext', 'IteratorGetNextSync']);
const ENQUEUE_OPS: ReadonlySet<string> = new Set(['QueueEnqueue', 'QueueEnqueueV2', 'QueueEnqueueMany', 'QueueEnqueueManyV2']);
const CLOSE_OPS: ReadonlySet<string> = new Set(['QueueClose', 'QueueCloseV2']);
const SIZE_OPS: ReadonlySet<string> = new Set(['QueueSize', 'QueueSizeV2', 'QueueIsClosed', 'QueueIsClosedV2']);
/** Ops that create an iterator resource (tf.data). */
const ITERATOR_OPS: ReadonlySet<string> = new Set([
  'Iterator', 'IteratorV2', 'OneShotIterator', 'AnonymousIterator', 'AnonymousIteratorV2', 'AnonymousIteratorV3',
  'IteratorFromStringHandle', 'IteratorFromStringHandleV2', 'MultiDeviceIterator', 'AnonymousMultiDeviceIterator',
  'AnonymousMultiDeviceIteratorV3', 'MultiDeviceIteratorFromStringHandle',
]);
/** Sparse tensors travel through queues as int64 handles into a shared map (§6.1 last paragraph). */
const SPARSE_MAP_OPS: ReadonlySet<string> = new Set(['AddSparseToTensorsMap', 'AddManySparseToTensorsMap', 'TakeManySparseFromTensorsMap']);

/** A queue resource (FIFO, RandomShuffle, PaddingFIFO, Priority; V1 ref and V2 resource forms). */
export function isQueueOp(op: string): boolean {
  return QUEUE_OPS.has(op);
}

/** The ops §6.5 replaces by placeholders: queue dequeues (V1/V2, one/Many/UpTo) and tf.data get-next. */
export function isDequeueOp(op: string): boolean {
  return QUEUE_DEQUEUE_OPS.has(op) || ITERATOR_GET_OPS.has(op);
}

function isReaderOp(op: string): boolean {
  // Reader resources (TFRecordReaderV2, WholeFileReader, LMDBReader...) and the ops using them
  // (ReaderReadV2, ReaderReadUpToV2, ReaderNumRecordsProduced...).
  return /^[A-Za-z]*Reader(V2)?$/.test(op) || /^Reader[A-Z]/.test(op);
}

function isDatasetOp(op: string): boolean {
  return /Dataset(V\d+)?$/.test(op) || /^(Experimental)?Dataset[A-Z]/.test(op);
}

function isIteratorFamily(op: string): boolean {
  return ITERATOR_OPS.has(op) || /Iterator/.test(op) || op.startsWith('MultiDeviceIterator');
}

/**
 * Any op that belongs to an input pipeline and has no place in a frozen inference graph
 * (§9): queues and their enqueue/dequeue/close/size ops, `FakeQueue`, readers, tf.data
 * datasets and iterators (`MakeIterator`, `IteratorGetNext`...), and the sparse-tensor map
 * ops batching uses.
 */
export function isPipelineOp(op: string): boolean {
  return (
    QUEUE_OPS.has(op) || op === 'FakeQueue' || /^Queue[A-Z]/.test(op) || isReaderOp(op) || isDatasetOp(op) ||
    isIteratorFamily(op) || op === 'MakeIterator' || SPARSE_MAP_OPS.has(op)
  );
}

// ---------------------------------------------------------------------------------------------
// Small attribute helpers.

/** A graph shape: dims with -1 for unknown, or null for unknown rank. */
export type GraphShape = number[] | null;

export function shapeFromProto(p: tensorflow.TensorShapeProto.$Properties | null | undefined): GraphShape {
  if (!p || p.unknownRank) return null;
  return (p.dim ?? []).map((d) => {
    const n = toSafeNumber(d.size ?? 0);
    return n === undefined || n < 0 ? -1 : n;
  });
}

export function shapeToProto(shape: GraphShape): tensorflow.TensorShapeProto.$Properties {
  return shape === null ? { unknownRank: true, dim: [] } : { dim: shape.map((d) => ({ size: toLong(d < 0 ? -1 : d) })) };
}

/** Entry `i` of a `list(shape)` attr (`_output_shapes`, `shapes`, `output_shapes`), when present. */
export function listShape(node: NodeDef | undefined, key: string, i: number): GraphShape | undefined {
  const list = node?.attr?.[key]?.list?.shape;
  if (!list || i >= list.length) return undefined;
  return shapeFromProto(list[i]);
}

function listShapes(node: NodeDef | undefined, key: string): GraphShape[] | undefined {
  const list = node?.attr?.[key]?.list?.shape;
  return list && list.length > 0 ? list.map((s) => shapeFromProto(s)) : undefined;
}

function intAttr(node: NodeDef | undefined, key: string): number | undefined {
  const v = node?.attr?.[key]?.i;
  return v === undefined || v === null ? undefined : toSafeNumber(v);
}

/** The scalar integer value of a Const (a DequeueMany's `n`), when it is one. */
export function constScalarInt(node: NodeDef | undefined): number | undefined {
  if (!node || node.op !== 'Const') return undefined;
  const proto = node.attr?.['value']?.tensor;
  if (!proto) return undefined;
  try {
    const t = tensorFromProto(proto, `Const ${node.name ?? ''}`);
    if (t.kind !== 'numeric' || t.bytes.length === 0 || t.shape.length > 1 || (t.shape.length === 1 && t.shape[0] !== 1)) return undefined;
    if (t.dtype !== DT.INT32 && t.dtype !== DT.INT64) return undefined;
    return numberAt(t, 0);
  } catch {
    return undefined;
  }
}

/** Output dtypes of a dequeue: `component_types` (queues) or `output_types` (tf.data). */
export function dequeueTypes(node: NodeDef): number[] {
  return ITERATOR_GET_OPS.has(node.op ?? '') ? attrTypes(node, 'output_types') : attrTypes(node, 'component_types');
}

/** Follows a queue handle back through FakeQueue / Identity to the queue op, if it is one (§6.5 step 1). */
function queueOfHandle(index: GraphIndex, handle: string): string | undefined {
  let name = handle;
  for (let hops = 0; hops < 8; hops++) {
    const n = index.node(name);
    if (!n) return undefined;
    const op = n.op ?? '';
    if (QUEUE_OPS.has(op)) return name;
    if (op !== 'FakeQueue' && op !== 'Identity' && op !== 'RefIdentity') return undefined;
    const first = index.dataInputs(name)[0];
    if (!first) return undefined;
    name = first.node;
  }
  return undefined;
}

function iteratorOfHandle(index: GraphIndex, handle: string): string | undefined {
  let name = handle;
  for (let hops = 0; hops < 8; hops++) {
    const n = index.node(name);
    if (!n) return undefined;
    const op = n.op ?? '';
    if (ITERATOR_OPS.has(op)) return name;
    if (op !== 'Identity') return undefined;
    const first = index.dataInputs(name)[0];
    if (!first) return undefined;
    name = first.node;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// findInputPipelines

export interface DequeueInfo {
  name: string;
  op: string;
  /** dtype enums of its outputs. */
  componentTypes: number[];
  /** DequeueMany's `n` when it is a Const; -1 for DequeueUpTo or a computed `n`; absent otherwise. */
  batch?: number;
}

export interface InputPipeline {
  /** `queue` for the §6.1 queue family, `dataset` for a tf.data iterator. */
  kind: 'queue' | 'dataset';
  /** The queue node, or the iterator resource node. */
  name: string;
  op: string;
  /** dtype enums of one element (`component_types` / `output_types`). */
  componentTypes: number[];
  /** Per-component shapes (`shapes` / `output_shapes`); undefined when the graph does not record them. */
  componentShapes?: GraphShape[];
  capacity?: number;
  enqueueOps: string[];
  /** Close and cancel ops (QueueClose with and without cancel_pending_enqueues). */
  closeOps: string[];
  /** QueueSize / QueueIsClosed and the fill-level summary computed from them (§6.1). */
  sizeOps: string[];
  /** Dequeue ops (for a dataset: IteratorGetNext / IteratorGetNextSync). */
  dequeues: DequeueInfo[];
  /** Reader resources and reader ops within this pipeline (its own or upstream of its enqueues). */
  readers: string[];
  /** Dataset init ops (MakeIterator) and the other iterator plumbing (IteratorToStringHandle...). */
  iteratorOps: string[];
  /** Nodes that only feed this pipeline's enqueue ops / iterator (preprocessing, file-name queue, dataset ops). */
  producers: string[];
  /** The QueueRunner recorded in the `queue_runners` collection, authoritative when present (§6.2). */
  runner?: QueueRunnerJSON & { missing: string[] };
  /** Other pipelines (by name) that feed this one, e.g. the file-name queue of a batch queue. */
  upstream: string[];
  /** Every node of the pipeline, in graph order (for highlighting and for "what the cut removed"). */
  nodes: string[];
}

function collectionOf(meta: tensorflow.MetaGraphDef.$Properties | undefined, key: string): tensorflow.CollectionDef.$Properties | undefined {
  const defs = meta?.collectionDef;
  return defs && Object.hasOwn(defs, key) ? defs[key] : undefined;
}

/**
 * Nodes that exist only for input pipelines: the pipeline ops themselves, plus every node all
 * of whose consumers (data or control) are such nodes. Computed once for the whole graph.
 */
function pipelineOnlyNodes(index: GraphIndex, seeds: Iterable<string>): Set<string> {
  const only = new Set<string>();
  const pending = new Map<string, number>();
  const work: string[] = [];
  const add = (name: string): void => {
    if (only.has(name) || !index.has(name)) return;
    only.add(name);
    work.push(name);
  };
  for (const s of seeds) add(s);
  while (work.length > 0) {
    const name = work.pop() as string;
    for (const ref of index.inputs(name)) {
      const src = ref.node;
      if (only.has(src) || !index.has(src)) continue;
      let left = pending.get(src);
      if (left === undefined) left = index.consumers(src).length;
      left -= 1;
      pending.set(src, left);
      if (left <= 0) add(src);
    }
  }
  return only;
}

/** Forward from QueueSize: nodes computed only from it and Consts, up to the ScalarSummary (§6.1). */
function sizeChain(index: GraphIndex, starts: string[]): Set<string> {
  const chain = new Set(starts);
  const work = [...starts];
  while (work.length > 0) {
    const name = work.pop() as string;
    for (const c of index.consumers(name)) {
      if (chain.has(c.node)) continue;
      const ins = index.dataInputs(c.node);
      const ok = ins.every((r) => chain.has(r.node) || (index.op(r.node) === 'Const' && index.consumers(r.node).length === 1));
      if (!ok || c.ref.control) continue;
      chain.add(c.node);
      for (const r of ins) if (index.op(r.node) === 'Const') chain.add(r.node);
      work.push(c.node);
    }
  }
  return chain;
}

function dequeueInfo(index: GraphIndex, d: NodeDef): DequeueInfo {
  const op = d.op ?? '';
  const info: DequeueInfo = { name: d.name ?? '', op, componentTypes: dequeueTypes(d) };
  if (/DequeueMany/.test(op)) {
    const nRef = index.dataInputs(info.name)[1];
    info.batch = constScalarInt(nRef ? index.node(nRef.node) : undefined) ?? -1;
  } else if (/DequeueUpTo/.test(op)) info.batch = -1;
  return info;
}

/**
 * Every input pipeline in the graph: queues (§6.1) with their QueueRunner from the
 * `queue_runners` collection when `meta` has one (§6.2), and tf.data iterators.
 */
export function findInputPipelines(index: GraphIndex, meta?: tensorflow.MetaGraphDef.$Properties): InputPipeline[] {
  const runners = queueRunnersOf(collectionOf(meta, QUEUE_RUNNERS));
  const seeds: string[] = [];
  for (const n of index.nodes) {
    const op = n.op ?? '';
    if (isPipelineOp(op) && !isDequeueOp(op) && op !== 'TakeManySparseFromTensorsMap') seeds.push(n.name ?? '');
  }
  for (const r of runners) for (const e of [...r.enqueueOps, r.closeOp, r.cancelOp]) if (e) seeds.push(e);

  interface Draft extends InputPipeline {
    core: Set<string>;
  }
  const drafts: Draft[] = [];
  const order = new Map(index.nodes.map((n, i) => [n.name ?? '', i]));

  // Queues.
  for (const q of index.nodes) {
    const qName = q.name ?? '';
    if (!QUEUE_OPS.has(q.op ?? '')) continue;
    const d: Draft = {
      kind: 'queue', name: qName, op: q.op ?? '', componentTypes: attrTypes(q, 'component_types'),
      enqueueOps: [], closeOps: [], sizeOps: [], dequeues: [], readers: [], iteratorOps: [], producers: [], upstream: [], nodes: [],
      core: new Set([qName]),
    };
    const shapes = listShapes(q, 'shapes');
    if (shapes) d.componentShapes = shapes;
    const cap = intAttr(q, 'capacity');
    if (cap !== undefined) d.capacity = cap;
    // Consumers of the handle, also through FakeQueue (pre-resource readers) and Identity.
    const handles = [qName];
    for (let i = 0; i < handles.length; i++) {
      for (const c of index.consumers(handles[i] as string)) {
        if (c.ref.control) continue;
        const cn = index.node(c.node) as NodeDef;
        const op = cn.op ?? '';
        if (op === 'FakeQueue' || op === 'Identity') {
          if (!handles.includes(c.node)) handles.push(c.node);
          d.core.add(c.node);
        } else if (ENQUEUE_OPS.has(op)) d.enqueueOps.push(c.node);
        else if (CLOSE_OPS.has(op)) d.closeOps.push(c.node);
        else if (SIZE_OPS.has(op)) d.sizeOps.push(c.node);
        else if (QUEUE_DEQUEUE_OPS.has(op)) d.dequeues.push(dequeueInfo(index, cn));
        else if (isReaderOp(op)) d.readers.push(c.node);
      }
    }
    const runner = runners.find((r) => r.queue === qName);
    if (runner) {
      const listed = [...runner.enqueueOps, runner.closeOp, runner.cancelOp].filter(Boolean);
      d.runner = { ...runner, missing: listed.filter((n) => !index.has(n)) };
      for (const e of runner.enqueueOps) if (index.has(e) && !d.enqueueOps.includes(e)) d.enqueueOps.push(e);
      for (const e of [runner.closeOp, runner.cancelOp]) if (e && index.has(e) && !d.closeOps.includes(e)) d.closeOps.push(e);
    }
    drafts.push(d);
  }

  // tf.data iterators.
  for (const it of index.nodes) {
    const itName = it.name ?? '';
    if (!ITERATOR_OPS.has(it.op ?? '')) continue;
    const d: Draft = {
      kind: 'dataset', name: itName, op: it.op ?? '', componentTypes: attrTypes(it, 'output_types'),
      enqueueOps: [], closeOps: [], sizeOps: [], dequeues: [], readers: [], iteratorOps: [], producers: [], upstream: [], nodes: [],
      core: new Set([itName]),
    };
    const shapes = listShapes(it, 'output_shapes');
    if (shapes) d.componentShapes = shapes;
    for (const c of index.consumers(itName)) {
      if (c.ref.control) continue;
      const cn = index.node(c.node) as NodeDef;
      const op = cn.op ?? '';
      if (ITERATOR_GET_OPS.has(op)) d.dequeues.push(dequeueInfo(index, cn));
      else if (isPipelineOp(op)) d.iteratorOps.push(c.node); // MakeIterator, IteratorToStringHandle, GetNextAsOptional...
    }
    drafts.push(d);
  }

  const only = pipelineOnlyNodes(index, seeds);
  const byMember = new Map<string, Draft>();
  for (const d of drafts) {
    for (const s of sizeChain(index, d.sizeOps)) d.core.add(s);
    d.sizeOps = [...sizeChain(index, d.sizeOps)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (const list of [d.enqueueOps, d.closeOps, d.readers, d.iteratorOps]) for (const n of list) d.core.add(n);
    for (const deq of d.dequeues) {
      d.core.add(deq.name);
      byMember.set(deq.name, d);
      // The dequeue's own Const `n` goes with it.
      for (const r of index.dataInputs(deq.name)) if (index.op(r.node) === 'Const' && index.consumers(r.node).length === 1) d.core.add(r.node);
    }
    for (const r of d.readers) byMember.set(r, d);
  }
  for (const d of drafts) {
    // Producers: pipeline-only ancestors of what puts elements in (enqueue ops, MakeIterator, reader reads).
    const starts = [...d.enqueueOps, ...d.iteratorOps, ...d.readers];
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const s of starts) for (const r of index.inputs(s)) stack.push(r.node);
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (seen.has(name) || d.core.has(name) || !only.has(name)) continue;
      seen.add(name);
      for (const r of index.inputs(name)) stack.push(r.node);
    }
    d.producers = [...seen].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (const p of d.producers) {
      if (isReaderOp(index.op(p) ?? '') && !d.readers.includes(p)) d.readers.push(p);
      const up = byMember.get(p);
      if (up && up !== d && !d.upstream.includes(up.name)) d.upstream.push(up.name);
    }
    const all = new Set([...d.core, ...d.producers]);
    d.nodes = [...all].filter((n) => index.has(n)).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    d.readers.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  return drafts.map(({ core: _core, ...p }) => p);
}

// ---------------------------------------------------------------------------------------------
// cutDequeues (§6.5)

export interface DequeueOverride {
  dtype?: number;
  shape?: number[] | null;
  name?: string;
}

export interface CutOptions {
  /** Keyed by the dequeue's tensor (`batch:1`, `batch` for `batch:0`) or by the default placeholder name. */
  overrides?: Record<string, DequeueOverride>;
  /** `dynamic` (default): the leading dimension of DequeueMany/UpTo results becomes -1. */
  batch?: 'dynamic' | 'static';
}

export interface CutResult {
  nodes: NodeDef[];
  /** One per dequeue cut; `removed` is 0 here: the caller counts it after pruning. */
  cuts: QueueCutJSON[];
  /** `deq:i` (or `take:k` for a sparse cut) → new placeholder tensor (`name:0`). */
  replaced: Map<string, string>;
  /** Things the caller should tell the user (e.g. control edges dropped). */
  warnings: string[];
  /** Nodes downstream of a relaxed batch dimension whose stale `_output_shapes` were removed (§6.5 step 9). */
  strippedOutputShapes: string[];
}

/** What a component of a dequeue becomes: dtype and shape per the §6.5 rule order. */
export interface ComponentSpec {
  dtype: number;
  shape: GraphShape;
  /** Where the shape came from, in words. */
  shapeSource: string;
  /** True when the batch dimension was relaxed to -1. */
  relaxed: boolean;
}

/**
 * dtype and shape of component `i` of dequeue `d` (§6.5 steps 3-4), without overrides. Throws
 * when the dequeue and its queue disagree on the dtype (a damaged graph).
 */
export function componentSpec(index: GraphIndex, d: NodeDef, i: number, batch: 'dynamic' | 'static' = 'dynamic'): ComponentSpec {
  const op = d.op ?? '';
  const name = d.name ?? '';
  const types = dequeueTypes(d);
  const isIterator = ITERATOR_GET_OPS.has(op);
  const handle = index.dataInputs(name)[0]?.node;
  const q = handle === undefined ? undefined : isIterator ? iteratorOfHandle(index, handle) : queueOfHandle(index, handle);
  const qNode = q === undefined ? undefined : index.node(q);
  const qTypes = qNode ? attrTypes(qNode, isIterator ? 'output_types' : 'component_types') : [];
  let dtype = types[i];
  const qType = qTypes[i];
  if (dtype === undefined) dtype = qType;
  if (dtype === undefined) {
    throw new FrostError('INVALID_GRAPH', `${name} (${op}) records no dtype for its output ${i}: neither it nor its ${isIterator ? 'iterator' : 'queue'} has it.`);
  }
  if (qType !== undefined && baseDtype(qType) !== baseDtype(dtype)) {
    // §6.5 step 3: both come from the same Python call; a mismatch means the graph was edited.
    throw new FrostError('INVALID_GRAPH', `${name}:${i} is ${dtypeName(dtype)} but its ${isIterator ? 'iterator' : 'queue'} ${q ?? ''} holds ${dtypeName(qType)} there.`);
  }
  dtype = baseDtype(dtype);

  const many = /DequeueMany/.test(op);
  const upTo = /DequeueUpTo/.test(op);
  const batched = many || upTo;
  let shape: GraphShape | undefined;
  let source = '';
  const recorded = listShape(d, '_output_shapes', i);
  if (recorded !== undefined) {
    shape = recorded;
    source = '_output_shapes';
  } else if (isIterator) {
    const own = listShape(d, 'output_shapes', i) ?? listShape(qNode, 'output_shapes', i);
    if (own !== undefined) {
      shape = own;
      source = 'output_shapes';
    }
  }
  if (shape === undefined && !isIterator && qNode) {
    const s = listShape(qNode, 'shapes', i);
    if (s !== undefined && s !== null) {
      if (many) {
        const nRef = index.dataInputs(name)[1];
        const n = constScalarInt(nRef ? index.node(nRef.node) : undefined);
        shape = [n ?? -1, ...s];
      } else if (upTo) shape = [-1, ...s];
      else shape = s;
      source = `queue ${q ?? ''} shapes`;
    }
  }
  if (shape === undefined) {
    shape = null;
    source = 'not recorded (unknown rank)';
  }
  let relaxed = false;
  // Batch policy (§6.5 step 4). tf.data outputs keep their recorded shape: a dataset need not
  // be batched, so its leading dimension is not known to be a batch dimension (and batched
  // datasets already record -1 unless drop_remainder made it static on purpose).
  if (batched && batch === 'dynamic' && shape !== null && shape.length > 0 && shape[0] !== -1) {
    shape = [-1, ...shape.slice(1)];
    relaxed = true;
  }
  return { dtype, shape, shapeSource: source, relaxed };
}

function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let k = 1; ; k++) {
    const n = `${base}_${k}`;
    if (!taken.has(n)) return n;
  }
}

function placeholder(name: string, dtype: number, shape: GraphShape): NodeDef {
  return { name, op: 'Placeholder', input: [], device: '', attr: { dtype: { type: dtype }, shape: { shape: shapeToProto(shape) } } };
}

function copyNode(n: NodeDef): NodeDef {
  return { ...n, input: [...(n.input ?? [])], attr: { ...(n.attr ?? {}) } };
}

interface PlannedPlaceholder {
  key: string; // 'D:i' or 'T:k' for sparse
  component: number;
  name: string;
  dtype: number;
  shape: GraphShape;
  relaxed: boolean;
}

/**
 * §6.5: replaces every dequeue that is an ancestor of `outputs` by one Placeholder per live
 * component and rewires the consumers. Returns a new node array; input NodeDefs are never
 * mutated (changed nodes are copies). Pruning (step 8) is the caller's.
 */
export function cutDequeues(index: GraphIndex, outputs: string[], options: CutOptions = {}): CutResult {
  const overrides = options.overrides ?? {};
  const policy = options.batch ?? 'dynamic';
  const warnings: string[] = [];
  const { kept } = index.ancestors(outputs);
  const dequeues = index.nodes.filter((n) => kept.has(n.name ?? '') && isDequeueOp(n.op ?? ''));
  if (dequeues.length === 0) return { nodes: [...index.nodes], cuts: [], replaced: new Map(), warnings, strippedOutputShapes: [] };
  const taken = new Set(index.nodes.map((n) => n.name ?? ''));
  const readers = index.consumersOf(new Set(dequeues.map((d) => d.name ?? '')));
  const used = new Set<string>();
  const consumed = new Set<string>();
  const lookup = (keys: string[]): DequeueOverride | undefined => {
    for (const k of keys) {
      if (Object.hasOwn(overrides, k)) {
        consumed.add(k);
        return overrides[k];
      }
    }
    return undefined;
  };

  /** Input rewrites, `node:port` → new input text. */
  const rewire = new Map<string, string>();
  /** Control rewrites, node → new control target (or '' to drop). */
  const controlRewire = new Map<string, string>();
  const replacements = new Map<string, NodeDef[]>();
  const removed = new Set<string>();
  const cuts: QueueCutJSON[] = [];
  const replaced = new Map<string, string>();
  const relaxedStarts: string[] = [];

  for (const d of dequeues) {
    const dName = d.name ?? '';
    const dOp = d.op ?? '';
    // §6.5 step 2: live components are those some ancestor of the outputs reads.
    const live = new Set<number>();
    let controlLive = false;
    const sparseTakers = new Map<number, string[]>();
    const otherReaders = new Set<number>();
    if (outputs.includes(dName)) {
      // The dequeue itself is requested: every output of it may be fetched.
      dequeueTypes(d).forEach((_, i) => {
        live.add(i);
        otherReaders.add(i);
      });
    }
    for (const c of readers.get(dName) ?? []) {
      if (!kept.has(c.node)) continue;
      if (c.ref.control) {
        controlLive = true;
        continue;
      }
      live.add(c.ref.port);
      // §6.5 step 10: a sparse component is restored by TakeManySparseFromTensorsMap.
      if (index.op(c.node) === 'TakeManySparseFromTensorsMap' && c.index === 0) {
        const list = sparseTakers.get(c.ref.port) ?? [];
        if (!list.includes(c.node)) list.push(c.node);
        sparseTakers.set(c.ref.port, list);
      } else otherReaders.add(c.ref.port);
    }
    const handle = index.dataInputs(dName)[0]?.node;
    const isIterator = ITERATOR_GET_OPS.has(dOp);
    const queue = handle === undefined ? undefined : isIterator ? iteratorOfHandle(index, handle) : queueOfHandle(index, handle);
    const planned: PlannedPlaceholder[] = [];
    const nodesHere: NodeDef[] = [];
    taken.delete(dName); // D itself goes away; its name is reused by component 0.

    for (const i of [...live].sort((a, b) => a - b)) {
      const spec = componentSpec(index, d, i, policy);
      if (otherReaders.has(i)) {
        const defaultName = i === 0 ? dName : `${dName}/component_${i}`;
        const o = lookup([`${dName}:${i}`, ...(i === 0 ? [dName] : []), defaultName, `${defaultName}:0`]);
        let name = defaultName;
        if (o?.name !== undefined && o.name !== '') {
          if (taken.has(o.name) || used.has(o.name)) throw new FrostError('USAGE', `Cannot name the placeholder for ${dName}:${i} "${o.name}": a node of that name already exists.`);
          name = o.name;
        } else if (i !== 0 || used.has(name)) name = uniqueName(name, new Set([...taken, ...used]));
        if (o?.dtype !== undefined && baseDtype(o.dtype) !== spec.dtype) {
          throw new FrostError('USAGE', `${dName}:${i} is ${dtypeName(spec.dtype)} in the graph; a ${dtypeName(o.dtype)} placeholder would not fit the ops that read it.`);
        }
        const shape = o?.shape !== undefined ? o.shape : spec.shape;
        const relaxed = o?.shape === undefined && spec.relaxed;
        used.add(name);
        planned.push({ key: `${dName}:${i}`, component: i, name, dtype: spec.dtype, shape, relaxed });
        rewire.set(`${dName}:${i}`, name);
      }
      for (const t of sparseTakers.get(i) ?? []) {
        planned.push(...sparseCut(index, t, i, taken, used, lookup, warnings));
        removed.add(t);
        for (const p of planned.filter((pp) => pp.key.startsWith(`${t}:`))) rewire.set(p.key, p.name);
      }
    }
    if (controlLive) {
      const first = planned[0];
      if (first) controlRewire.set(dName, first.name);
      else {
        controlRewire.set(dName, '');
        warnings.push(`Dropped control dependencies on ${dName}: no output reads its data, and a placeholder cannot stand in for a dequeue's side effect.`);
      }
    }
    for (const p of planned) {
      nodesHere.push(placeholder(p.name, p.dtype, p.shape));
      replaced.set(p.key, `${p.name}:0`);
      if (p.relaxed) relaxedStarts.push(p.name);
    }
    replacements.set(dName, nodesHere);
    removed.add(dName);
    const cut: QueueCutJSON = {
      dequeue: dName,
      op: dOp,
      placeholders: planned.map((p) => ({ component: p.component, name: p.name, dtype: dtypeName(p.dtype), shape: p.shape })),
      removed: 0,
    };
    if (queue !== undefined) cut.queue = queue;
    cuts.push(cut);
  }

  for (const k of Object.keys(overrides)) {
    if (consumed.has(k)) continue;
    const node = k.replace(/:\d+$/, '');
    if (dequeues.some((d) => d.name === node)) {
      warnings.push(`The override for ${k} was not used: no output reads that component.`);
    }
  }

  // Build the new node list: placeholders at the dequeue's position, consumers rewired.
  const out: NodeDef[] = [];
  const newNames = new Set<string>();
  for (const n of index.nodes) {
    const name = n.name ?? '';
    const repl = replacements.get(name);
    if (repl) {
      for (const p of repl) {
        out.push(p);
        newNames.add(p.name ?? '');
      }
      continue;
    }
    if (removed.has(name)) continue;
    let changed = false;
    const input: string[] = [];
    for (const s of n.input ?? []) {
      const ref = parseInput(s);
      if (ref.control) {
        const to = controlRewire.get(ref.node);
        if (to === undefined) input.push(s);
        else {
          changed = true;
          if (to !== '' && !input.includes(`^${to}`)) input.push(`^${to}`);
        }
        continue;
      }
      const to = rewire.get(`${ref.node}:${ref.port}`);
      if (to === undefined) input.push(s);
      else {
        changed = true;
        input.push(to);
      }
    }
    if (changed) {
      const c = copyNode(n);
      c.input = input;
      out.push(c);
    } else out.push(n);
  }

  // §6.5 step 9: a relaxed batch dimension makes recorded static shapes downstream stale.
  const stripped: string[] = [];
  if (relaxedStarts.length > 0) {
    const outIndex = new Map(out.map((n, i) => [n.name ?? '', i]));
    const consumersOf = new Map<string, string[]>();
    for (const n of out) {
      for (const s of n.input ?? []) {
        const ref = parseInput(s);
        if (ref.control) continue;
        const list = consumersOf.get(ref.node) ?? [];
        list.push(n.name ?? '');
        consumersOf.set(ref.node, list);
      }
    }
    const seen = new Set<string>(relaxedStarts);
    const stack = [...relaxedStarts];
    while (stack.length > 0) {
      const name = stack.pop() as string;
      for (const c of consumersOf.get(name) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        stack.push(c);
        const at = outIndex.get(c);
        if (at === undefined) continue;
        const node = out[at] as NodeDef;
        if (!node.attr?.['_output_shapes'] || newNames.has(c)) continue;
        const copy = node === index.node(c) ? copyNode(node) : node;
        delete (copy.attr as Record<string, unknown>)['_output_shapes'];
        out[at] = copy;
        stripped.push(c);
      }
    }
  }

  return { nodes: out, cuts, replaced, warnings, strippedOutputShapes: stripped };
}

/**
 * §6.5 step 10: cut at TakeManySparseFromTensorsMap `t` instead of the dequeue component: three
 * placeholders for its indices, values and dense shape.
 */
function sparseCut(
  index: GraphIndex,
  t: string,
  component: number,
  taken: Set<string>,
  used: Set<string>,
  lookup: (keys: string[]) => DequeueOverride | undefined,
  warnings: string[],
): PlannedPlaceholder[] {
  const node = index.node(t) as NodeDef;
  const valuesType = node.attr?.['dtype']?.type ?? undefined;
  const idx = listShape(node, '_output_shapes', 0);
  const dense = listShape(node, '_output_shapes', 2);
  let rank: number | undefined;
  if (idx && idx.length === 2 && (idx[1] ?? -1) >= 0) rank = idx[1];
  else if (dense && dense.length === 1 && (dense[0] ?? -1) >= 0) rank = dense[0];
  const parts: [string, number, number | undefined, GraphShape][] = [
    ['indices', 0, DT.INT64, [-1, rank ?? -1]],
    ['values', 1, valuesType === undefined || valuesType === null ? undefined : baseDtype(valuesType), [-1]],
    ['dense_shape', 2, DT.INT64, [rank ?? -1]],
  ];
  const out: PlannedPlaceholder[] = [];
  for (const [suffix, port, dtype, shape] of parts) {
    const base = `${t}/${suffix}`;
    const o = lookup([`${t}:${port}`, base, `${base}:0`]);
    const dt = o?.dtype ?? dtype;
    if (dt === undefined) throw new FrostError('INVALID_GRAPH', `${t} (TakeManySparseFromTensorsMap) records no dtype for its values.`);
    const name = o?.name ?? uniqueName(base, new Set([...taken, ...used]));
    used.add(name);
    out.push({ key: `${t}:${port}`, component, name, dtype: dt, shape: o?.shape !== undefined ? o.shape : shape, relaxed: false });
  }
  const coloc = (node.attr?.['_class']?.list?.s ?? []).length;
  if (coloc > 0) warnings.push(`${t} restored a sparse batch component through a shared map; it was replaced by ${out.map((p) => p.name).join(', ')} and its colocation with the map op dropped.`);
  return out;
}
