// Opening checkpoint folders: the graph of a step saved without one (write_meta_graph=False),
// and a step that is not there.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { openSource } from './open-source.js';

const base = mkdtempSync(join(tmpdir(), 'frost-open-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('checkpoint folders', () => {
  it('takes the graph of another step of the same run when the opened step was saved without one', async () => {
    const dir = join(base, 'run');
    const src = fixture('simple-model-freeze-oracle');
    mkdirSync(dir);
    for (const step of [100, 200, 300]) {
      copyFileSync(join(src, 'simple_model.index'), join(dir, `model.ckpt-${step}.index`));
      copyFileSync(join(src, 'simple_model.data-00000-of-00001'), join(dir, `model.ckpt-${step}.data-00000-of-00001`));
    }
    copyFileSync(join(src, 'simple_model.meta'), join(dir, 'model.ckpt-100.meta'));
    writeFileSync(join(dir, 'checkpoint'), 'model_checkpoint_path: "model.ckpt-300"\n');
    for (const path of [dir, join(dir, 'model.ckpt-300')]) {
      const s = await openSource(path);
      try {
        expect(s.reader?.prefix).toBe(join(dir, 'model.ckpt-300'));
        expect(s.graph?.file).toBe(join(dir, 'model.ckpt-100.meta'));
        expect(s.warnings.map((w) => w.message)).toContain('model.ckpt-300 was saved without its graph; using model.ckpt-100.meta, the graph of another step of the same run.');
      } finally {
        await s.close();
      }
    }
    // The step that has its own graph uses it, with no warning.
    const own = await openSource(dir, { step: 100 });
    expect(own.warnings).toEqual([]);
    await own.close();
  });

  it('names a missing step with the steps there, in order and shortened when there are many', async () => {
    const dir = join(base, 'many');
    mkdirSync(dir);
    for (let s = 1; s <= 30; s++) writeFileSync(join(dir, `model.ckpt-${s * 10}.index`), '');
    await expect(openSource(dir, { step: 5 })).rejects.toThrow('has no checkpoint for step 5 (steps present: 10, 20, 30, 40, 50, … 260, 270, 280, 290, 300 (30 steps)).');
  });
});
