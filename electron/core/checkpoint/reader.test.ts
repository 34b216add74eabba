// openCheckpoint over every real checkpoint fixture (tf-formats.md §1.4, §4, §5): list and
// read every tensor with checksums verified, plus the values the fixtures' README states.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { DT } from '../tensor/dtype.js';
import { formatElement, type TensorData } from '../tensor/tensor-data.js';
import { openCheckpoint } from './reader.js';

/** A checkpoint prefix inside a fixture folder (prefixes are not files, so fixture() cannot check them). */
const prefixIn = (dir: string, prefix: string): string => join(fixture(dir), prefix);
const vals = (t: TensorData): string[] => Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, i) => formatElement(t, i));

interface Case {
  dir: string;
  prefix: string;
  format: 'v1' | 'v2';
  keys: number;
  dataFiles: number;
  known?: Record<string, string[]>;
}

const CASES: Case[] = [
  { dir: 'simple-model-freeze-oracle', prefix: 'simple_model', format: 'v2', keys: 2, dataFiles: 1, known: { 'Model/v1': ['1'], 'Model/v2': ['2'] } },
  { dir: 'half-plus-two-savedmodel-tf1', prefix: 'variables/variables', format: 'v2', keys: 5, dataFiles: 1, known: { a: ['0.5'], b: ['2'], c: ['3'] } },
  {
    dir: 'half-plus-two-savedmodel-tf2',
    prefix: 'variables/variables',
    format: 'v2',
    keys: 4,
    dataFiles: 1,
    known: { 'a/.ATTRIBUTES/VARIABLE_VALUE': ['0.5'], 'b/.ATTRIBUTES/VARIABLE_VALUE': ['2'] },
  },
  { dir: 'iris-estimator-queues-2shards', prefix: 'model.ckpt-2500', format: 'v2', keys: 17, dataFiles: 2, known: { global_step: ['2500'] } },
  { dir: 'linear-ftrl-2shards', prefix: 'model.ckpt-1000', format: 'v2', keys: 7, dataFiles: 2, known: { global_step: ['1000'] } },
  { dir: 'iris-dnn-contrib-learn-v2', prefix: 'model.ckpt-8000', format: 'v2', keys: 18, dataFiles: 1, known: { global_step: ['8000'] } },
  { dir: 'estimator-basics-v2', prefix: 'model.ckpt-2000', format: 'v2', keys: 15, dataFiles: 1, known: { global_step: ['2000'] } },
  { dir: 'tf2-object-ckpt-a2c', prefix: 'ckpt-6', format: 'v2', keys: 25, dataFiles: 1, known: { 'save_counter/.ATTRIBUTES/VARIABLE_VALUE': ['6'] } },
  { dir: 'mnist-softmax-v1-freeze-oracle', prefix: 'model.ckpt', format: 'v1', keys: 2, dataFiles: 0 },
  { dir: 'half-plus-two-v1-session-bundle', prefix: 'export-?????-of-00001', format: 'v1', keys: 2, dataFiles: 0, known: { a: ['0.5'], b: ['2'] } },
];

describe('every checkpoint fixture', () => {
  for (const c of CASES) {
    it(`${c.dir}: ${c.format}, ${c.keys} keys, every tensor reads with its CRC verified`, async () => {
      const r = await openCheckpoint(prefixIn(c.dir, c.prefix));
      try {
        expect(r.format).toBe(c.format);
        expect(r.warnings).toEqual([]);
        const list = r.list();
        expect(list.length).toBe(c.keys);
        const sorted = [...list].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
        expect(list.map((e) => e.key)).toEqual(sorted.map((e) => e.key));
        if (c.format === 'v2') expect(r.files.length).toBe(1 + c.dataFiles);
        for (const e of list) {
          const t = await r.read(e.key);
          expect(t.dtype).toBe(e.dtype);
          expect(t.shape).toEqual(e.shape);
          if (t.kind === 'numeric' && c.format === 'v2') expect(t.bytes.length).toBe(e.bytes);
        }
        for (const [key, want] of Object.entries(c.known ?? {})) expect(vals(await r.read(key)), key).toEqual(want);
      } finally {
        await r.close();
      }
    });
  }

  it('TF2 object checkpoints store the object graph as a DT_STRING scalar', async () => {
    const r = await openCheckpoint(prefixIn('tf2-object-ckpt-a2c', 'ckpt-6'));
    const t = await r.read('_CHECKPOINTABLE_OBJECT_GRAPH');
    expect(t.kind).toBe('string');
    expect(t.shape).toEqual([]);
    expect(t.kind === 'string' && t.strings[0]!.length).toBe(r.get('_CHECKPOINTABLE_OBJECT_GRAPH')!.bytes - 2 - 4);
    await r.close();
  });

  it('the two-shard estimators keep global_step in shard 0 and the weights in shard 1', async () => {
    const r = await openCheckpoint(prefixIn('linear-ftrl-2shards', 'model.ckpt-1000'));
    expect(r.get('global_step')).toEqual({ key: 'global_step', dtype: DT.INT64, shape: [], bytes: 8, shard: 0 });
    expect(r.get('linear/linear_model/bias_weights')!.shard).toBe(1);
    await r.close();
  });

  it('cifar10-queues-meta-only: no data file, so a warning, a full listing, and MISSING_SHARD on read', async () => {
    const r = await openCheckpoint(prefixIn('cifar10-queues-meta-only', 'model.ckpt-0'));
    try {
      expect(r.format).toBe('v2');
      expect(r.list().length).toBe(25);
      expect(r.warnings.map((w) => w.code)).toEqual(['MISSING_SHARD']);
      expect(r.warnings[0]!.message).toMatch(/model\.ckpt-0\.data-00000-of-00001 is missing/);
      let err: unknown;
      try {
        await r.read('conv1/weights');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FrostError);
      expect((err as FrostError).code).toBe('MISSING_SHARD');
      expect(r.get('conv1/weights')).toMatchObject({ dtype: DT.FLOAT, shape: [4, 4, 3, 67] });
    } finally {
      await r.close();
    }
  });
});

describe('openCheckpoint', () => {
  it('picks V2 when prefix.index exists, and accepts the path of the .index or a data shard', async () => {
    const prefix = prefixIn('estimator-basics-v2', 'model.ckpt-2000');
    for (const p of [prefix, `${prefix}.index`, `${prefix}.data-00000-of-00001`]) {
      const r = await openCheckpoint(p);
      expect(r.format).toBe('v2');
      expect(r.prefix).toBe(prefix);
      await r.close();
    }
  });

  it('falls back to V1, and names both candidates when nothing is there', async () => {
    const r = await openCheckpoint(fixture('mnist-softmax-v1-freeze-oracle', 'model.ckpt'));
    expect(r.format).toBe('v1');
    await r.close();
    let err: unknown;
    try {
      await openCheckpoint(prefixIn('mnist-softmax-v1-freeze-oracle', 'model.ckpt-99'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrostError);
    expect((err as FrostError).code).toBe('FILE_NOT_FOUND');
    expect((err as FrostError).message).toMatch(/model\.ckpt-99\.index \(V2\) and no V1 checkpoint file/);
  });

  it('a .meta file is not a checkpoint', async () => {
    let err: unknown;
    try {
      await openCheckpoint(fixture('simple-model-freeze-oracle', 'simple_model.meta'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrostError);
    expect(['BAD_MAGIC', 'CORRUPT']).toContain((err as FrostError).code);
  });
});
