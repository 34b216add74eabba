import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { Long, tensorflow } from '../proto/tf.js';
import { printableBytes, summarizeCollection } from './collections.js';
import { loadGraph, type LoadedGraph } from './load-graph.js';
import { summarizeGraph } from './summary.js';

const enc = new TextEncoder();

describe('summarizeGraph on fixtures', () => {
  it('iris-estimator: ops, resource variables, queue runner, saver, cond contexts', async () => {
    const s = summarizeGraph(await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta')));
    expect(s.nodeCount).toBe(744);
    expect(Object.values(s.ops).reduce((a, b) => a + b, 0)).toBe(744);
    expect(s.ops).toMatchObject({ VarHandleOp: 16, VariableV2: 1, RandomShuffleQueueV2: 1, QueueEnqueueManyV2: 1, QueueDequeueManyV2: 1, QueueCloseV2: 2 });
    expect(Object.keys(s.ops)).toEqual([...Object.keys(s.ops)].sort());
    expect(s.tensorflowVersion).toBe('1.13.1');
    expect(s.producer).toBe(27);
    expect(s.functionCount).toBe(0);
    expect(s.signatures).toEqual([]);
    expect(s.queueRunners).toEqual([
      {
        queue: 'enqueue_input/random_shuffle_queue',
        enqueueOps: ['enqueue_input/random_shuffle_queue_EnqueueMany'],
        closeOp: 'enqueue_input/random_shuffle_queue_Close',
        cancelOp: 'enqueue_input/random_shuffle_queue_Close_1',
      },
    ]);
    const byName = new Map(s.collections.map((c) => [c.name, c]));
    expect(s.collections.map((c) => c.name)).toEqual([...byName.keys()].sort());
    const vars = byName.get('variables');
    expect(vars?.kind).toBe('bytes_list');
    expect(vars?.size).toBe(17);
    expect(vars?.items).toContain('global_step:0');
    expect(vars?.items).toContain('dnn/hiddenlayer_0/kernel/part_0:0 (resource; part of dnn/hiddenlayer_0/kernel: offset [0,0], shape [4,10] of [4,10])');
    expect(byName.get('savers')?.items).toEqual(['save/Const:0 → restore save/restore_all (V2, sharded, max_to_keep 5)']);
    expect(byName.get('train_op')).toEqual({ name: 'train_op', kind: 'node_list', size: 1, items: ['dnn/head/Adagrad'] });
    expect(byName.get('cond_context')?.items[0]).toBe('cond global_step/cond/cond_text (pred global_step/cond/pred_id:0, pivot global_step/cond/switch_t:0, branch 1)');
    expect(byName.get('queue_runners')?.items).toHaveLength(1);
  });

  it('cifar10: a FIFO queue runner and moving-average variables', async () => {
    const s = summarizeGraph(await loadGraph(fixture('cifar10-queues-meta-only', 'model.ckpt-0.meta')));
    expect(s.nodeCount).toBe(868);
    expect(s.queueRunners.map((q) => q.queue)).toContain('prefetch_queue/fifo_queue');
    expect(s.ops['FIFOQueueV2']).toBe(1);
    expect(s.collections.find((c) => c.name === 'trainable_variables')?.size).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('half-plus-two SavedModel (TF1): tags and its five signatures with dtypes and shapes', async () => {
    const s = summarizeGraph(await loadGraph(fixture('half-plus-two-savedmodel-tf1')));
    expect(s.nodeCount).toBe(74);
    expect(s.tags).toEqual(['serve']);
    expect(s.tensorflowVersion).toBe('1.14.0');
    expect(s.signatures.map((x) => x.key)).toEqual(['classify_x_to_y', 'regress_x2_to_y3', 'regress_x_to_y', 'regress_x_to_y2', 'serving_default']);
    const serving = s.signatures.find((x) => x.key === 'serving_default');
    expect(serving?.method).toBe('tensorflow/serving/predict');
    expect(serving?.inputs).toEqual([{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 1] }]);
    expect(serving?.outputs).toEqual([{ key: 'y', name: 'y:0', dtype: 'float32', shape: [-1, 1] }]);
    const classify = s.signatures.find((x) => x.key === 'classify_x_to_y');
    expect(classify?.method).toBe('tensorflow/serving/classify');
    expect(classify?.inputs[0]?.dtype).toBe('string');
  });

  it('TF2 SavedModel: functions counted, signatures read from the reversed MetaGraphDef', async () => {
    const s = summarizeGraph(await loadGraph(fixture('half-plus-two-savedmodel-tf2')));
    expect(s.functionCount).toBeGreaterThan(0);
    expect(s.tensorflowVersion).toBe('2.14.0');
    expect(s.signatures.map((x) => x.key)).toContain('serving_default');
  });

  it('frozen graphs: no MetaGraph parts, producer when versions is present', async () => {
    const har = summarizeGraph(await loadGraph(fixture('har-lstm-frozen', 'frozen_graph.pb')));
    expect(har).toMatchObject({ nodeCount: 183, producer: 716, collections: [], queueRunners: [], signatures: [] });
    expect(har.tensorflowVersion).toBeUndefined();
    expect(har.tags).toBeUndefined();
    const small = summarizeGraph(await loadGraph(fixture('small-frozen-47k', 'frozen_model.pb')));
    expect(small.producer).toBeUndefined(); // the TF 1.8 freezer wrote no versions (§10.1)
    expect(small.nodeCount).toBe(60);
  });
});

describe('collection decoding (§9)', () => {
  it('shows every collection kind readably', () => {
    expect(summarizeCollection('ints', { int64List: { value: [Long.fromString('9007199254740993'), Long.fromNumber(-1)] } })).toEqual({
      name: 'ints',
      kind: 'int64_list',
      size: 2,
      items: ['9007199254740993', '-1'],
    });
    expect(summarizeCollection('floats', { floatList: { value: [0.5, 2] } }).items).toEqual(['0.5', '2']);
    expect(summarizeCollection('anys', { anyList: { value: [{ typeUrl: 'type.googleapis.com/x.Y', value: new Uint8Array(3) }] } }).items).toEqual([
      'type.googleapis.com/x.Y (3 bytes)',
    ]);
    expect(summarizeCollection('nothing', {})).toEqual({ name: 'nothing', kind: 'empty', size: 0, items: [] });
  });

  it('decodes registered protos, falls back to bytes when they do not decode, and shows user strings as text', () => {
    const v = tensorflow.VariableDef.encode({ variableName: 'w:0', snapshotName: 'w/read:0' }).finish();
    const w = tensorflow.WhileContextDef.encode({ contextName: 'while/ctx', pivotName: 'while/pivot:0', parallelIterations: 10 }).finish();
    expect(summarizeCollection('trainable_variables', { bytesList: { value: [v, Uint8Array.from([0x0a, 0x09])] } }).items).toEqual([
      'w:0',
      '<2 bytes, not a valid VariableDef>',
    ]);
    expect(summarizeCollection('while_context', { bytesList: { value: [w] } }).items).toEqual(['while while/ctx (pivot while/pivot:0, parallel_iterations 10)']);
    expect(summarizeCollection('my_strings', { bytesList: { value: [enc.encode('hello wörld'), Uint8Array.from([0xff, 0x00, 0x01])] } }).items).toEqual([
      'hello wörld',
      '<3 bytes: ff 00 01>',
    ]);
    expect(printableBytes(new Uint8Array(20))).toBe('<20 bytes: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ...>');
  });

  it('signature tensors: sparse, unknown rank, missing shape', () => {
    const meta = new tensorflow.MetaGraphDef({
      signatureDef: {
        b: { methodName: 'm', inputs: { s: { cooSparse: { valuesTensorName: 'v:0' }, dtype: 9 } } },
        a: { methodName: 'm', outputs: { z: { name: 'z:0', tensorShape: { unknownRank: true } }, y: { name: 'y:0', dtype: 101 as tensorflow.DataType, tensorShape: {} } } },
      },
    });
    const loaded: LoadedGraph = { kind: 'meta-graph', file: 'x', graphDef: new tensorflow.GraphDef(), metaGraph: meta };
    expect(summarizeGraph(loaded).signatures).toEqual([
      { key: 'a', method: 'm', inputs: [], outputs: [{ key: 'y', name: 'y:0', dtype: 'float32_ref', shape: [] }, { key: 'z', name: 'z:0', shape: null }] },
      { key: 'b', method: 'm', inputs: [{ key: 's', name: 'v:0', dtype: 'int64' }], outputs: [] },
    ]);
  });
});
