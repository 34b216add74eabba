// Output and input suggestions (docs/freezing.md §7.3) on every fixture graph, plus hand-built
// graphs for the authoritative sources, the label rule and the phase-switch inputs.
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { loadGraph, type LoadedGraph } from '../graph/load-graph.js';
import { tensorflow, toLong } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import type { NodeDef } from './graph-index.js';
import { suggestOutputs, type OutputSuggestions } from './outputs.js';
import { isPipelineOp } from './queues.js';

type Attr = tensorflow.AttrValue.$Properties;
const nd = (name: string, op: string, input: string[] = [], attr: Record<string, Attr> = {}): NodeDef => ({ name, op, input, attr });
const shape = (dims: number[]): Attr => ({ shape: { dim: dims.map((d) => ({ size: toLong(d) })) } });
const f32 = { type: DT.FLOAT };

function graph(nodes: NodeDef[], meta?: tensorflow.MetaGraphDef.$Properties): LoadedGraph {
  const g: LoadedGraph = { kind: meta ? 'meta-graph' : 'graph-def', file: 'test', graphDef: new tensorflow.GraphDef({ node: nodes }) };
  if (meta) g.metaGraph = new tensorflow.MetaGraphDef({ ...meta, graphDef: g.graphDef });
  return g;
}

async function suggest(dir: string, file: string): Promise<OutputSuggestions> {
  return suggestOutputs(await loadGraph(fixture(dir, file)));
}

const top = (s: OutputSuggestions, n: number): string[] => s.outputs.slice(0, n).map((o) => o.name);

/** Expected first suggestion per fixture (README "output node(s)" column), and the rest of the top 3 where it is ambiguous. */
const EXPECTED: { dir: string; file: string; first: string; top3?: string[]; why: string }[] = [
  {
    dir: 'iris-estimator-queues-2shards', file: 'model.ckpt-2500.meta', first: 'dnn/head/predictions/probabilities',
    top3: ['dnn/head/predictions/probabilities', 'dnn/head/predictions/class_ids', 'dnn/logits/BiasAdd'],
    why: 'the README lists class_ids and the logits as alternatives',
  },
  { dir: 'iris-estimator-queues-2shards', file: 'graph.pbtxt', first: 'dnn/head/predictions/probabilities', why: 'same graph without collections' },
  { dir: 'mnist-softmax-v1-freeze-oracle', file: 'model.ckpt.meta', first: 'output', top3: ['output', 'ArgMax'], why: 'ArgMax(output) feeds the accuracy only' },
  { dir: 'mnist-softmax-v1-freeze-oracle', file: 'graph.pb', first: 'output', why: 'the GraphDef the oracle froze' },
  { dir: 'mnist-softmax-v1-freeze-oracle', file: 'frozen_model.pb', first: 'output', why: 'already frozen' },
  { dir: 'simple-model-freeze-oracle', file: 'simple_model.meta', first: 'Model/add', why: 'no inputs at all: ranked by the weights used' },
  { dir: 'simple-model-freeze-oracle', file: 'frozen_model.pb', first: 'Model/add', why: 'already frozen' },
  {
    dir: 'iris-dnn-contrib-learn-v2', file: 'model.ckpt-8000.meta', first: 'predictions/probabilities',
    top3: ['predictions/probabilities', 'predictions/classes', 'dnn/logits/BiasAdd'],
    why: 'data baked in as Consts, prediction read only by metrics',
  },
  {
    dir: 'linear-ftrl-2shards', file: 'model.ckpt-1000.meta', first: 'linear/head/predictions/probabilities',
    top3: ['linear/head/predictions/probabilities', 'linear/head/predictions/class_ids', 'linear/linear_model_1/linear_model/weighted_sum'],
    why: 'class ids and the weighted sum (logits) are alternatives',
  },
  { dir: 'estimator-basics-v2', file: 'model.ckpt-2000.meta', first: 'dense_1/BiasAdd', why: 'regression head read by the loss (sub with the label)' },
  { dir: 'cifar10-queues-meta-only', file: 'model.ckpt-0.meta', first: 'tower_0/softmax_linear/softmax_linear', why: 'README: n/a (no data); the logits the cross entropy reads' },
  { dir: 'half-plus-two-savedmodel-tf1', file: 'saved_model.pb', first: 'y', top3: ['y', 'y2', 'y3'], why: 'signature outputs; y is in three signatures' },
  { dir: 'half-plus-two-savedmodel-tf2', file: 'saved_model.pb', first: 'StatefulPartitionedCall_5', why: 'serving_default output y' },
  { dir: 'har-lstm-frozen', file: 'frozen_graph.pb', first: 'Identity', why: 'Identity of sequential/output/Softmax' },
  { dir: 'small-frozen-47k', file: 'frozen_model.pb', first: 'final', why: 'named final' },
];

describe('suggestOutputs on the fixture graphs', () => {
  for (const c of EXPECTED) {
    it(`${c.dir}/${c.file}: ${c.first} first (${c.why})`, async () => {
      const s = await suggest(c.dir, c.file);
      expect(s.outputs[0]?.name).toBe(c.first);
      if (c.top3) expect(top(s, c.top3.length)).toEqual(c.top3);
      // Ranked by score, every entry explained, nothing from the training/IO families.
      const scores = s.outputs.map((o) => o.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const o of s.outputs) {
        expect(o.reasons.length, o.name).toBeGreaterThan(0);
        expect(isPipelineOp(o.op), o.name).toBe(false);
        expect(o.op, o.name).not.toMatch(/^(Const|Placeholder|NoOp|Assign|ResourceApply|Apply|Save|Restore|VarIsInitializedOp)|Summary/);
        expect(o.name, o.name).not.toMatch(/(^|\/)(save|gradients)\//);
      }
    });
  }

  it('is deterministic', async () => {
    const g = await loadGraph(fixture('iris-estimator-queues-2shards', 'model.ckpt-2500.meta'));
    expect(suggestOutputs(g)).toEqual(suggestOutputs(g));
  });

  it('iris-estimator: dtype/shape of the head, the label branch penalized, the dequeue component as input', async () => {
    const s = await suggest('iris-estimator-queues-2shards', 'model.ckpt-2500.meta');
    const first = s.outputs[0];
    expect([first?.op, first?.dtype, first?.shape]).toEqual(['Softmax', 'float32', [128, 3]]);
    expect(first?.reasons.join(' | ')).toMatch(/Softmax/);
    expect(s.outputs.find((o) => o.name === 'dnn/head/predictions/class_ids')?.dtype).toBe('int64');
    expect(s.outputs.find((o) => o.name === 'dnn/head/predictions/str_classes')?.dtype).toBe('string');
    const lossy = s.outputs.filter((o) => o.reasons.some((r) => r.includes('labels (random_shuffle_queue_DequeueMany:2)')));
    expect(lossy.length).toBeGreaterThan(0);
    for (const o of lossy) expect(o.score, o.name).toBeLessThan(first?.score ?? 0);
    expect(s.inputs).toEqual([
      {
        name: 'random_shuffle_queue_DequeueMany:1', op: 'QueueDequeueManyV2', kind: 'dequeue', dtype: 'float32', shape: [-1, 4],
        reasons: [
          'dnn/head/predictions/probabilities is computed from it',
          'component 1 of QueueDequeueManyV2 random_shuffle_queue_DequeueMany: freezing replaces it with a placeholder (batch dimension relaxed to -1)',
        ],
      },
    ]);
  });

  it('mnist: the loss and the accuracy (label branches) rank below the model output', async () => {
    const s = await suggest('mnist-softmax-v1-freeze-oracle', 'model.ckpt.meta');
    const out = s.outputs.find((o) => o.name === 'output');
    const mean = s.outputs.find((o) => o.name === 'Mean');
    const loss = s.outputs.find((o) => o.name === 'sparse_softmax_cross_entropy_loss/value');
    expect(out?.reasons.join(' ')).toMatch(/loss or metrics are computed from it/);
    expect(mean?.reasons.join(' ')).toMatch(/labels \(Placeholder\)/);
    expect(loss?.score).toBeLessThan(0);
    expect(mean?.score).toBeLessThan(out?.score ?? 0);
    expect(s.inputs.map((i) => [i.name, i.kind, i.dtype, i.shape])).toEqual([['input', 'placeholder', 'float32', [-1, 784]]]);
  });

  it('estimator-basics and cifar10: tf.data and queue components as inputs', async () => {
    const e = await suggest('estimator-basics-v2', 'model.ckpt-2000.meta');
    expect(e.inputs.map((i) => [i.name, i.kind, i.dtype, i.shape])).toEqual([['IteratorGetNext:0', 'iterator', 'float32', [-1, 2]]]);
    const c = await suggest('cifar10-queues-meta-only', 'model.ckpt-0.meta');
    expect(c.inputs.map((i) => [i.name, i.kind, i.dtype, i.shape])).toEqual([['tower_0/fifo_queue_Dequeue:0', 'dequeue', 'float32', [32, 24, 24, 3]]]);
    expect(c.outputs.find((o) => o.name === 'tower_0/total_loss')?.reasons.join(' ')).toMatch(/labels \(tower_0\/fifo_queue_Dequeue:1\)/);
    // The tf.data iterator only feeds the prefetch queue: not an input.
    expect(c.inputs.some((i) => i.name.startsWith('data_augmentation/'))).toBe(false);
  });

  it('SavedModel signatures are authoritative, with their inputs', async () => {
    const s = await suggest('half-plus-two-savedmodel-tf1', 'saved_model.pb');
    expect(s.outputs[0]?.reasons.slice(0, 3)).toEqual([
      'output "y" of signature "serving_default"',
      'output "scores" of signature "classify_x_to_y"',
      'output "outputs" of signature "regress_x_to_y"',
    ]);
    expect(s.outputs.slice(0, 3).every((o) => o.score >= 100)).toBe(true);
    expect(s.outputs.slice(3).every((o) => o.score < 100)).toBe(true);
    expect(s.inputs.map((i) => i.name)).toEqual(['x', 'tf_example', 'x2']);
    expect(s.inputs[1]).toMatchObject({ kind: 'placeholder', dtype: 'string', op: 'Placeholder' });
  });

  it('SessionBundle serving_signatures name Identity (default regression) and y (the "outputs" signature)', async () => {
    // Identity is a copy of y: both are named by the bundle's signatures, so y is in the top 2.
    const s = await suggest('half-plus-two-v1-session-bundle', 'export.meta');
    expect(top(s, 2)).toEqual(['Identity', 'y']);
    expect(s.outputs[1]?.reasons[0]).toMatch(/"y" of the "outputs" signature/);
    expect(s.inputs.map((i) => i.name)).toEqual(['tf_example', 'x']);
    // Producer 19: the placeholder's empty shape means "not given", not a scalar.
    expect(s.inputs[0]).toMatchObject({ kind: 'placeholder', dtype: 'string', shape: null });
    expect(s.inputs[1]?.reasons.join(' ')).toMatch(/not a Placeholder in this graph \(Identity\)/);
  });

  it('frozen graphs: inputs are only the placeholders the output needs', async () => {
    const h = await suggest('har-lstm-frozen', 'frozen_graph.pb');
    expect(h.outputs[0]?.reasons.join(' ')).toMatch(/reads sequential\/output\/Softmax/);
    expect(h.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([['x', 'float32', [-1, 100, 9]]]);
    const f = await suggest('small-frozen-47k', 'frozen_model.pb');
    expect(f.inputs.map((i) => i.name)).toEqual(['Placeholder']);
  });
});

describe('suggestOutputs rules on hand-built graphs', () => {
  const model = (extra: NodeDef[] = []): NodeDef[] => [
    nd('x', 'Placeholder', [], { dtype: f32, shape: shape([-1, 4]) }),
    nd('labels', 'Placeholder', [], { dtype: { type: DT.INT32 }, shape: shape([-1]) }),
    nd('is_training', 'PlaceholderWithDefault', ['is_training/input'], { dtype: { type: DT.BOOL }, shape: shape([]) }),
    nd('is_training/input', 'Const', [], { dtype: { type: DT.BOOL } }),
    nd('W', 'VariableV2', [], { dtype: f32 }),
    nd('W/read', 'Identity', ['W'], { T: f32 }),
    nd('h', 'MatMul', ['x', 'W/read'], { T: f32 }),
    nd('drop', 'Mul', ['h', 'is_training'], { T: f32 }),
    nd('V', 'VariableV2', [], { dtype: f32 }),
    nd('V/read', 'Identity', ['V'], { T: f32 }),
    nd('scores', 'MatMul', ['drop', 'V/read'], { T: f32 }),
    nd('xent', 'SparseSoftmaxCrossEntropyWithLogits', ['scores', 'labels']),
    nd('total', 'Mean', ['xent', 'axis']),
    nd('axis', 'Const'),
    nd('total/summary', 'ScalarSummary', ['tag', 'total']),
    nd('tag', 'Const'),
    nd('gradients/total_grad/Tile', 'Tile', ['total', 'axis']),
    nd('train/update_W', 'ApplyGradientDescent', ['W', 'axis', 'gradients/total_grad/Tile']),
    nd('save/Const', 'Const'),
    nd('save/SaveV2', 'SaveV2', ['save/Const', 'W', 'V']),
    nd('save/control_dependency', 'Identity', ['save/Const', '^save/SaveV2']),
    ...extra,
  ];

  it('the frontier: scores is read by the loss, so it is the head; the loss ranks below', () => {
    const s = suggestOutputs(graph(model()));
    expect(s.outputs[0]?.name).toBe('scores');
    expect(s.outputs[0]?.reasons.join(' ')).toMatch(/loss or metrics are computed from it \(xent\)/);
    const names = s.outputs.map((o) => o.name);
    expect(names).not.toContain('save/control_dependency');
    expect(names).not.toContain('train/update_W');
    expect(names).not.toContain('gradients/total_grad/Tile');
    expect(s.outputs.find((o) => o.name === 'total')?.reasons.join(' ')).toMatch(/depends on the labels \(labels\)/);
    // Inputs of the top output: x (required) and the bool switch (optional, fold to False).
    expect(s.inputs.map((i) => [i.name, i.kind])).toEqual([['x', 'placeholder'], ['is_training', 'placeholder-with-default']]);
    expect(s.inputs[1]?.reasons.join(' ')).toMatch(/folded to False/);
  });

  it('a Softmax sink wins over the frontier logits', () => {
    const s = suggestOutputs(graph(model([nd('probs', 'Softmax', ['scores'], { T: f32 })])));
    expect(top(s, 2)).toEqual(['probs', 'scores']);
  });

  it('a "predictions" collection is authoritative', () => {
    const meta: tensorflow.MetaGraphDef.$Properties = { collectionDef: { predictions: { nodeList: { value: ['h:0'] } } } };
    const s = suggestOutputs(graph(model(), meta));
    expect(s.outputs[0]?.name).toBe('h');
    expect(s.outputs[0]?.score).toBeGreaterThanOrEqual(50);
    expect(s.outputs[0]?.reasons[0]).toBe('listed in the "predictions" collection');
  });

  it('signature outputs on a non-zero port keep the port', () => {
    const meta: tensorflow.MetaGraphDef.$Properties = {
      signatureDef: { serving_default: { methodName: 'tensorflow/serving/predict', inputs: { x: { name: 'x:0', dtype: DT.FLOAT } }, outputs: { idx: { name: 'topk:1', dtype: DT.INT32 } } } },
    };
    const s = suggestOutputs(graph(model([nd('topk/k', 'Const'), nd('topk', 'TopKV2', ['scores', 'topk/k'], { T: f32 })]), meta));
    expect(s.outputs[0]).toMatchObject({ name: 'topk', port: 1, dtype: 'int32' });
    expect(s.inputs.map((i) => i.name)).toEqual(['x', 'is_training']);
  });

  it('an empty graph and a graph of constants give no outputs', () => {
    expect(suggestOutputs(graph([]))).toEqual({ outputs: [], inputs: [] });
    const s = suggestOutputs(graph([nd('a', 'Const'), nd('b', 'Identity', ['a'])]));
    expect(s.inputs).toEqual([]);
  });

  it('scales to deep graphs without recursion limits', () => {
    const nodes: NodeDef[] = [nd('x', 'Placeholder', [], { dtype: f32 }), nd('w', 'Const', [], { dtype: f32, value: { tensor: { dtype: DT.FLOAT, tensorShape: { dim: [{ size: toLong(4) }] } } } })];
    let prev = 'x';
    for (let i = 0; i < 30_000; i++) {
      const name = `layer_${i}`;
      nodes.push(nd(name, i % 2 === 0 ? 'Mul' : 'Relu', i % 2 === 0 ? [prev, 'w'] : [prev], { T: f32 }));
      prev = name;
    }
    nodes.push(nd('output', 'Identity', [prev], { T: f32 }));
    const t0 = performance.now();
    const s = suggestOutputs(graph(nodes));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(s.outputs[0]?.name).toBe('output');
    expect(s.inputs.map((i) => i.name)).toEqual(['x']);
  });
});

describe('suggestOutputs and the MetaGraph’s saver', () => {
  it('never offers the TF2 saver’s traced save/restore calls (saver_def names them) as outputs', async () => {
    const loaded = await loadGraph(fixture('half-plus-two-savedmodel-tf2', 'saved_model.pb'));
    const saver = loaded.metaGraph?.saverDef;
    const saverNodes = [saver?.saveTensorName, saver?.restoreOpName].map((t) => (t ?? '').replace(/:\d+$/, ''));
    expect(saverNodes.every((n) => n.startsWith('StatefulPartitionedCall'))).toBe(true);
    const names = suggestOutputs(loaded).outputs.map((o) => o.name);
    for (const n of saverNodes) expect(names).not.toContain(n);
    expect(names).toHaveLength(6); // the six signature outputs, nothing else
  });
});
