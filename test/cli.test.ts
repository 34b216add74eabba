import { mkdtempSync, copyFileSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../shared/model/inspect-report.js';
import { fixture } from './fixtures.js';
import { frost, frostJSON } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('frost CLI usage', () => {
  it('prints help listing the commands', async () => {
    const r = await frost('--help');
    expect(r.code).toBe(0);
    for (const c of ['inspect', 'tensor', 'export']) expect(r.out).toContain(c);
  });
  it('exits 2 on an unknown command, a missing PATH, an unknown flag or a bad number', async () => {
    expect((await frost('frobnicate')).code).toBe(2);
    const missing = await frost('inspect');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing PATH');
    expect((await frost('inspect', fixture('simple-model-freeze-oracle'), '--bogus')).code).toBe(2);
    const step = await frost('tensor', fixture('simple-model-freeze-oracle'), 'Model/v1', '--step', 'x');
    expect(step.code).toBe(2);
    expect(step.err).toContain('--step takes a whole number');
    expect((await frost('export', fixture('simple-model-freeze-oracle'))).code).toBe(2);
  });
  it('shows per-command help', async () => {
    const r = await frost('tensor', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: frost tensor');
  });
});

describe('frost inspect on the fixtures', () => {
  it('reads a TF1 checkpoint folder with its .meta (simple-model)', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('simple-model-freeze-oracle'));
    expect(r.format).toBe('checkpoint-folder');
    expect(r.checkpointFormat).toBe('v2');
    expect(r.variables).toEqual([
      { name: 'Model/v1', dtype: 'float32', shape: [], bytes: 4 },
      { name: 'Model/v2', dtype: 'float32', shape: [], bytes: 4 },
    ]);
    expect(r.graph?.nodeCount).toBe(24);
    expect(r.graph?.ops['VariableV2']).toBe(2);
  });

  it('opens the same checkpoint by folder, prefix, .index, .data, .meta and state file', async () => {
    const dir = fixture('iris-estimator-queues-2shards');
    const prefixes = new Set<string | undefined>();
    for (const p of [dir, join(dir, 'model.ckpt-2500'), join(dir, 'model.ckpt-2500.index'), join(dir, 'model.ckpt-2500.data-00001-of-00002'), join(dir, 'model.ckpt-2500.meta'), join(dir, 'checkpoint')]) {
      const r = await frostJSON<InspectReport>('inspect', p);
      prefixes.add(r.prefix);
      expect(r.variables).toHaveLength(17);
      expect(r.graph?.nodeCount).toBe(744);
    }
    expect([...prefixes]).toEqual([join(dir, 'model.ckpt-2500')]);
  });

  it('lists every step of the state file and marks missing ones (estimator-basics)', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('estimator-basics-v2'));
    expect(r.checkpoints.map((c) => [c.step, c.present, c.latest])).toEqual([
      [0, false, false],
      [1000, false, false],
      [2000, true, true],
    ]);
    expect(r.variables).toHaveLength(15);
  });

  it('falls back to a present step when the state file names a missing one (linear-ftrl)', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('linear-ftrl-2shards'));
    expect(r.prefix).toBe(join(fixture('linear-ftrl-2shards'), 'model.ckpt-1000'));
    expect(r.warnings.some((w) => w.message.includes('model.ckpt-5000'))).toBe(true);
    expect(r.variables).toHaveLength(7);
  });

  it('resolves stale absolute macOS paths in the state file (iris-dnn, mnist V1)', async () => {
    const iris = await frostJSON<InspectReport>('inspect', fixture('iris-dnn-contrib-learn-v2'));
    expect(iris.prefix).toBe(join(fixture('iris-dnn-contrib-learn-v2'), 'model.ckpt-8000'));
    expect(iris.variables).toHaveLength(18);
    const mnist = await frostJSON<InspectReport>('inspect', fixture('mnist-softmax-v1-freeze-oracle'));
    expect(mnist.checkpointFormat).toBe('v1');
    expect(mnist.variables.map((v) => [v.name, v.shape])).toEqual([
      ['Variable', [784, 10]],
      ['Variable_1', [10]],
    ]);
    expect(mnist.graph?.nodeCount).toBe(167);
  });

  it('reads a sharded V1 SessionBundle export with no state file', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('half-plus-two-v1-session-bundle'));
    expect(r.checkpointFormat).toBe('v1');
    expect(r.variables.map((v) => v.name)).toEqual(['a', 'b']);
    expect(r.graph?.nodeCount).toBe(57);
  });

  it('lists variables of a checkpoint whose data file is missing, with a warning (cifar10)', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('cifar10-queues-meta-only'));
    expect(r.variables.length).toBeGreaterThan(0);
    expect(r.warnings.some((w) => w.code === 'MISSING_SHARD')).toBe(true);
    expect(r.graph?.queueRunners.length).toBeGreaterThan(0);
  });

  it('names TF2 object-based keys readably (tf2-object-ckpt-a2c)', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('tf2-object-ckpt-a2c'));
    expect(r.checkpointFormat).toBe('tf2-object');
    expect(r.variables).toHaveLength(25);
    expect(r.graph).toBeUndefined();
    expect(r.checkpoints.filter((c) => c.present).map((c) => c.step)).toEqual([6]);
    expect(r.checkpoints).toHaveLength(6);
    expect(r.variables.some((v) => v.displayName !== undefined)).toBe(true);
  });

  it('opens SavedModels with their variables and signatures', async () => {
    const tf1 = await frostJSON<InspectReport>('inspect', fixture('half-plus-two-savedmodel-tf1'));
    expect(tf1.format).toBe('saved-model');
    expect(tf1.variables.map((v) => v.name).sort()).toEqual(['a', 'a2', 'b', 'c', 'c2']);
    expect(tf1.graph?.nodeCount).toBe(74);
    expect(tf1.graph?.signatures.map((s) => s.key).sort()).toEqual(['classify_x_to_y', 'regress_x2_to_y3', 'regress_x_to_y', 'regress_x_to_y2', 'serving_default']);
    const tf2 = await frostJSON<InspectReport>('inspect', fixture('half-plus-two-savedmodel-tf2'));
    expect(tf2.variables).toHaveLength(4);
    expect(tf2.graph?.ops['VarHandleOp']).toBe(4);
  });

  it('frost outputs takes --tags to rank the outputs of another MetaGraph of a SavedModel', async () => {
    const sm = fixture('half-plus-two-savedmodel-tf1');
    const serve = await frostJSON<{ outputs: { name: string }[] }>('outputs', sm, '--tags', 'serve');
    expect(serve.outputs.length).toBeGreaterThan(0);
    const r = await frost('outputs', sm, '--tags', 'train');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has no MetaGraph tagged \[train\]; its tag sets are \[serve\]/);
  });

  it('reads frozen GraphDefs and text graphs', async () => {
    expect((await frostJSON<InspectReport>('inspect', fixture('har-lstm-frozen', 'frozen_graph.pb'))).graph?.nodeCount).toBe(183);
    expect((await frostJSON<InspectReport>('inspect', fixture('small-frozen-47k'))).graph?.nodeCount).toBe(60);
    const txt = await frostJSON<InspectReport>('inspect', fixture('iris-estimator-queues-2shards', 'graph.pbtxt'));
    expect(txt.format).toBe('graph-def-text');
    expect(txt.graph?.nodeCount).toBe(744);
  });

  it('prints a readable human report', async () => {
    const r = await frost('inspect', fixture('iris-estimator-queues-2shards'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('dnn/hiddenlayer_0/kernel');
    expect(r.out).toContain('Queue runner: enqueue_input/random_shuffle_queue');
    expect(r.out).toMatch(/744 nodes/);
  });
});

describe('frost tensor and export', () => {
  it('prints values and stats of a known tensor', async () => {
    const a = await frostJSON<{ dtype: string; shape: number[]; preview: string; stats: { min: number } }>('tensor', fixture('half-plus-two-savedmodel-tf1'), 'a');
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([]);
    expect(a.preview).toBe('0.5');
    const w = await frostJSON<{ stats: { min: number; max: number; mean: number } }>('tensor', fixture('mnist-softmax-v1-freeze-oracle'), 'Variable');
    expect(w.stats.min).toBeCloseTo(-0.51121324, 6);
    expect(w.stats.max).toBeCloseTo(0.58327085, 6);
    const human = await frost('tensor', fixture('mnist-softmax-v1-freeze-oracle'), 'Variable');
    expect(human.out).toContain('histogram');
    expect(human.out).toContain('...');
  });

  it('reads Const nodes of a frozen graph and suggests names on a miss', async () => {
    const miss = await frost('tensor', fixture('simple-model-freeze-oracle'), 'Model/v3');
    expect(miss.code).toBe(1);
    expect(miss.err).toContain('Did you mean');
    expect(miss.err).not.toMatch(/\n\s+at /);
    const frozen = await frostJSON<{ origin: string; preview: string }>('tensor', fixture('simple-model-freeze-oracle', 'frozen_model.pb'), 'Model/v1');
    expect(frozen.origin).toBe('graph-const');
    expect(frozen.preview).toBe('1');
  });

  it('writes .npy and .npz files', async () => {
    const npy = join(tmp, 'w.npy');
    expect((await frost('tensor', fixture('mnist-softmax-v1-freeze-oracle'), 'Variable', '--npy', npy)).code).toBe(0);
    const bytes = readFileSync(npy);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect(bytes.length).toBeGreaterThan(784 * 10 * 4);
    const npz = join(tmp, 'all.npz');
    const r = await frost('export', fixture('iris-estimator-queues-2shards'), '--npz', npz);
    expect(r.code).toBe(0);
    expect(r.out).toContain('17 tensors');
    const zip = readFileSync(npz).toString('latin1');
    expect(zip).toContain('dnn/hiddenlayer_0/kernel.npy');
  });

  it('refuses to export over an input file', async () => {
    const dir = join(tmp, 'simple');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    for (const f of ['checkpoint', 'simple_model.index', 'simple_model.data-00000-of-00001', 'simple_model.meta']) copyFileSync(fixture('simple-model-freeze-oracle', f), join(dir, f));
    const before = readFileSync(join(dir, 'simple_model.index'));
    const r = await frost('export', dir, '--npz', join(dir, 'simple_model.index'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('input');
    expect(readFileSync(join(dir, 'simple_model.index')).equals(before)).toBe(true);
    // Nor over the graph or the state file beside it, with export or tensor --npy.
    for (const f of ['simple_model.meta', 'checkpoint']) {
      const kept = readFileSync(join(dir, f));
      for (const args of [['export', dir, '--npz', join(dir, f)], ['tensor', dir, 'Model/v1', '--npy', join(dir, f)]]) {
        const o = await frost(...args);
        expect(o.code, args.join(' ')).toBe(1);
        expect(o.err).toContain('it is one of the input files');
        expect(readFileSync(join(dir, f)).equals(kept)).toBe(true);
      }
    }
  });
});

describe('bad input gives one clear sentence and exit code 1', () => {
  it('reports a truncated index file', async () => {
    const dir = join(tmp, 'trunc');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const idx = readFileSync(fixture('simple-model-freeze-oracle', 'simple_model.index'));
    writeFileSync(join(dir, 'simple_model.index'), idx.subarray(0, idx.length - 10));
    copyFileSync(fixture('simple-model-freeze-oracle', 'simple_model.data-00000-of-00001'), join(dir, 'simple_model.data-00000-of-00001'));
    const r = await frost('inspect', join(dir, 'simple_model'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('simple_model.index');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
  it('reports a path that does not exist', async () => {
    const r = await frost('inspect', join(tmp, 'nothing-here'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not exist');
    expect(existsSync(join(tmp, 'nothing-here'))).toBe(false);
  });
  it('reports garbage that is no TensorFlow file', async () => {
    const f = join(tmp, 'garbage.bin');
    writeFileSync(f, Buffer.from('this is not a model at all, just text\n'));
    const r = await frost('inspect', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/garbage\.bin/);
  });
});

describe('frost inspect --verify', () => {
  it('checks every checksum of a healthy checkpoint', async () => {
    const r = await frostJSON<InspectReport>('inspect', fixture('iris-estimator-queues-2shards'), '--verify');
    expect(r.verified?.tensors).toBe(17);
    expect(r.verified?.damaged).toEqual([]);
    const human = await frost('inspect', fixture('linear-ftrl-2shards'), '--verify');
    expect(human.code).toBe(0);
    expect(human.out).toContain('match their checksums');
  });

  it('names the damaged tensor and exits 1', async () => {
    const { mkdirSync } = await import('node:fs');
    const dir = join(tmp, 'damaged');
    mkdirSync(dir);
    for (const f of ['checkpoint', 'simple_model.index', 'simple_model.meta']) copyFileSync(fixture('simple-model-freeze-oracle', f), join(dir, f));
    const data = readFileSync(fixture('simple-model-freeze-oracle', 'simple_model.data-00000-of-00001'));
    data[5] = (data[5] as number) ^ 0x40;
    writeFileSync(join(dir, 'simple_model.data-00000-of-00001'), data);
    const r = await frost('inspect', dir, '--verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 damaged');
    expect(r.out).toContain('Model/v2');
  });
});
