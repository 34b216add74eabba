// The freezer on real TensorFlow-written checkpoints: structure against TensorFlow's own
// frozen graphs (the fixture oracle pairs), queue cuts, resource variables, errors.
// Numeric equivalence with real TensorFlow is checked by `npm run conformance`.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FreezeManifest } from '../shared/model/freeze-manifest.js';
import { tensorflow } from '../electron/core/proto/tf.js';
import { tensorFromProto } from '../electron/core/tensor/tensor-proto.js';
import { formatElement } from '../electron/core/tensor/tensor-data.js';
import { fixture } from './fixtures.js';
import { frost, frostJSON } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-freeze-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function readGraph(file: string): tensorflow.GraphDef {
  return tensorflow.GraphDef.decode(readFileSync(file));
}
function constValues(g: tensorflow.GraphDef, name: string): string[] {
  const n = g.node.find((x) => x.name === name);
  const t = n?.attr?.['value']?.tensor;
  if (!t) throw new Error(`no Const ${name}`);
  const data = tensorFromProto(t, name);
  return Array.from({ length: data.shape.reduce((a, b) => a * b, 1) }, (_, i) => formatElement(data, i));
}
const ops = (g: tensorflow.GraphDef): Set<string> => new Set(g.node.map((n) => n.op ?? ''));

describe('frost freeze matches TensorFlow’s own frozen graphs', () => {
  it('simple-model: same nodes, ops, inputs and values as the TF 1.1 oracle', async () => {
    const out = join(tmp, 'simple.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('simple-model-freeze-oracle'), '--outputs', 'Model/add', '--out', out);
    const ours = readGraph(out);
    const oracle = readGraph(fixture('simple-model-freeze-oracle', 'frozen_model.pb'));
    expect(ours.node.map((n) => [n.name, n.op, [...(n.input ?? [])]])).toEqual(oracle.node.map((n) => [n.name, n.op, [...(n.input ?? [])]]));
    for (const v of ['Model/v1', 'Model/v2']) expect(constValues(ours, v)).toEqual(constValues(oracle, v));
    expect(m.variablesFrozen).toBe(2);
    expect(m.nodes).toEqual({ before: 24, after: 5 });
    expect(existsSync(join(tmp, 'simple.manifest.json'))).toBe(true);
  });

  it('--input_meta_graph names the graph of a PATH that has none (a folder of only .index/.data)', async () => {
    const bare = join(tmp, 'bare');
    mkdirSync(bare);
    for (const f of ['simple_model.index', 'simple_model.data-00000-of-00001']) copyFileSync(fixture('simple-model-freeze-oracle', f), join(bare, f));
    const meta = fixture('simple-model-freeze-oracle', 'simple_model.meta');
    for (const path of [bare, join(bare, 'simple_model')]) {
      const out = join(tmp, 'bare.pb');
      const m = await frostJSON<FreezeManifest>('freeze', path, '--input_meta_graph', meta, '--outputs', 'Model/add', '--out', out);
      expect(m.variablesFrozen).toBe(2);
      for (const v of ['Model/v1', 'Model/v2']) expect(constValues(readGraph(out), v)).toEqual(constValues(readGraph(fixture('simple-model-freeze-oracle', 'frozen_model.pb')), v));
    }
  });

  it('mnist (V1 checkpoint): same 8 nodes and bit-identical weights as the TF 1.8 oracle', async () => {
    const out = join(tmp, 'mnist.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('mnist-softmax-v1-freeze-oracle'), '--outputs', 'output', '--out', out);
    const ours = readGraph(out);
    const oracle = readGraph(fixture('mnist-softmax-v1-freeze-oracle', 'frozen_model.pb'));
    expect(ours.node.map((n) => [n.name, n.op, [...(n.input ?? [])]])).toEqual(oracle.node.map((n) => [n.name, n.op, [...(n.input ?? [])]]));
    for (const v of ['Variable', 'Variable_1']) expect(constValues(ours, v)).toEqual(constValues(oracle, v));
    expect(m.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [-1, 784] }]);
    expect(ours.node.every((n) => n.device === '')).toBe(true);
  });
});

describe('frost freeze on training checkpoints', () => {
  it('cuts the Estimator queue into placeholders and freezes partitioned resource variables (iris-estimator)', async () => {
    const out = join(tmp, 'iris.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('iris-estimator-queues-2shards'), '--outputs', 'dnn/head/predictions/probabilities', '--out', out);
    const g = readGraph(out);
    const kinds = ops(g);
    for (const bad of ['VarHandleOp', 'ReadVariableOp', 'VariableV2', 'RandomShuffleQueueV2', 'QueueDequeueManyV2', 'QueueEnqueueManyV2', 'RestoreV2', 'SaveV2']) expect(kinds.has(bad)).toBe(false);
    expect(m.cut.length).toBe(1);
    expect(m.inputs.length).toBeGreaterThan(0);
    expect(m.inputs.every((i) => i.replaces !== undefined)).toBe(true);
    expect(m.variablesFrozen).toBeGreaterThan(0);
    expect(m.variables.every((v) => !v.key.includes('part_0') || v.via !== 'node-name')).toBe(true);
    expect(g.node.filter((n) => n.op === 'Placeholder').length).toBe(m.inputs.length);
  });

  it('freezes resource variables of a linear model across two data shards (linear-ftrl)', async () => {
    const out = join(tmp, 'linear.pb');
    const m = await frostJSON<FreezeManifest>('freeze', join(fixture('linear-ftrl-2shards'), 'model.ckpt-1000'), '--outputs', 'linear/head/predictions/probabilities', '--out', out);
    const kinds = ops(readGraph(out));
    expect(kinds.has('VarHandleOp')).toBe(false);
    expect(kinds.has('ReadVariableOp')).toBe(false);
    expect(m.variablesFrozen).toBeGreaterThan(0);
    // Its input_fn baked the training data into constants: Frost says so.
    expect(m.inputs).toEqual([]);
    expect(m.warnings.some((w) => w.message.includes('depend on no placeholder'))).toBe(true);
  });

  it('freezes a TF1 SavedModel (half_plus_two) with freeze_graph’s flag names', async () => {
    const out = join(tmp, 'hp2.pb');
    const r = await frost('freeze', `--input_saved_model_dir=${fixture('half-plus-two-savedmodel-tf1')}`, '--output_node_names=y', `--output_graph=${out}`, '--input_binary=true', '--clear_devices=false', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const g = readGraph(out);
    expect(constValues(g, 'a')).toEqual(['0.5']);
    expect(constValues(g, 'b')).toEqual(['2']);
    // The summary names the SavedModel, not its variables/variables prefix.
    const text = await frost('freeze', fixture('half-plus-two-savedmodel-tf1'), '--outputs', 'y', '--out', join(tmp, 'hp2b.pb'));
    expect(text.out).toMatch(/^Froze half-plus-two-savedmodel-tf1 → /);
  });

  it('reports an unknown output with suggestions and exits 1, writing nothing', async () => {
    const out = join(tmp, 'never.pb');
    const r = await frost('freeze', fixture('simple-model-freeze-oracle'), '--outputs', 'Model/ad', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain('"Model/ad"');
    expect(r.err).toContain('Model/add');
    expect(existsSync(out)).toBe(false);
  });

  it('asks for --outputs and points to frost outputs', async () => {
    const r = await frost('freeze', fixture('simple-model-freeze-oracle'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('frost outputs');
  });

  it('refuses to freeze a checkpoint whose data file is missing, leaving nothing behind', async () => {
    const out = join(tmp, 'cifar.pb');
    const r = await frost('freeze', fixture('cifar10-queues-meta-only'), '--outputs', 'tower_0/softmax_linear/softmax_linear', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('frost freeze with tf.data input (estimator-basics)', () => {
  it('cuts IteratorGetNext into placeholders', async () => {
    const out = join(tmp, 'basics.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('estimator-basics-v2'), '--outputs', 'dense_1/BiasAdd', '--out', out);
    const kinds = ops(readGraph(out));
    for (const bad of ['IteratorGetNext', 'IteratorV2', 'MakeIterator', 'VariableV2']) expect(kinds.has(bad)).toBe(false);
    expect(m.inputs.some((i) => i.replaces?.startsWith('IteratorGetNext'))).toBe(true);
  });
});

describe('frost freeze options', () => {
  it('--inputs overrides a cut component’s placeholder shape and dtype', async () => {
    const out = join(tmp, 'iris-inputs.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('iris-estimator-queues-2shards'), '--outputs', 'dnn/head/predictions/probabilities', '--inputs', 'random_shuffle_queue_DequeueMany:1:float32:[1,4]', '--out', out);
    expect(m.inputs).toEqual([{ name: 'random_shuffle_queue_DequeueMany/component_1', dtype: 'float32', shape: [1, 4], replaces: 'random_shuffle_queue_DequeueMany:1' }]);
  });

  it('--inputs cuts the graph at any tensor', async () => {
    const out = join(tmp, 'mnist-cut.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('mnist-softmax-v1-freeze-oracle'), '--outputs', 'output', '--inputs', 'MatMul:float32:[-1,10]', '--out', out);
    expect(m.inputs).toEqual([{ name: 'MatMul', dtype: 'float32', shape: [-1, 10], replaces: 'MatMul:0' }]);
    const g = readGraph(out);
    expect(g.node.find((n) => n.name === 'MatMul')?.op).toBe('Placeholder');
    expect(g.node.some((n) => n.name === 'Variable')).toBe(false);
  });

  it('--no-cut-queues keeps the dequeue (TensorFlow’s behaviour) when asked', async () => {
    const out = join(tmp, 'iris-keep-queue.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('iris-estimator-queues-2shards'), '--outputs', 'dnn/head/predictions/probabilities', '--no-cut-queues', '--out', out);
    expect(m.cut).toEqual([]);
    expect(ops(readGraph(out)).has('QueueDequeueManyV2')).toBe(true);
  });

  it('--except leaves a variable unfrozen, --only freezes just the named ones', async () => {
    const out = join(tmp, 'simple-except.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('simple-model-freeze-oracle'), '--outputs', 'Model/add', '--except', 'Model/v2', '--out', out);
    expect(m.variables.map((v) => v.node)).toEqual(['Model/v1']);
    const g = readGraph(out);
    expect(g.node.find((n) => n.name === 'Model/v2')?.op).toBe('VariableV2');
    const only = await frostJSON<FreezeManifest>('freeze', fixture('simple-model-freeze-oracle'), '--outputs', 'Model/add', '--variable_names_whitelist=Model/v2', '--out', join(tmp, 'simple-only.pb'));
    expect(only.variables.map((v) => v.node)).toEqual(['Model/v2']);
  });

  it('clears devices by default and keeps them with --clear_devices=false', async () => {
    const cleared = join(tmp, 'hp2-cleared.pb');
    await frostJSON<FreezeManifest>('freeze', fixture('half-plus-two-savedmodel-tf1'), '--outputs', 'y', '--out', cleared);
    expect(readGraph(cleared).node.every((n) => !n.device)).toBe(true);
    const kept = join(tmp, 'hp2-kept.pb');
    await frostJSON<FreezeManifest>('freeze', fixture('half-plus-two-savedmodel-tf1'), '--outputs', 'y', '--clear_devices=false', '--out', kept);
    const original = (await import('../electron/core/graph/load-graph.js')).loadGraph(fixture('half-plus-two-savedmodel-tf1'));
    const hadDevices = (await original).graphDef.node?.some((n) => n.device) ?? false;
    expect(hadDevices).toBe(true);
    expect(readGraph(kept).node.some((n) => n.device)).toBe(true);
  });

  it('writes the manifest beside the .pb with the same content as --json', async () => {
    const out = join(tmp, 'manifest-check.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('simple-model-freeze-oracle'), '--outputs', 'Model/add', '--out', out);
    const onDisk = JSON.parse(readFileSync(join(tmp, 'manifest-check.manifest.json'), 'utf8')) as FreezeManifest;
    expect(onDisk).toEqual(m);
    expect(m.output).toBe(out);
    expect(m.bytes).toBe(readFileSync(out).length);
  });
});

describe('frost freeze on a TF2 SavedModel', () => {
  it('maps each variable handle to its key by replaying the traced restore function', async () => {
    const out = join(tmp, 'hp2.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('half-plus-two-savedmodel-tf2'), '--outputs', 'StatefulPartitionedCall_5', '--out', out);
    expect(m.variables.map((v) => [v.node, v.key, v.via]).sort()).toEqual([
      ['a', 'a/.ATTRIBUTES/VARIABLE_VALUE', 'restore-op'],
      ['b', 'b/.ATTRIBUTES/VARIABLE_VALUE', 'restore-op'],
    ]); // y = a·x + b; c only serves the other signatures
    expect(ops(readGraph(out)).has('VarHandleOp')).toBe(false);
  });
});
