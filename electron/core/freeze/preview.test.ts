// The live preview of click-to-freeze (preview.ts): counts and kept nodes without writing, and
// each warning in plain words with what Frost does about it — training ops reached through
// control edges, variable uses that need rewriting, stale static shapes after a cut.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleV2 } from '../checkpoint/bundle-writer.js';
import { writeDemoCheckpoint } from '../demo/demo-checkpoint.js';
import { writeMetaGraphFile } from '../graph/write-graph.js';
import { Long } from '../proto/tf.js';
import { openSource } from '../source/open-source.js';
import { DT } from '../tensor/dtype.js';
import { inputSpecOf, previewFreeze } from './preview.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-preview-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const f32 = { type: DT.FLOAT };
const vec2 = { shape: { dim: [{ size: Long.fromNumber(2) }] } };
let trainPrefix = '';
beforeAll(async () => {
  // x * v, with a control edge to v's update, and IsVariableInitialized(v) as a second output.
  mkdirSync(join(tmp, 'train'));
  trainPrefix = join(tmp, 'train', 'model.ckpt-1');
  await writeBundleV2(trainPrefix, [{ key: 'v', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [2], bytes: new Uint8Array(new Float32Array([1, 2]).buffer) } }]);
  await writeMetaGraphFile(`${trainPrefix}.meta`, {
    graphDef: {
      node: [
        { name: 'v', op: 'VariableV2', attr: { dtype: f32, shape: vec2 } },
        { name: 'v/read', op: 'Identity', input: ['v'], attr: { T: f32 } },
        { name: 'one', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: DT.FLOAT, floatVal: [1] } } } },
        { name: 'update', op: 'AssignAdd', input: ['v', 'one'], attr: { T: f32 } },
        { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: vec2 } },
        { name: 'y', op: 'Mul', input: ['x', 'v/read', '^update'], attr: { T: f32 } },
        { name: 'ready', op: 'IsVariableInitialized', input: ['v'], attr: { dtype: f32 } },
      ],
    },
  });
});

describe('previewFreeze', () => {
  it('counts and kept nodes of the demo, and the stale batch shape after its queue', async () => {
    const { prefix } = await writeDemoCheckpoint(join(tmp, 'demo'));
    const before = readdirSync(join(tmp, 'demo')).sort();
    const source = await openSource(prefix);
    try {
      const p = await previewFreeze(source, { outputs: ['probabilities'] });
      expect(p.nodes).toEqual({ before: 148, kept: 15, dropped: 133 });
      expect(p.variablesFrozen).toBe(4);
      expect(p.kept).toContain('probabilities');
      expect(p.kept).toContain('batch');
      expect(p.kept.some((n) => n.startsWith('train/') || n.startsWith('save/'))).toBe(false);
      expect(p.inputs).toEqual([{ name: 'batch', dtype: 'float32', shape: [-1, 64], replaces: 'batch:0' }]);
      expect(p.warnings).toEqual([
        {
          kind: 'stale-shapes',
          message: 'batch (QueueDequeueManyV2) delivered training batches of 32; the static shapes recorded after it name that size.',
          action: 'Frost makes the batch dimension of batch unknown (-1) and drops the stale recorded shapes downstream; if the graph still needs 32 (a constant-folded shape), set the shape here.',
        },
      ]);
      // An edited shape is what the plan uses; nothing is written.
      const edited = await previewFreeze(source, { outputs: ['probabilities'], inputs: [inputSpecOf({ tensor: 'batch:0', dtype: 'float32', shape: [32, 64] })] });
      expect(edited.inputs[0]?.shape).toEqual([32, 64]);
      expect(edited.warnings).toEqual([]);
      expect(readdirSync(join(tmp, 'demo')).sort()).toEqual(before);
    } finally {
      await source.close();
    }
  });

  it('says what it does about training ops behind control edges and variable uses it rewrites', async () => {
    const source = await openSource(trainPrefix);
    try {
      const p = await previewFreeze(source, { outputs: ['y', 'ready'] });
      expect(p.kept.sort()).toEqual(['ready', 'v', 'v/read', 'x', 'y']);
      const kinds = p.warnings.map((w) => w.kind);
      expect(kinds).toEqual(['training-ops', 'ref-rewrites']);
      expect(p.warnings[0]?.message).toContain('update');
      expect(p.warnings[0]?.action).toBe('Frost drops those edges: the frozen graph never updates a variable.');
      expect(p.warnings[1]?.message).toContain('IsVariableInitialized → Const');
      expect(p.warnings[1]?.action).toContain('a frozen variable is always initialized');
    } finally {
      await source.close();
    }
  });

  it('refuses an edit with an unknown dtype or a bad shape', () => {
    expect(inputSpecOf({ tensor: 'batch:0', dtype: 'int64', shape: [-1, 3] })).toEqual({ tensor: 'batch:0', dtype: DT.INT64, shape: [-1, 3] });
    expect(inputSpecOf({ tensor: 'x', shape: null })).toEqual({ tensor: 'x', shape: null });
    expect(() => inputSpecOf({ tensor: 'x', dtype: 'float33' })).toThrow(/not a dtype/);
    expect(() => inputSpecOf({ tensor: 'x', shape: [-2] })).toThrow(/whole numbers/);
  });
});
