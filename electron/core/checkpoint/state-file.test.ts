import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { globFiles } from '../io/glob.js';
import { parseCheckpointState, prefixExists, readCheckpointState, writeCheckpointState } from './state-file.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'frost-state-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function present(prefixes: readonly string[]): Promise<boolean[]> {
  return Promise.all(prefixes.map((p) => prefixExists(p)));
}

describe('readCheckpointState on the fixtures', () => {
  it('tf2-object-ckpt-a2c: relative paths, timestamps, only ckpt-6 present', async () => {
    const dir = fixture('tf2-object-ckpt-a2c');
    const s = await readCheckpointState(dir);
    expect(s.latest).toBe(join(dir, 'ckpt-6'));
    expect(s.all.map((e) => e.recorded)).toEqual(['ckpt-1', 'ckpt-2', 'ckpt-3', 'ckpt-4', 'ckpt-5', 'ckpt-6']);
    expect(s.all.map((e) => e.prefix)).toEqual([1, 2, 3, 4, 5, 6].map((i) => join(dir, `ckpt-${i}`)));
    expect(s.all[0]?.timestamp).toBe(1610001331.9641876);
    expect(s.all[5]?.timestamp).toBe(1610001531.2664149);
    expect(s.lastPreservedTimestamp).toBe(1609999697.1211636);
    expect(await present(s.all.map((e) => e.prefix))).toEqual([false, false, false, false, false, true]);
  });

  it('stale absolute macOS paths fall back to the same name in the folder', async () => {
    const cifar = fixture('cifar10-queues-meta-only');
    const c = await readCheckpointState(cifar);
    expect(c.latest).toBe(join(cifar, 'model.ckpt-0'));
    expect(c.all).toEqual([{ prefix: join(cifar, 'model.ckpt-0'), recorded: '/Users/wangjun/Documents/study/Graduation_Project/HCOCNN/cifar10_train/model.ckpt-0' }]);
    expect(await prefixExists(join(cifar, 'model.ckpt-0'))).toBe(true); // .index only: the data file is missing

    const iris = fixture('iris-dnn-contrib-learn-v2');
    const i = await readCheckpointState(iris);
    expect(i.latest).toBe(join(iris, 'model.ckpt-8000'));
    expect(i.all.map((e) => e.prefix)).toEqual(['4000', '4001', '6000', '6001', '8000'].map((n) => join(iris, `model.ckpt-${n}`)));
    expect(await present(i.all.map((e) => e.prefix))).toEqual([false, false, false, false, true]);

    // A V1 single-file checkpoint: the prefix is the file itself.
    const mnist = fixture('mnist-softmax-v1-freeze-oracle');
    const m = await readCheckpointState(mnist);
    expect(m.latest).toBe(join(mnist, 'model.ckpt'));
    expect(await prefixExists(m.latest as string)).toBe(true);
  });

  it('relative paths, missing latest step, and no timestamps from TF1 Savers', async () => {
    const cases: [string, string, string[], boolean[]][] = [
      ['estimator-basics-v2', 'model.ckpt-2000', ['model.ckpt-0', 'model.ckpt-1000', 'model.ckpt-2000'], [false, false, true]],
      ['iris-estimator-queues-2shards', 'model.ckpt-2500', ['model.ckpt-0', 'model.ckpt-2500'], [false, true]],
      ['linear-ftrl-2shards', 'model.ckpt-5000', ['1000', '2000', '3000', '4000', '5000'].map((n) => `model.ckpt-${n}`), [true, false, false, false, false]],
      ['simple-model-freeze-oracle', 'simple_model', ['simple_model'], [true]],
    ];
    for (const [name, latest, all, exists] of cases) {
      const dir = fixture(name);
      const s = await readCheckpointState(dir);
      expect(s.latest).toBe(join(dir, latest));
      expect(s.all.map((e) => e.recorded)).toEqual(all);
      expect(s.all.every((e) => e.timestamp === undefined)).toBe(true);
      expect(s.lastPreservedTimestamp).toBeUndefined();
      expect(await present(s.all.map((e) => e.prefix))).toEqual(exists);
    }
  });
});

describe('parseCheckpointState rules (§1.2)', () => {
  it('keeps the last of a repeated singular field, tolerates comments, blank lines and any order', async () => {
    const text = '\n# written by hand\nall_model_checkpoint_paths: "a"\nmodel_checkpoint_path: "a"\n\nmodel_checkpoint_path : "b"\nall_model_checkpoint_paths: \'b\'\n';
    const s = await parseCheckpointState(text, tmp);
    expect(s.latest).toBe(join(tmp, 'b'));
    expect(s.all.map((e) => e.recorded)).toEqual(['a', 'b']);
  });

  it('treats an empty model_checkpoint_path as no latest', async () => {
    const s = await parseCheckpointState('model_checkpoint_path: ""\nall_model_checkpoint_paths: "x"\n', tmp);
    expect(s.latest).toBeUndefined();
    expect(s.all).toHaveLength(1);
    expect((await parseCheckpointState('', tmp)).latest).toBeUndefined();
  });

  it('resolves relative paths against the folder, with escapes and subfolders', async () => {
    const s = await parseCheckpointState('model_checkpoint_path: "sub/caf\\303\\251-1"', tmp);
    expect(s.latest).toBe(join(tmp, 'sub', 'café-1'));
  });

  it('keeps an absolute path that exists, and falls back for Windows paths', async () => {
    const other = await mkdtemp(join(tmpdir(), 'frost-state-other-'));
    try {
      await writeFile(join(other, 'm.ckpt-3.index'), '');
      const s = await parseCheckpointState(`model_checkpoint_path: "${join(other, 'm.ckpt-3')}"\nall_model_checkpoint_paths: "C:\\\\Users\\\\me\\\\run\\\\m.ckpt-2"`, tmp);
      expect(s.latest).toBe(join(other, 'm.ckpt-3'));
      expect(s.all[0]).toEqual({ prefix: join(tmp, 'm.ckpt-2'), recorded: 'C:\\Users\\me\\run\\m.ckpt-2' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('maps cloud-storage URLs (gs://, s3://) by file name like other absolute paths', async () => {
    const s = await parseCheckpointState('model_checkpoint_path: "gs://bucket/run/m.ckpt-5"\nall_model_checkpoint_paths: "gs://bucket/run/m.ckpt-4"\nall_model_checkpoint_paths: "s3://b/run/m.ckpt-5"', tmp);
    expect(s.latest).toBe(join(tmp, 'm.ckpt-5'));
    expect(s.all.map((e) => e.prefix)).toEqual([join(tmp, 'm.ckpt-4'), join(tmp, 'm.ckpt-5')]);
  });

  it('prefers the copy beside the state file over an absolute path that still exists elsewhere', async () => {
    const original = await mkdtemp(join(tmpdir(), 'frost-state-original-'));
    const copy = await mkdtemp(join(tmpdir(), 'frost-state-copy-'));
    try {
      // A run folder copied off the training box: the state file keeps the old absolute paths.
      for (const d of [original, copy]) await writeFile(join(d, 'm.ckpt-7.index'), '');
      const s = await parseCheckpointState(`model_checkpoint_path: "${join(original, 'm.ckpt-7')}"`, copy);
      expect(s.latest).toBe(join(copy, 'm.ckpt-7'));
      // Without a local copy the absolute path is still followed.
      const elsewhere = await parseCheckpointState(`model_checkpoint_path: "${join(original, 'm.ckpt-7')}"`, tmp);
      expect(elsewhere.latest).toBe(join(original, 'm.ckpt-7'));
    } finally {
      await rm(original, { recursive: true, force: true });
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('keeps V1 sharded glob patterns as patterns and finds their shards', async () => {
    const dir = join(tmp, 'v1');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.ckpt-3-00000-of-00002'), 'x');
    await writeFile(join(dir, 'model.ckpt-3-00001-of-00002'), 'x');
    const s = await parseCheckpointState('model_checkpoint_path: "/far/away/model.ckpt-3-?????-of-00002"', dir);
    expect(s.latest).toBe(join(dir, 'model.ckpt-3-?????-of-00002'));
    expect(await prefixExists(s.latest as string)).toBe(true);
    expect(await globFiles(s.latest as string)).toEqual([join(dir, 'model.ckpt-3-00000-of-00002'), join(dir, 'model.ckpt-3-00001-of-00002')]);
    expect(await prefixExists(join(dir, 'model.ckpt-4-?????-of-00002'))).toBe(false);
    expect(await prefixExists(join(dir, 'nothing'))).toBe(false);
  });

  it('reports a bad state file as CORRUPT with line and column', async () => {
    const err = await parseCheckpointState('model_checkpoint_path: "a"\nmodel_path: "b"\n', tmp, '/x/checkpoint').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrostError);
    expect((err as FrostError).code).toBe('CORRUPT');
    expect((err as FrostError).message).toBe('/x/checkpoint:2:1: expected a field of tensorflow.CheckpointState but found unknown field "model_path"');
  });

  it('reports a missing or binary state file', async () => {
    const missing = await readCheckpointState(join(tmp, 'no-such-folder')).catch((e: unknown) => e);
    expect((missing as FrostError).code).toBe('FILE_NOT_FOUND');
    const dir = join(tmp, 'bin');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'checkpoint'), Buffer.from([0x0a, 0x00, 0x12]));
    const bin = await readCheckpointState(dir).catch((e: unknown) => e);
    expect((bin as FrostError).code).toBe('CORRUPT');
    expect((bin as FrostError).message).toMatch(/is not a checkpoint state file/);
  });
});

describe('writeCheckpointState', () => {
  it('writes what CheckpointManager writes and reads back the same', async () => {
    const dir = join(tmp, 'w1');
    await mkdir(dir, { recursive: true });
    await writeCheckpointState(dir, {
      latest: join(dir, 'ckpt-2'),
      all: [
        { prefix: join(dir, 'ckpt-1'), timestamp: 1795299810.070234 },
        { prefix: join(dir, 'ckpt-2'), timestamp: 1795299810.0843024 },
      ],
      lastPreservedTimestamp: 1795299809.0226972,
    });
    expect(await readFile(join(dir, 'checkpoint'), 'utf8')).toBe(
      [
        'model_checkpoint_path: "ckpt-2"',
        'all_model_checkpoint_paths: "ckpt-1"',
        'all_model_checkpoint_paths: "ckpt-2"',
        'all_model_checkpoint_timestamps: 1795299810.070234',
        'all_model_checkpoint_timestamps: 1795299810.0843024',
        'last_preserved_timestamp: 1795299809.0226972',
        '',
      ].join('\n'),
    );
    const s = await readCheckpointState(dir);
    expect(s).toEqual({
      latest: join(dir, 'ckpt-2'),
      all: [
        { prefix: join(dir, 'ckpt-1'), recorded: 'ckpt-1', timestamp: 1795299810.070234 },
        { prefix: join(dir, 'ckpt-2'), recorded: 'ckpt-2', timestamp: 1795299810.0843024 },
      ],
      lastPreservedTimestamp: 1795299809.0226972,
    });
  });

  it('appends latest to the list like TF, keeps outside paths absolute, escapes quotes', async () => {
    const dir = join(tmp, 'w2');
    await mkdir(dir, { recursive: true });
    await writeCheckpointState(dir, { latest: 'model "q".ckpt-9', all: ['/elsewhere/model.ckpt-1'] });
    expect(await readFile(join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model \\"q\\".ckpt-9"\nall_model_checkpoint_paths: "/elsewhere/model.ckpt-1"\nall_model_checkpoint_paths: "model \\"q\\".ckpt-9"\n',
    );
    const s = await readCheckpointState(dir);
    expect(s.latest).toBe(join(dir, 'model "q".ckpt-9'));
    await expect(writeCheckpointState(dir, { latest: '' })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
