// The bundled demo checkpoint: a TF1 training folder Frost writes itself. Checked through the
// CLI (inspect, outputs, freeze) and, when .venv-tf exists, in real TensorFlow: the .meta
// imports and restores, trains from its own queue pipeline, and its probabilities match the
// Frost-frozen graph's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import { frost, frostJSON } from '../../../test/cli-helpers.js';
import { repoRoot } from '../../../test/fixtures.js';
import { findPython } from '../../../test/python-venv.js';
import { readCheckpointState } from '../checkpoint/state-file.js';
import { tensorflow, toNumber } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import { DEMO, writeDemoCheckpoint } from './demo-checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-demo-'));
const folder = join(tmp, 'demo');
let demo: { prefix: string; outputs: string[] };

beforeAll(async () => {
  demo = await writeDemoCheckpoint(folder);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FILES = ['checkpoint', ...DEMO.steps.flatMap((s) => [`model.ckpt-${s}.data-00000-of-00001`, `model.ckpt-${s}.index`, `model.ckpt-${s}.meta`])].sort();

async function readMeta(): Promise<tensorflow.MetaGraphDef> {
  return tensorflow.MetaGraphDef.decode(await readFile(`${demo.prefix}.meta`));
}
type NodeProps = tensorflow.NodeDef.$Properties;
const nodeName = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');
const inputsOf = (n: NodeProps | undefined): string[] => n?.input ?? [];
const attrOf = (n: NodeProps | undefined, key: string): tensorflow.AttrValue.$Properties | undefined => n?.attr?.[key] ?? undefined;
const dimsOf = (s: tensorflow.TensorShapeProto.$Properties | null | undefined): number[] => (s?.dim ?? []).map((d) => toNumber(d.size));
const shapeList = (n: NodeProps | undefined, key: string): number[][] => (attrOf(n, key)?.list?.shape ?? []).map(dimsOf);
const text = (b: Uint8Array | null | undefined): string => new TextDecoder().decode(b ?? new Uint8Array(0));

describe('the demo checkpoint folder', () => {
  it('holds the state file and .meta/.index/.data for steps 500 and 1000, the newest returned', async () => {
    expect((await readdir(folder)).sort()).toEqual(FILES);
    expect(demo).toEqual({ prefix: join(folder, 'model.ckpt-1000'), outputs: ['probabilities'] });
    const state = await readCheckpointState(folder);
    expect(state.latest).toBe(demo.prefix);
    expect(state.all.map((e) => e.recorded)).toEqual(['model.ckpt-500', 'model.ckpt-1000']);
  });

  it('is deterministic: a second write gives byte-identical files', async () => {
    const again = join(tmp, 'again');
    await writeDemoCheckpoint(again);
    for (const f of FILES) expect(Buffer.compare(await readFile(join(again, f)), await readFile(join(folder, f))), f).toBe(0);
  });

  it('is a TF 1.15 MetaGraphDef: ~150 closed nodes, SaverDef, and the standard collections', async () => {
    const meta = await readMeta();
    expect(meta.metaInfoDef?.tensorflowVersion).toBe('1.15.5');
    expect(meta.graphDef?.versions?.producer).toBe(134);
    const nodes = meta.graphDef?.node ?? [];
    expect(nodes.length).toBeGreaterThanOrEqual(100);
    expect(nodes.length).toBeLessThanOrEqual(200);
    const names = new Set(nodes.map((n) => n.name));
    expect(names.size).toBe(nodes.length);
    for (const n of nodes) for (const i of inputsOf(n)) expect(names.has(nodeName(i)), `${n.name} reads ${i}`).toBe(true);
    // A variable's /read and /Assign are colocated with it, as TF records.
    for (const n of nodes.filter((x) => x.op === 'VariableV2')) {
      for (const sat of [`${n.name}/read`, `${n.name}/Assign`]) {
        const s = nodes.find((x) => x.name === sat);
        expect((attrOf(s, '_class')?.list?.s ?? []).map(text), sat).toEqual([`loc:@${n.name}`]);
      }
    }

    const byName = new Map(nodes.map((n) => [n.name, n]));
    const dequeue = byName.get('batch');
    expect(dequeue?.op).toBe('QueueDequeueManyV2');
    expect(attrOf(dequeue, 'component_types')?.list?.type).toEqual([DT.FLOAT, DT.INT32]);
    expect(shapeList(dequeue, '_output_shapes')).toEqual([[DEMO.batch, DEMO.features], [DEMO.batch]]);
    const queue = byName.get('batch/fifo_queue');
    expect(queue?.op).toBe('FIFOQueueV2');
    expect(shapeList(queue, 'shapes')).toEqual([[DEMO.features], []]);
    expect(byName.get('probabilities')?.op).toBe('Softmax');
    expect(byName.get('hidden/weights')?.op).toBe('VariableV2');
    expect(byName.get('save/RestoreV2')?.device).toBe('/device:CPU:0');
    expect(byName.get('save/restore_all')?.input).toEqual(['^save/Assign', '^save/Assign_1', '^save/Assign_2', '^save/Assign_3', '^save/Assign_4']);
    // Every attr an op needs to import is there (spot checks of the ones TF refuses to default).
    for (const [name, keys] of [
      ['hidden/MatMul', ['T', 'transpose_a', 'transpose_b']],
      ['loss', ['T', 'Tidx', 'keep_dims']],
      ['global_step', ['container', 'dtype', 'shape', 'shared_name']],
      ['save/SaveV2', ['dtypes']],
      ['batch/fifo_queue_enqueue', ['Tcomponents', 'timeout_ms']],
    ] as const) {
      for (const k of keys) expect(attrOf(byName.get(name), k), `${name}.${k}`).toBeDefined();
    }

    expect(meta.saverDef).toMatchObject({ filenameTensorName: 'save/Const:0', saveTensorName: 'save/control_dependency:0', restoreOpName: 'save/restore_all', version: tensorflow.SaverDef.CheckpointFormatVersion.V2 });
    const collections = meta.collectionDef ?? {};
    expect(Object.keys(collections).sort()).toEqual(['global_step', 'queue_runners', 'summaries', 'train_op', 'trainable_variables', 'variables']);
    const vars = (collections['variables']?.bytesList?.value ?? []).map((b) => tensorflow.VariableDef.decode(b));
    expect(vars.map((v) => v.variableName)).toEqual(['global_step:0', 'hidden/weights:0', 'hidden/biases:0', 'logits/weights:0', 'logits/biases:0']);
    for (const v of vars) {
      for (const ref of [v.variableName, v.initialValueName, v.initializerName, v.snapshotName]) expect(names.has(nodeName(ref)), ref).toBe(true);
    }
    const runners = (collections['queue_runners']?.bytesList?.value ?? []).map((b) => tensorflow.QueueRunnerDef.decode(b));
    expect(runners.map((r) => [r.queueName, [...r.enqueueOpName], r.closeOpName, r.cancelOpName])).toEqual([
      ['input_producer', ['input_producer/input_producer_EnqueueMany'], 'input_producer/input_producer_Close', 'input_producer/input_producer_Close_1'],
      ['batch/fifo_queue', ['batch/fifo_queue_enqueue'], 'batch/fifo_queue_Close', 'batch/fifo_queue_Close_1'],
    ]);
    expect(collections['train_op']?.nodeList?.value).toEqual(['train']);
  });
});

interface InspectJSON {
  checkpoints: { prefix: string; step: number; present: boolean; latest: boolean }[];
  variables: { name: string; dtype: string; shape: number[]; bytes: number }[];
  warnings: unknown[];
  graph: { nodeCount: number; tensorflowVersion: string; queueRunners: { queue: string; enqueueOps: string[]; closeOp: string; cancelOp: string }[] };
}

interface OutputsJSON {
  outputs: { name: string; op: string }[];
  inputs: { name: string; kind: string; dtype?: string; shape?: number[] | null }[];
}

describe('the demo through the CLI', () => {
  it('frost inspect lists both steps, the variables with their dtypes and shapes, and the queue runners', async () => {
    const r = await frostJSON<InspectJSON>('inspect', folder);
    expect(r.checkpoints.map((c) => [c.step, c.present, c.latest])).toEqual([[500, true, false], [1000, true, true]]);
    expect(r.variables.map((v) => [v.name, v.dtype, v.shape])).toEqual([
      ['global_step', 'int64', []],
      ['hidden/biases', 'float32', [DEMO.hidden]],
      ['hidden/weights', 'float32', [DEMO.features, DEMO.hidden]],
      ['logits/biases', 'float32', [DEMO.classes]],
      ['logits/weights', 'float32', [DEMO.hidden, DEMO.classes]],
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.graph.tensorflowVersion).toBe('1.15.5');
    expect(r.graph.queueRunners.map((q) => q.queue)).toEqual(['input_producer', 'batch/fifo_queue']);
    const human = await frost('inspect', folder);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/step 500/);
    expect(human.out).toMatch(/Queue runner: batch\/fifo_queue ← batch\/fifo_queue_enqueue/);
  });

  it('frost inspect --step 500 opens the older step', async () => {
    const r = await frostJSON<InspectJSON & { prefix: string }>('inspect', folder, '--step', '500');
    expect(r.prefix).toBe(join(folder, 'model.ckpt-500'));
  });

  it('frost outputs ranks probabilities first and offers batch:0 as the input', async () => {
    const r = await frostJSON<OutputsJSON>('outputs', folder);
    expect(r.outputs[0]?.name).toBe('probabilities');
    expect(r.inputs.map((i) => i.name)).toContain('batch:0');
  });

  it('frost freeze --outputs probabilities cuts batch into a [-1, 64] placeholder and leaves no queue, variable or saver op', async () => {
    const out = join(tmp, 'frozen.pb');
    const m = await frostJSON<FreezeManifest>('freeze', folder, '--outputs', 'probabilities', '--out', out);
    expect(m.inputs).toEqual([{ name: 'batch', dtype: 'float32', shape: [-1, DEMO.features], replaces: 'batch:0' }]);
    expect(m.outputs.map((o) => o.name)).toEqual(['probabilities']);
    expect(m.variablesFrozen).toBe(4);
    expect(m.cut.map((c) => [c.dequeue, c.queue])).toEqual([['batch', 'batch/fifo_queue']]);
    const g = tensorflow.GraphDef.decode(await readFile(out));
    const ops = new Set(g.node.map((n) => n.op));
    for (const bad of ['FIFOQueueV2', 'QueueDequeueManyV2', 'QueueEnqueueV2', 'QueueEnqueueManyV2', 'ReaderReadV2', 'TFRecordReaderV2', 'VariableV2', 'Assign', 'SaveV2', 'RestoreV2', 'ApplyGradientDescent']) {
      expect(ops.has(bad), bad).toBe(false);
    }
    const placeholder = g.node.find((n) => n.name === 'batch');
    expect(placeholder?.op).toBe('Placeholder');
    expect(attrOf(placeholder, 'dtype')?.type).toBe(DT.FLOAT);
    expect(dimsOf(attrOf(placeholder, 'shape')?.shape)).toEqual([-1, DEMO.features]);
    expect(g.node.map((n) => n.name).sort()).toEqual(
      ['batch', 'hidden/weights', 'hidden/weights/read', 'hidden/biases', 'hidden/biases/read', 'hidden/MatMul', 'hidden/BiasAdd', 'hidden/Relu',
        'logits/weights', 'logits/weights/read', 'logits/biases', 'logits/biases/read', 'logits/MatMul', 'logits/BiasAdd', 'probabilities'].sort(),
    );
  });
});

const tf = findPython(['tensorflow', 'numpy']);
if (!tf.python) console.warn(`SKIP demo checkpoint in TensorFlow: ${tf.reason}`);

interface TfReport {
  all_checkpoints: string[];
  latest: string;
  variables: Record<string, number[]>;
  queue_runners: string[];
  trainable: string[];
  train_ops: string[];
  initialized_step: number;
  restored_step: number;
  trained_step: number;
  older_step: number;
  loss: number;
  placeholder: { op: string; dtype: string; shape: (number | null)[] };
  frozen_ops: string[];
  frozen_batch_of_5: number[];
  shape: number[];
  max_abs_diff: number;
  allclose: boolean;
  rows_sum_to_one: boolean;
}

function runPython(python: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!tf.python)(`the demo in real TensorFlow (${tf.version || 'unavailable'})`, () => {
  it('imports the .meta, restores both steps, trains from its queue pipeline, and matches the Frost-frozen graph (allclose 1e-6)', async () => {
    const frozen = join(tmp, 'tf-frozen.pb');
    expect((await frost('freeze', folder, '--outputs', 'probabilities', '--out', frozen)).code).toBe(0);
    const cwd = join(tmp, 'tf-cwd');
    await mkdir(cwd, { recursive: true });
    const { code, stdout, stderr } = await runPython(tf.python as string, [join(repoRoot, 'conformance', 'demo_check.py'), folder, frozen], cwd);
    expect(code, stderr.split('\n').slice(-30).join('\n')).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as TfReport;
    expect(report.all_checkpoints).toEqual(['model.ckpt-500', 'model.ckpt-1000']);
    expect(report.latest).toBe('model.ckpt-1000');
    expect(report.variables).toEqual({ global_step: [], 'hidden/biases': [32], 'hidden/weights': [64, 32], 'logits/biases': [10], 'logits/weights': [32, 10] });
    expect(report.queue_runners).toEqual(['input_producer', 'batch/fifo_queue']);
    expect(report.trainable).toEqual(['hidden/weights', 'hidden/biases', 'logits/weights', 'logits/biases']);
    expect(report.train_ops).toEqual(['train']);
    expect([report.initialized_step, report.restored_step, report.trained_step, report.older_step]).toEqual([0, 1000, 1003, 500]);
    expect(Number.isFinite(report.loss)).toBe(true);
    expect(report.placeholder).toEqual({ op: 'Placeholder', dtype: 'float32', shape: [null, 64] });
    expect(report.frozen_ops).toEqual(['BiasAdd', 'Const', 'Identity', 'MatMul', 'Placeholder', 'Relu', 'Softmax']);
    expect(report.frozen_batch_of_5).toEqual([5, 10]);
    expect(report.shape).toEqual([32, 10]);
    expect(report.allclose, `max |diff| ${report.max_abs_diff}`).toBe(true);
    expect(report.rows_sum_to_one).toBe(true);
  }, 180_000);
});
