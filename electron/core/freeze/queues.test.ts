// Input pipelines and the §6.5 dequeue cut (docs/freezing.md §6): real TF1 graphs from the
// fixtures, hand-built graphs for the rule order and edge cases, and real TensorFlow (when
// .venv-tf exists) building a string_input_producer + reader + shuffle_batch pipeline.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { findPython } from '../../../test/python-venv.js';
import { FrostError } from '../errors.js';
import { loadGraph } from '../graph/load-graph.js';
import { encodeGraphDef } from '../graph/write-graph.js';
import { toLong, type tensorflow } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import { GraphIndex, parseInput, type NodeDef } from './graph-index.js';
import { cutDequeues, findInputPipelines, isDequeueOp, isPipelineOp, isQueueOp, shapeFromProto, type CutResult } from './queues.js';
import { suggestOutputs } from './outputs.js';

// ---------------------------------------------------------------------------------------------
// Helpers

type Attr = tensorflow.AttrValue.$Properties;

function nd(name: string, op: string, input: string[] = [], attr: Record<string, Attr> = {}): NodeDef {
  return { name, op, input, attr };
}
const types = (...t: number[]): Attr => ({ list: { type: t } });
const shape = (dims: number[] | null): tensorflow.TensorShapeProto.$Properties =>
  dims === null ? { unknownRank: true, dim: [] } : { dim: dims.map((d) => ({ size: toLong(d) })) };
const shapes = (...s: (number[] | null)[]): Attr => ({ list: { shape: s.map(shape) } });
const int32 = (v: number): Attr => ({ tensor: { dtype: DT.INT32, tensorShape: { dim: [] }, intVal: [v] } });

function placeholderOf(r: CutResult, name: string): { dtype: number | undefined; shape: number[] | null } {
  const n = r.nodes.find((x) => x.name === name);
  expect(n, `placeholder ${name}`).toBeDefined();
  expect(n?.op).toBe('Placeholder');
  return { dtype: n?.attr?.['dtype']?.type ?? undefined, shape: shapeFromProto(n?.attr?.['shape']?.shape) };
}

/** After a cut, pruning from `outputs` (TF's extract_sub_graph, §3.1) must leave a self-consistent graph. */
function pruned(r: CutResult, outputs: string[]): { index: GraphIndex; kept: Set<string> } {
  const index = new GraphIndex(r.nodes);
  const { kept, missing } = index.ancestors(outputs);
  expect([...missing]).toEqual([]);
  for (const name of kept) {
    for (const ref of index.inputs(name)) {
      const src = index.node(ref.node);
      expect(src, `${name} reads ${ref.node}`).toBeDefined();
      if (src?.op === 'Placeholder' && !ref.control) expect(ref.port, `${name} reads output ${ref.port} of placeholder ${ref.node}`).toBe(0);
    }
  }
  return { index, kept };
}

/** The §6.1 / §11 example, by hand: file-name queue, reader, batching queue, a model and a loss. */
function worked(extra: NodeDef[] = [], deqOutputShapes = false): NodeDef[] {
  const deqAttr: Record<string, Attr> = { component_types: types(DT.FLOAT, DT.INT32), timeout_ms: { i: toLong(-1) } };
  if (deqOutputShapes) deqAttr['_output_shapes'] = shapes([32, 784], [32]);
  return [
    nd('input_producer/Const', 'Const'),
    nd('input_producer', 'FIFOQueueV2', [], { component_types: types(DT.STRING), shapes: shapes([]), capacity: { i: toLong(32) } }),
    nd('input_producer/input_producer_EnqueueMany', 'QueueEnqueueManyV2', ['input_producer', 'input_producer/Const']),
    nd('input_producer/input_producer_Close', 'QueueCloseV2', ['input_producer']),
    nd('input_producer/input_producer_Close_1', 'QueueCloseV2', ['input_producer']),
    nd('TFRecordReaderV2', 'TFRecordReaderV2'),
    nd('ReaderReadV2', 'ReaderReadV2', ['TFRecordReaderV2', 'input_producer']),
    nd('DecodeRaw', 'DecodeRaw', ['ReaderReadV2:1']),
    nd('Cast', 'Cast', ['DecodeRaw']),
    nd('Reshape/shape', 'Const'),
    nd('Reshape', 'Reshape', ['Cast', 'Reshape/shape']),
    nd('StringLength', 'StringLength', ['ReaderReadV2:1']),
    nd('batch/fifo_queue', 'FIFOQueueV2', [], { component_types: types(DT.FLOAT, DT.INT32), shapes: shapes([784], []), capacity: { i: toLong(32) } }),
    nd('batch/fifo_queue_enqueue', 'QueueEnqueueV2', ['batch/fifo_queue', 'Reshape', 'StringLength']),
    nd('batch/fifo_queue_Close', 'QueueCloseV2', ['batch/fifo_queue']),
    nd('batch/fifo_queue_Close_1', 'QueueCloseV2', ['batch/fifo_queue']),
    nd('batch/fifo_queue_Size', 'QueueSizeV2', ['batch/fifo_queue']),
    nd('batch/Cast', 'Cast', ['batch/fifo_queue_Size']),
    nd('batch/mul/y', 'Const'),
    nd('batch/mul', 'Mul', ['batch/Cast', 'batch/mul/y']),
    nd('batch/fraction_of_32_full/tags', 'Const'),
    nd('batch/fraction_of_32_full', 'ScalarSummary', ['batch/fraction_of_32_full/tags', 'batch/mul']),
    nd('batch/n', 'Const', [], { dtype: { type: DT.INT32 }, value: int32(32) }),
    nd('batch', 'QueueDequeueManyV2', ['batch/fifo_queue', 'batch/n'], deqAttr),
    nd('W', 'VariableV2', [], { dtype: { type: DT.FLOAT }, shape: { shape: shape([784, 10]) } }),
    nd('W/read', 'Identity', ['W'], { T: { type: DT.FLOAT } }),
    nd('MatMul', 'MatMul', ['batch', 'W/read'], { T: { type: DT.FLOAT }, _output_shapes: shapes([32, 10]) }),
    nd('xent', 'SparseSoftmaxCrossEntropyWithLogits', ['MatMul', 'batch:1']),
    nd('loss', 'Mean', ['xent', 'Const', '^batch']),
    nd('Const', 'Const'),
    ...extra,
  ];
}

/** A deep, exact snapshot of NodeDefs (Longs included) to prove inputs are not mutated. */
function snapshot(nodes: readonly NodeDef[]): string {
  return JSON.stringify(nodes, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

// ---------------------------------------------------------------------------------------------

describe('op families', () => {
  it('classifies queues, dequeues and pipeline ops', () => {
    for (const op of ['FIFOQueue', 'FIFOQueueV2', 'RandomShuffleQueueV2', 'PaddingFIFOQueueV2', 'PriorityQueue']) expect(isQueueOp(op), op).toBe(true);
    for (const op of ['QueueDequeue', 'QueueDequeueManyV2', 'QueueDequeueUpToV2', 'IteratorGetNext', 'IteratorGetNextSync']) expect(isDequeueOp(op), op).toBe(true);
    for (const op of [
      'QueueEnqueueV2', 'QueueEnqueueManyV2', 'QueueCloseV2', 'QueueSizeV2', 'QueueIsClosedV2', 'FakeQueue', 'TFRecordReaderV2', 'WholeFileReader',
      'ReaderReadV2', 'ReaderReadUpToV2', 'ReaderRead', 'LMDBReader', 'MakeIterator', 'IteratorV2', 'OneShotIterator', 'IteratorToStringHandle',
      'TensorSliceDataset', 'BatchDatasetV2', 'ModelDataset', 'AddManySparseToTensorsMap', 'TakeManySparseFromTensorsMap', 'FIFOQueueV2', 'IteratorGetNext',
    ]) expect(isPipelineOp(op), op).toBe(true);
    for (const op of ['MatMul', 'Softmax', 'Placeholder', 'Const', 'DecodeRaw', 'ParseExample', 'VariableV2', 'Identity']) expect(isPipelineOp(op), op).toBe(false);
    expect(isQueueOp('QueueDequeueV2')).toBe(false);
    expect(isDequeueOp('QueueEnqueueV2')).toBe(false);
  });
});

describe('findInputPipelines on real graphs', () => {
  it('iris-estimator: the numpy_input_fn queue with its QueueRunner', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta'));
    const index = new GraphIndex(g.graphDef.node);
    const ps = findInputPipelines(index, g.metaGraph);
    expect(ps).toHaveLength(1);
    const p = ps[0];
    expect(p?.kind).toBe('queue');
    expect(p?.name).toBe('enqueue_input/random_shuffle_queue');
    expect(p?.op).toBe('RandomShuffleQueueV2');
    expect(p?.componentTypes).toEqual([DT.INT64, DT.FLOAT, DT.INT32]);
    expect(p?.componentShapes).toEqual([[], [4], []]);
    expect(p?.capacity).toBe(1000);
    expect(p?.enqueueOps).toEqual(['enqueue_input/random_shuffle_queue_EnqueueMany']);
    expect(p?.closeOps).toEqual(['enqueue_input/random_shuffle_queue_Close', 'enqueue_input/random_shuffle_queue_Close_1']);
    expect(p?.dequeues).toEqual([{ name: 'random_shuffle_queue_DequeueMany', op: 'QueueDequeueManyV2', componentTypes: [DT.INT64, DT.FLOAT, DT.INT32], batch: 128 }]);
    expect(p?.runner).toEqual({
      queue: 'enqueue_input/random_shuffle_queue',
      enqueueOps: ['enqueue_input/random_shuffle_queue_EnqueueMany'],
      closeOp: 'enqueue_input/random_shuffle_queue_Close',
      cancelOp: 'enqueue_input/random_shuffle_queue_Close_1',
      missing: [],
    });
    // The feed_fn placeholders only feed the enqueue op: they belong to the pipeline.
    expect(p?.producers).toEqual(['enqueue_input/Placeholder', 'enqueue_input/Placeholder_1', 'enqueue_input/Placeholder_2']);
    expect(p?.sizeOps).toContain('enqueue_input/queue/enqueue_input/random_shuffle_queuefraction_over_250_of_750_full');
    expect(p?.nodes).toContain('random_shuffle_queue_DequeueMany/n');
    expect(p?.nodes).not.toContain('Merge/MergeSummary');
    // Graph order, no duplicates.
    const order = new Map(g.graphDef.node.map((n, i) => [n.name, i]));
    const positions = (p?.nodes ?? []).map((n) => order.get(n) ?? -1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(p?.nodes).size).toBe(p?.nodes.length);
  });

  it('iris-estimator as text GraphDef (no .meta): the same queue, without a runner', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'graph.pbtxt'));
    const ps = findInputPipelines(new GraphIndex(g.graphDef.node));
    expect(ps.map((p) => [p.name, p.runner])).toEqual([['enqueue_input/random_shuffle_queue', undefined]]);
    expect(ps[0]?.enqueueOps).toEqual(['enqueue_input/random_shuffle_queue_EnqueueMany']);
  });

  it('cifar10: prefetch_queue fed by a tf.data iterator', async () => {
    const g = await loadGraph(fixture('cifar10-queues-meta-only', 'model.ckpt-0.meta'));
    const ps = findInputPipelines(new GraphIndex(g.graphDef.node), g.metaGraph);
    expect(ps.map((p) => [p.kind, p.name, p.op])).toEqual([
      ['queue', 'prefetch_queue/fifo_queue', 'FIFOQueueV2'],
      ['dataset', 'data_augmentation/OneShotIterator', 'OneShotIterator'],
    ]);
    const [q, ds] = ps;
    expect(q?.runner?.enqueueOps).toEqual(['prefetch_queue/fifo_queue_enqueue']);
    expect(q?.runner?.missing).toEqual([]);
    expect(q?.closeOps).toEqual(['prefetch_queue/fifo_queue_Close', 'prefetch_queue/fifo_queue_Close_1']);
    expect(q?.dequeues.map((d) => [d.name, d.op])).toEqual([['tower_0/fifo_queue_Dequeue', 'QueueDequeueV2']]);
    expect(q?.upstream).toEqual(['data_augmentation/OneShotIterator']);
    expect(q?.producers).toContain('data_augmentation/IteratorGetNext');
    expect(q?.sizeOps).toContain('prefetch_queue/fraction_of_2_full');
    expect(ds?.dequeues.map((d) => d.name)).toEqual(['data_augmentation/IteratorGetNext']);
    expect(ds?.componentTypes).toEqual([DT.FLOAT, DT.INT32]);
    expect(ds?.componentShapes).toEqual([[-1, 24, 24, 3], [-1]]);
    expect(ds?.iteratorOps).toEqual(['data_augmentation/IteratorToStringHandle']);
  });

  it('estimator-basics: tf.data with MakeIterator and its dataset ops', async () => {
    const g = await loadGraph(fixture('estimator-basics-v2', 'model.ckpt-2000.meta'));
    const ps = findInputPipelines(new GraphIndex(g.graphDef.node), g.metaGraph);
    expect(ps).toHaveLength(1);
    const p = ps[0];
    expect([p?.kind, p?.name, p?.op]).toEqual(['dataset', 'IteratorV2', 'IteratorV2']);
    expect(p?.iteratorOps).toEqual(['MakeIterator', 'IteratorToStringHandle']);
    expect(p?.dequeues.map((d) => d.name)).toEqual(['IteratorGetNext']);
    expect(p?.producers).toEqual(expect.arrayContaining(['TensorDataset', 'BatchDatasetV2', 'RepeatDataset', 'ModelDataset']));
  });

  it('graphs without pipelines', async () => {
    for (const [dir, file] of [['mnist-softmax-v1-freeze-oracle', 'model.ckpt.meta'], ['har-lstm-frozen', 'frozen_graph.pb'], ['half-plus-two-savedmodel-tf1', 'saved_model.pb']] as const) {
      const g = await loadGraph(fixture(dir, file));
      expect(findInputPipelines(new GraphIndex(g.graphDef.node), g.metaGraph), dir).toEqual([]);
    }
  });
});

describe('findInputPipelines on the §6.1 example', () => {
  it('finds both queues, the reader and the file-name queue upstream', () => {
    const index = new GraphIndex(worked());
    const ps = findInputPipelines(index);
    const fileQ = ps.find((p) => p.name === 'input_producer');
    const batchQ = ps.find((p) => p.name === 'batch/fifo_queue');
    // The reader reads file names from the file-name queue: it belongs to that pipeline...
    expect(fileQ?.readers).toEqual(['TFRecordReaderV2', 'ReaderReadV2']);
    expect(fileQ?.enqueueOps).toEqual(['input_producer/input_producer_EnqueueMany']);
    expect(fileQ?.producers).toEqual(['input_producer/Const', 'TFRecordReaderV2']);
    // ...and, being upstream of its enqueue, to the batching queue's too.
    expect(batchQ?.dequeues).toEqual([{ name: 'batch', op: 'QueueDequeueManyV2', componentTypes: [DT.FLOAT, DT.INT32], batch: 32 }]);
    expect(batchQ?.readers).toEqual(['TFRecordReaderV2', 'ReaderReadV2']);
    expect(batchQ?.upstream).toEqual(['input_producer']);
    expect(batchQ?.sizeOps).toEqual(['batch/fifo_queue_Size', 'batch/Cast', 'batch/mul/y', 'batch/mul', 'batch/fraction_of_32_full/tags', 'batch/fraction_of_32_full']);
    expect(batchQ?.nodes).toEqual(expect.arrayContaining(['input_producer', 'DecodeRaw', 'Reshape', 'StringLength', 'batch/n', 'batch']));
    expect(batchQ?.nodes).not.toContain('MatMul');
    expect(batchQ?.nodes).not.toContain('Const'); // the loss's Const
  });
});

describe('cutDequeues on iris-estimator (§6.5)', () => {
  const OUT = 'dnn/head/predictions/probabilities';
  const LOSS = 'dnn/head/weighted_loss/Sum';

  it('replaces every live component with a typed placeholder, batch relaxed to -1', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta'));
    const index = new GraphIndex(g.graphDef.node);
    const before = snapshot(g.graphDef.node);
    const r = cutDequeues(index, [OUT, LOSS]);
    expect(snapshot(g.graphDef.node)).toBe(before); // inputs untouched
    expect(r.cuts).toEqual([
      {
        dequeue: 'random_shuffle_queue_DequeueMany',
        op: 'QueueDequeueManyV2',
        queue: 'enqueue_input/random_shuffle_queue',
        placeholders: [
          { component: 1, name: 'random_shuffle_queue_DequeueMany/component_1', dtype: 'float32', shape: [-1, 4] },
          { component: 2, name: 'random_shuffle_queue_DequeueMany/component_2', dtype: 'int32', shape: [-1] },
        ],
        removed: 0,
      },
    ]);
    expect([...r.replaced]).toEqual([
      ['random_shuffle_queue_DequeueMany:1', 'random_shuffle_queue_DequeueMany/component_1:0'],
      ['random_shuffle_queue_DequeueMany:2', 'random_shuffle_queue_DequeueMany/component_2:0'],
    ]);
    expect(placeholderOf(r, 'random_shuffle_queue_DequeueMany/component_1')).toEqual({ dtype: DT.FLOAT, shape: [-1, 4] });
    expect(placeholderOf(r, 'random_shuffle_queue_DequeueMany/component_2')).toEqual({ dtype: DT.INT32, shape: [-1] });
    // Component 0 (the example index) is dead: no placeholder, and the dequeue is gone.
    expect(r.nodes.find((n) => n.name === 'random_shuffle_queue_DequeueMany')).toBeUndefined();
    // No node anywhere still reads the dequeue.
    for (const n of r.nodes) for (const s of n.input ?? []) expect(parseInput(s).node, `${n.name} input ${s}`).not.toBe('random_shuffle_queue_DequeueMany');
    // Same length: one dequeue became two placeholders at its position.
    expect(r.nodes.length).toBe(g.graphDef.node.length + 1);
    const at = g.graphDef.node.findIndex((n) => n.name === 'random_shuffle_queue_DequeueMany');
    expect(r.nodes.slice(at, at + 2).map((n) => n.name)).toEqual(['random_shuffle_queue_DequeueMany/component_1', 'random_shuffle_queue_DequeueMany/component_2']);
    // §6.5 step 9: the static batch of 128 recorded downstream is stale now.
    expect(r.strippedOutputShapes).toContain(OUT);
    expect(r.nodes.find((n) => n.name === OUT)?.attr?.['_output_shapes']).toBeUndefined();
    expect(g.graphDef.node.find((n) => n.name === OUT)?.attr?.['_output_shapes']).toBeDefined();

    const { index: after, kept } = pruned(r, [OUT, LOSS]);
    const leftovers = [...kept].filter((n) => isPipelineOp(after.op(n) ?? ''));
    expect(leftovers).toEqual([]);
    expect(kept.has('random_shuffle_queue_DequeueMany/component_1')).toBe(true);
    expect(kept.has('random_shuffle_queue_DequeueMany/component_2')).toBe(true);
    expect([...kept].some((n) => n.startsWith('enqueue_input/'))).toBe(false);
  });

  it('cuts only what the outputs read: the prediction needs the features, not the labels', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta'));
    const r = cutDequeues(new GraphIndex(g.graphDef.node), [OUT]);
    expect(r.cuts[0]?.placeholders.map((p) => p.name)).toEqual(['random_shuffle_queue_DequeueMany/component_1']);
    const { index, kept } = pruned(r, [OUT]);
    expect([...kept].filter((n) => index.op(n) === 'Placeholder')).toEqual(['random_shuffle_queue_DequeueMany/component_1']);
    expect([...kept].filter((n) => isPipelineOp(index.op(n) ?? ''))).toEqual([]);
  });

  it('static batch policy keeps n; overrides rename and reshape; a wrong dtype is refused', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta'));
    const index = new GraphIndex(g.graphDef.node);
    const s = cutDequeues(index, [OUT], { batch: 'static' });
    expect(s.cuts[0]?.placeholders[0]?.shape).toEqual([128, 4]);
    expect(s.strippedOutputShapes).toEqual([]);
    const o = cutDequeues(index, [OUT], { overrides: { 'random_shuffle_queue_DequeueMany:1': { name: 'features', shape: [8, 4] } } });
    expect(o.cuts[0]?.placeholders).toEqual([{ component: 1, name: 'features', dtype: 'float32', shape: [8, 4] }]);
    expect(o.strippedOutputShapes).toEqual([]); // an explicit shape is the user's choice, not a relaxation
    expect([...o.replaced]).toEqual([['random_shuffle_queue_DequeueMany:1', 'features:0']]);
    const byNewName = cutDequeues(index, [OUT], { overrides: { 'random_shuffle_queue_DequeueMany/component_1': { shape: null } } });
    expect(byNewName.cuts[0]?.placeholders[0]?.shape).toBeNull();
    expect(() => cutDequeues(index, [OUT], { overrides: { 'random_shuffle_queue_DequeueMany:1': { dtype: DT.INT32 } } })).toThrow(/float32 in the graph/);
    expect(() => cutDequeues(index, [OUT], { overrides: { 'random_shuffle_queue_DequeueMany:1': { name: 'dnn/logits/BiasAdd' } } })).toThrow(FrostError);
  });
});

describe('cutDequeues rules on hand-built graphs (§6.5)', () => {
  it('derives shapes from the queue and n when _output_shapes is absent; keeps ^D valid', () => {
    const index = new GraphIndex(worked());
    const r = cutDequeues(index, ['loss']);
    expect(r.cuts[0]?.placeholders).toEqual([
      { component: 0, name: 'batch', dtype: 'float32', shape: [-1, 784] },
      { component: 1, name: 'batch/component_1', dtype: 'int32', shape: [-1] },
    ]);
    expect(r.nodes.find((n) => n.name === 'xent')?.input).toEqual(['MatMul', 'batch/component_1']);
    expect(r.nodes.find((n) => n.name === 'loss')?.input).toEqual(['xent', 'Const', '^batch']);
    expect(r.nodes.find((n) => n.name === 'MatMul')?.input).toEqual(['batch', 'W/read']);
    // The relaxed batch makes MatMul's recorded [32, 10] stale.
    expect(r.strippedOutputShapes).toEqual(['MatMul']);
    const { index: after, kept } = pruned(r, ['loss']);
    expect([...kept].sort()).toEqual(['Const', 'MatMul', 'W', 'W/read', 'batch', 'batch/component_1', 'loss', 'xent']);
    expect(after.node('batch')?.device ?? '').toBe('');
  });

  it('prefers _output_shapes, and the static policy keeps the batch', () => {
    const r = cutDequeues(new GraphIndex(worked([], true)), ['loss'], { batch: 'static' });
    expect(r.cuts[0]?.placeholders.map((p) => p.shape)).toEqual([[32, 784], [32]]);
  });

  it('names around collisions and never uses D_1', () => {
    const index = new GraphIndex(worked([nd('batch/component_1', 'Const'), nd('batch_1', 'Const')]));
    const r = cutDequeues(index, ['loss']);
    expect(r.cuts[0]?.placeholders.map((p) => p.name)).toEqual(['batch', 'batch/component_1_1']);
    expect(r.nodes.find((n) => n.name === 'xent')?.input).toEqual(['MatMul', 'batch/component_1_1']);
  });

  it('rewires ^D to the first placeholder when component 0 is dead', () => {
    const nodes = worked([nd('only_label', 'Identity', ['batch:1', '^batch'])]);
    const r = cutDequeues(new GraphIndex(nodes), ['only_label']);
    expect(r.cuts[0]?.placeholders.map((p) => p.name)).toEqual(['batch/component_1']);
    expect(r.nodes.find((n) => n.name === 'only_label')?.input).toEqual(['batch/component_1', '^batch/component_1']);
  });

  it('drops a control edge on a dequeue whose data no output reads, with a warning', () => {
    const r = cutDequeues(new GraphIndex(worked([nd('after', 'NoOp', ['^batch'])])), ['after']);
    expect(r.cuts[0]?.placeholders).toEqual([]);
    expect(r.nodes.find((n) => n.name === 'after')?.input).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/control dependencies on batch/);
  });

  it('a dequeue requested as an output becomes placeholders for all its components', () => {
    const r = cutDequeues(new GraphIndex(worked()), ['batch']);
    expect(r.cuts[0]?.placeholders.map((p) => [p.name, p.shape])).toEqual([['batch', [-1, 784]], ['batch/component_1', [-1]]]);
  });

  it('leaves dequeues the outputs do not reach alone', () => {
    const nodes = worked([nd('x', 'Placeholder', [], { dtype: { type: DT.FLOAT } }), nd('y', 'MatMul', ['x', 'W/read'])]);
    const r = cutDequeues(new GraphIndex(nodes), ['y']);
    expect(r.cuts).toEqual([]);
    expect(r.nodes).toEqual(nodes);
  });

  it('refuses a dequeue whose dtypes disagree with its queue', () => {
    const nodes = worked().map((n) => (n.name === 'batch' ? { ...n, attr: { ...n.attr, component_types: types(DT.DOUBLE, DT.INT32) } } : n));
    expect(() => cutDequeues(new GraphIndex(nodes), ['loss'])).toThrow(/batch:0 is float64 but its queue batch\/fifo_queue holds float32/);
  });

  it('DequeueUpTo gets [-1] + S; a single Dequeue gets S; V1 queues through FakeQueue-free refs work', () => {
    const nodes: NodeDef[] = [
      nd('q', 'PaddingFIFOQueue', [], { component_types: types(DT.FLOAT, DT.INT64), shapes: shapes([-1, 3], [2]) }),
      nd('up', 'QueueDequeueUpTo', ['q', 'n'], { component_types: types(DT.FLOAT, DT.INT64) }),
      nd('n', 'Const', [], { value: int32(8) }),
      nd('one', 'QueueDequeue', ['q'], { component_types: types(DT.FLOAT, DT.INT64) }),
      nd('a', 'Identity', ['up:1']),
      nd('b', 'Identity', ['one']),
    ];
    const r = cutDequeues(new GraphIndex(nodes), ['a', 'b']);
    expect(r.cuts.map((c) => c.placeholders)).toEqual([
      [{ component: 1, name: 'up/component_1', dtype: 'int64', shape: [-1, 2] }],
      [{ component: 0, name: 'one', dtype: 'float32', shape: [-1, 3] }],
    ]);
  });

  it('unknown rank when nothing records a shape', () => {
    const nodes: NodeDef[] = [
      nd('q', 'FIFOQueueV2', [], { component_types: types(DT.FLOAT) }),
      nd('d', 'QueueDequeueV2', ['q'], { component_types: types(DT.FLOAT) }),
      nd('y', 'Identity', ['d']),
    ];
    expect(cutDequeues(new GraphIndex(nodes), ['y']).cuts[0]?.placeholders).toEqual([{ component: 0, name: 'd', dtype: 'float32', shape: null }]);
  });

  it('tf.data: dtype from output_types, shape from output_shapes, batch dimension kept as recorded', () => {
    const nodes: NodeDef[] = [
      nd('it', 'IteratorV2', [], { output_types: types(DT.FLOAT, DT.INT32), output_shapes: shapes([16, 28, 28], [16]) }),
      nd('next', 'IteratorGetNext', ['it'], { output_types: types(DT.FLOAT, DT.INT32), output_shapes: shapes([16, 28, 28], [16]) }),
      nd('y', 'Identity', ['next']),
      nd('z', 'Identity', ['next:1']),
    ];
    const r = cutDequeues(new GraphIndex(nodes), ['y', 'z']);
    expect(r.cuts).toEqual([
      {
        dequeue: 'next', op: 'IteratorGetNext', queue: 'it', removed: 0,
        placeholders: [
          { component: 0, name: 'next', dtype: 'float32', shape: [16, 28, 28] },
          { component: 1, name: 'next/component_1', dtype: 'int32', shape: [16] },
        ],
      },
    ]);
    expect(r.strippedOutputShapes).toEqual([]);
  });

  it('sparse components: cuts at TakeManySparseFromTensorsMap with three placeholders (§6.5 step 10)', () => {
    const nodes: NodeDef[] = [
      nd('q', 'FIFOQueueV2', [], { component_types: types(DT.FLOAT, DT.INT64), shapes: shapes([3], [3]) }),
      nd('map', 'AddManySparseToTensorsMap', ['si', 'sv', 'ss']),
      nd('n', 'Const', [], { value: int32(4) }),
      nd('d', 'QueueDequeueManyV2', ['q', 'n'], { component_types: types(DT.FLOAT, DT.INT64) }),
      nd('take', 'TakeManySparseFromTensorsMap', ['d:1'], {
        dtype: { type: DT.STRING },
        _class: { list: { s: [new TextEncoder().encode('loc:@map')] } },
        _output_shapes: shapes([-1, 2], [-1], [2]),
      }),
      nd('lookup', 'SparseToDense', ['take', 'take:2', 'take:1']),
      nd('out', 'Identity', ['d']),
    ];
    const r = cutDequeues(new GraphIndex(nodes), ['out', 'lookup']);
    expect(r.cuts[0]?.placeholders).toEqual([
      { component: 0, name: 'd', dtype: 'float32', shape: [-1, 3] },
      { component: 1, name: 'take/indices', dtype: 'int64', shape: [-1, 2] },
      { component: 1, name: 'take/values', dtype: 'string', shape: [-1] },
      { component: 1, name: 'take/dense_shape', dtype: 'int64', shape: [2] },
    ]);
    expect(r.nodes.find((n) => n.name === 'lookup')?.input).toEqual(['take/indices', 'take/dense_shape', 'take/values']);
    expect(r.nodes.find((n) => n.name === 'take')).toBeUndefined();
    const { index, kept } = pruned(r, ['out', 'lookup']);
    expect([...kept].filter((n) => isPipelineOp(index.op(n) ?? ''))).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/colocation/);
  });
});

// ---------------------------------------------------------------------------------------------
// Real TensorFlow: string_input_producer + TFRecordReader + shuffle_batch, exported with
// export_meta_graph; our cut + pruning must give the dtypes/shapes TF reports for the dequeue
// outputs (batch relaxed), and TF must import the pruned graph.

const tf = findPython(['tensorflow']);
if (!tf.python) console.warn(`SKIP queues TensorFlow check: ${tf.reason}`);

const BUILD = String.raw`
import json, os, sys
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
out = sys.argv[1]
g = tf.Graph()
with g.as_default():
    files = tf.train.string_input_producer(['train.tfrecord'], shuffle=False)
    _, value = tf.TFRecordReader().read(files)
    img = tf.reshape(tf.cast(tf.decode_raw(value, tf.uint8), tf.float32), [784])
    lbl = tf.cast(tf.strings.length(value), tf.int32)
    ident = tf.strings.length(value, name='example_id')
    images, labels, ids = tf.train.shuffle_batch([img, lbl, ident], batch_size=32, capacity=100, min_after_dequeue=10)
    W = tf.Variable(tf.zeros([784, 10]), name='W')
    logits = tf.matmul(images, W, name='MatMul')
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name='loss')
    x = tf.placeholder(tf.float32, [None, 784], name='x')
    y_pred = tf.nn.softmax(tf.matmul(x, W), name='y_pred')
    tf.train.Saver()
    tf.train.export_meta_graph(filename=os.path.join(out, 'model.meta'), graph=g)
    with open(os.path.join(out, 'plain.pb'), 'wb') as f:
        f.write(g.as_graph_def(add_shapes=False).SerializeToString())
    deq = images.op
    print(json.dumps({'dequeue': deq.name, 'op': deq.type,
                      'outputs': [[t.dtype.name, t.shape.as_list()] for t in deq.outputs],
                      'runners': [qr.name for qr in tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)]}))
`;

const IMPORT = String.raw`
import json, os, sys
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
gd = tf.GraphDef()
with open(sys.argv[1], 'rb') as f:
    gd.ParseFromString(f.read())
with tf.Graph().as_default() as g:
    tf.import_graph_def(gd, name='')
    ph = [[op.name, op.get_attr('dtype').name, op.outputs[0].shape.as_list()] for op in g.get_operations() if op.type == 'Placeholder']
    print(json.dumps({'placeholders': ph, 'MatMul': g.get_tensor_by_name('MatMul:0').shape.as_list(),
                      'ops': sorted({op.type for op in g.get_operations()})}))
`;

function py(script: string, args: string[]): unknown {
  const r = spawnSync(tf.python as string, ['-c', script, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.split('\n').slice(-15).join('\n')}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as unknown;
}

describe.skipIf(!tf.python)(`TensorFlow shuffle_batch pipeline (${tf.version || 'unavailable'})`, () => {
  let dir: string;
  let built: { dequeue: string; op: string; outputs: [string, number[]][]; runners: string[] };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frost-queues-'));
    built = py(BUILD, [dir]) as typeof built;
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const file of ['model.meta', 'plain.pb']) {
    it(`cut + prune matches TF's dequeue outputs (${file})`, async () => {
      expect(built.dequeue).toBe('shuffle_batch');
      expect(built.op).toBe('QueueDequeueManyV2');
      const g = await loadGraph(join(dir, file));
      const index = new GraphIndex(g.graphDef.node);
      const ps = findInputPipelines(index, g.metaGraph);
      expect(ps.map((p) => p.name).sort()).toEqual(['input_producer', 'shuffle_batch/random_shuffle_queue']);
      if (file === 'model.meta') {
        expect(ps.map((p) => p.runner?.queue).sort()).toEqual(['input_producer', 'shuffle_batch/random_shuffle_queue']);
        expect(built.runners.sort()).toEqual(['input_producer', 'shuffle_batch/random_shuffle_queue']);
      }
      const batchQ = ps.find((p) => p.name === 'shuffle_batch/random_shuffle_queue');
      expect(batchQ?.upstream).toEqual(['input_producer']);
      expect(batchQ?.readers).toEqual(expect.arrayContaining(['TFRecordReaderV2', 'ReaderReadV2']));

      const outputs = ['MatMul', 'loss'];
      const r = cutDequeues(index, outputs);
      const cut = r.cuts[0];
      expect(cut?.dequeue).toBe('shuffle_batch');
      expect(cut?.placeholders.map((p) => p.component)).toEqual([0, 1]); // example_id is dead
      for (const p of cut?.placeholders ?? []) {
        const [dtype, tfShape] = built.outputs[p.component] as [string, number[]];
        expect(p.dtype).toBe(dtype);
        expect(tfShape[0]).toBe(32);
        expect(p.shape).toEqual([-1, ...tfShape.slice(1)]);
      }
      const { index: after, kept } = pruned(r, outputs);
      expect([...kept].filter((n) => isPipelineOp(after.op(n) ?? ''))).toEqual([]);
      const keptNodes = r.nodes.filter((n) => kept.has(n.name ?? ''));
      const pb = join(dir, `cut-${file}.pb`);
      await writeFile(pb, encodeGraphDef({ node: keptNodes, versions: g.graphDef.versions }));
      expect((await readFile(pb)).length).toBeGreaterThan(0);
      const imported = py(IMPORT, [pb]) as { placeholders: [string, string, number[]][]; MatMul: (number | null)[]; ops: string[] };
      expect(imported.placeholders).toEqual([
        ['shuffle_batch', 'float32', [null, 784]],
        ['shuffle_batch/component_1', 'int32', [null]],
      ]);
      expect(imported.MatMul).toEqual([null, 10]); // stale _output_shapes were removed
      expect(imported.ops.filter((op) => isPipelineOp(op))).toEqual([]);
    });
  }

  it('suggests y_pred first and the loss below it (§11.4)', async () => {
    const s = suggestOutputs(await loadGraph(join(dir, 'model.meta')));
    const names = s.outputs.map((o) => o.name);
    expect(names[0]).toBe('y_pred');
    expect(names.indexOf('loss')).toBeGreaterThan(0);
    expect(s.outputs.find((o) => o.name === 'loss')?.reasons.join(' ')).toMatch(/labels \(shuffle_batch:1\)/);
    for (const o of s.outputs) expect(isPipelineOp(o.op) || /^(save|shuffle_batch|input_producer)\//.test(o.name), o.name).toBe(false);
    expect(s.inputs.map((i) => [i.name, i.kind, i.dtype, i.shape])).toEqual([['x', 'placeholder', 'float32', [-1, 784]]]);
  });
});
