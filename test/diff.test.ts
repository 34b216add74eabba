/**
 * `frost diff` end to end (issue #7) on real files: original vs frozen (Frost's freezer and
 * TensorFlow's own freeze_graph oracle pairs), two steps of one TensorFlow-written run with
 * every delta checked against numpy over TensorFlow's own reader (conformance/make_diff_steps.py),
 * two different graphs (a renamed scope, an attr and a device changed), and the CLI.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffResult, GraphNodeDiff, WeightDelta } from '../shared/model/diff.js';
import type { FreezeManifest } from '../shared/model/freeze-manifest.js';
import { loadGraph, openSource, writeDemoCheckpoint } from '../electron/core/index.js';
import { diffSources } from '../electron/core/diff/diff-sources.js';
import { writeGraphDefFile } from '../electron/core/graph/write-graph.js';
import { fixture, repoRoot } from './fixtures.js';
import { frost, frostJSON } from './cli-helpers.js';
import { findPython } from './python-venv.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const demo = join(tmp, 'demo');
beforeAll(async () => {
  await writeDemoCheckpoint(demo);
});

async function diffPaths(a: string, b: string, stepA?: number, stepB?: number): Promise<DiffResult> {
  const sa = await openSource(a, stepA === undefined ? {} : { step: stepA });
  const sb = await openSource(b, stepB === undefined ? {} : { step: stepB });
  try {
    return await diffSources(sa, sb);
  } finally {
    await sa.close();
    await sb.close();
  }
}

const kindsOf = (nodes: GraphNodeDiff[], kind: string): string[] => nodes.filter((n) => n.kind === kind).map((n) => n.a ?? n.b ?? '');

/** Original vs frozen: every frozen variable, every cut, nothing reported as changed or added. */
function expectFreezeDiff(r: DiffResult, m: FreezeManifest): void {
  const g = r.graph;
  if (!g) throw new Error('no graph diff');
  expect(g.freezing).toBe(true);
  expect(g.counts).toMatchObject({ changed: 0, added: 0, renamed: 0 });
  const frozen = g.nodes.filter((n) => n.kind === 'frozen' && n.opB === 'Const');
  expect(frozen.map((n) => n.a).sort()).toEqual(m.variables.map((v) => v.node).sort());
  for (const n of frozen) {
    expect(n.value).toBe('same');
    expect(n.checkpointKey).toBe(m.variables.find((v) => v.node === n.a)?.key);
  }
  const cutPlaceholders = m.cut.flatMap((c) => c.placeholders.map((p) => p.name)).sort();
  expect(g.nodes.filter((n) => n.kind === 'cut').map((n) => n.b).sort()).toEqual(cutPlaceholders);
  // Every node of the frozen graph is accounted for: kept as is, frozen, or a cut placeholder.
  expect(g.counts.unchanged + g.counts.frozen + g.counts.cut).toBeGreaterThanOrEqual(g.nodesB);
  expect(Object.keys(g.sides.b).every((name) => g.sides.b[name] === 'frozen' || g.sides.b[name] === 'cut')).toBe(true);
}

describe('original vs frozen', () => {
  it('the demo: 4 variables frozen with their checkpoint values, the queue dequeue cut, training nodes removed', async () => {
    const out = join(tmp, 'demo-frozen.pb');
    const m = await frostJSON<FreezeManifest>('freeze', demo, '--outputs', 'probabilities', '--out', out);
    const r = await diffPaths(demo, out);
    expectFreezeDiff(r, m);
    const g = r.graph as NonNullable<DiffResult['graph']>;
    expect(g.counts).toEqual({ added: 0, removed: 133, changed: 0, renamed: 0, frozen: 4, cut: 1, unchanged: 10 });
    const removed = kindsOf(g.nodes, 'removed');
    for (const n of ['gradients/hidden/MatMul_grad/MatMul', 'train/update_hidden/weights/ApplyGradientDescent', 'save/RestoreV2', 'global_step', 'batch/fifo_queue']) expect(removed).toContain(n);
    expect(g.scopes.find((s) => s.scope === 'gradients')).toMatchObject({ removed: 33, unchanged: 0 });
    expect(r.checkpoint).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/has no checkpoint variables/);
  });

  it('iris (resource variables, 2 shards, a dequeue cut into its component 1): reads rewritten or pruned, never changed', async () => {
    const out = join(tmp, 'iris-frozen.pb');
    const m = await frostJSON<FreezeManifest>('freeze', fixture('iris-estimator-queues-2shards'), '--outputs', 'dnn/head/predictions/probabilities', '--out', out);
    const r = await diffPaths(fixture('iris-estimator-queues-2shards'), out);
    expectFreezeDiff(r, m);
    const g = r.graph as NonNullable<DiffResult['graph']>;
    expect(g.pairs['random_shuffle_queue_DequeueMany']).toBe('random_shuffle_queue_DequeueMany/component_1');
    const rewritten = g.nodes.filter((n) => n.kind === 'frozen' && n.opA === 'ReadVariableOp');
    expect(rewritten.length).toBe(8);
    expect(rewritten.every((n) => n.opB === 'Identity')).toBe(true);
  });

  it("TensorFlow's own freeze_graph output (mnist oracle pair): the same verdict on a freezer that is not Frost's", async () => {
    const r = await diffPaths(fixture('mnist-softmax-v1-freeze-oracle'), fixture('mnist-softmax-v1-freeze-oracle', 'frozen_model.pb'));
    const g = r.graph as NonNullable<DiffResult['graph']>;
    expect(g.counts).toMatchObject({ frozen: 2, changed: 0, added: 0, renamed: 0, unchanged: 6 });
    expect(g.nodes.filter((n) => n.kind === 'frozen').map((n) => [n.a, n.value])).toEqual([['Variable', 'same'], ['Variable_1', 'same']]);
  });
});

describe('two steps of one run', () => {
  const py = findPython(['tensorflow', 'numpy']);
  if (!py.python) console.warn(`SKIP diff steps oracle: ${py.reason}`);
  const script = join(repoRoot, 'conformance', 'make_diff_steps.py');
  const dir = join(repoRoot, '.cache', 'diff-steps', createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16));

  it.skipIf(!py.python)('every delta equals numpy over TensorFlow’s own reader of the same two checkpoints', async () => {
    if (!existsSync(join(dir, 'expected.json'))) {
      const run = spawnSync(py.python as string, [script, dir], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, timeout: 300_000 });
      if (run.status !== 0) throw new Error(`make_diff_steps.py failed: ${run.stderr.slice(-2000)}`);
    }
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, WeightDelta>;
    const r = await diffPaths(dir, dir, 1, 2);
    const c = r.checkpoint;
    if (!c) throw new Error('no checkpoint diff');
    expect(c.a.step).toBe(1);
    expect(c.b.step).toBe(2);
    expect(c.variables.map((v) => v.key)).toEqual(Object.keys(expected).sort());
    for (const v of c.variables) {
      const want = expected[v.key] as WeightDelta;
      const got = v.delta as WeightDelta;
      expect(v.status, v.key).toBe('compared');
      expect([v.key, got.elements, got.changed]).toEqual([v.key, want.elements, want.changed]);
      expect(got.changedPercent).toBeCloseTo(want.changedPercent, 10);
      // maxAbs is one exact float64 difference; the sums may differ from numpy's pairwise summation in the last bits.
      expect(got.maxAbs, v.key).toBe(want.maxAbs);
      for (const k of ['meanAbs', 'relL2', 'cosine'] as const) {
        const w = want[k];
        if (w === null) expect(got[k], `${v.key} ${k}`).toBeNull();
        else expect(Math.abs((got[k] as number) - w), `${v.key} ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)));
      }
    }
    expect(c.variables.find((v) => v.key === 'emb')?.partitioned).toBe(true);
    expect(c.totals).toMatchObject({ compared: 9, changed: 8, unchanged: 1, mismatched: 0, unreadable: 0 });
    expect(r.graph?.counts.unchanged).toBe(r.graph?.nodesA);
  });

  it('the demo folder (Frost-written): step 500 vs 1000 changes every weight, and a step compared with itself changes nothing', async () => {
    const r = await diffPaths(demo, demo, 500, 1000);
    expect(r.checkpoint?.totals).toMatchObject({ compared: 5, changed: 5 });
    expect(r.checkpoint?.variables.find((v) => v.key === 'global_step')?.delta).toMatchObject({ maxAbs: 500, changed: 1 });
    const same = await diffPaths(demo, demo, 1000, 1000);
    expect(same.checkpoint?.totals).toMatchObject({ compared: 5, changed: 0, unchanged: 5 });
    expect(same.checkpoint?.variables.every((v) => v.delta?.maxAbs === 0 && v.delta.changed === 0 && v.delta.relL2 === 0)).toBe(true);
  });

  it('a checkpoint over two data shards compared with itself: streamed, CRC-checked, all unchanged', async () => {
    const r = await diffPaths(fixture('linear-ftrl-2shards', 'model.ckpt-1000.index'), fixture('linear-ftrl-2shards', 'model.ckpt-1000.index'));
    expect(r.checkpoint?.totals).toMatchObject({ compared: 7, changed: 0, unchanged: 7, unreadable: 0 });
  });
});

describe('two frozen graphs', () => {
  it('step 500 vs step 1000 frozen: the changed Consts carry the same deltas as the checkpoint diff of those steps', async () => {
    const f500 = join(tmp, 'f500.pb');
    const f1000 = join(tmp, 'f1000.pb');
    expect((await frost('freeze', demo, '--step', '500', '--outputs', 'probabilities', '--out', f500)).code).toBe(0);
    expect((await frost('freeze', demo, '--step', '1000', '--outputs', 'probabilities', '--out', f1000)).code).toBe(0);
    const g = (await diffPaths(f500, f1000)).graph as NonNullable<DiffResult['graph']>;
    expect(g.counts).toMatchObject({ changed: 4, unchanged: 11, added: 0, removed: 0 });
    const ckpt = (await diffPaths(demo, demo, 500, 1000)).checkpoint as NonNullable<DiffResult['checkpoint']>;
    for (const n of g.nodes) {
      expect(n.changes).toEqual([expect.objectContaining({ field: 'attrs', key: 'value' })]);
      const v = ckpt.variables.find((x) => x.key === n.a);
      expect(n.weights?.changed).toBe(v?.delta?.changed);
      expect(n.weights?.maxAbs).toBe(v?.delta?.maxAbs);
      expect(n.weights?.relL2).toBeCloseTo(v?.delta?.relL2 ?? NaN, 12);
    }
  });
});

describe('two different graphs', () => {
  it('a renamed scope is matched by structure; a changed attr and device are reported', async () => {
    const loaded = await loadGraph(join(demo, 'model.ckpt-1000.meta'));
    const rename = (s: string): string => s.replace(/^(\^?)hidden\//, '$1fc1/').replace(/^loc:@hidden\//, 'loc:@fc1/');
    const nodes = (loaded.graphDef.node ?? []).map((n) => {
      const copy = { ...n, name: rename(n.name ?? ''), input: (n.input ?? []).map(rename), attr: { ...(n.attr ?? {}) } };
      const cls = copy.attr['_class'];
      if (cls?.list?.s) copy.attr['_class'] = { list: { s: cls.list.s.map((b) => new TextEncoder().encode(rename(new TextDecoder().decode(b)))) } };
      if (copy.name === 'logits/MatMul') copy.attr['transpose_a'] = { b: true };
      if (copy.name === 'probabilities') copy.device = '/device:GPU:0';
      return copy;
    });
    const file = join(tmp, 'variant.pb');
    await writeGraphDefFile(file, { node: nodes, versions: loaded.graphDef.versions ?? null });
    const r = await diffPaths(join(demo, 'model.ckpt-1000.meta'), file);
    const g = r.graph as NonNullable<DiffResult['graph']>;
    const hidden = (loaded.graphDef.node ?? []).filter((n) => (n.name ?? '').startsWith('hidden/')).map((n) => n.name ?? '');
    expect(Object.keys(g.pairs).sort()).toEqual(hidden.sort());
    for (const a of hidden) expect(g.pairs[a]).toBe(a.replace(/^hidden\//, 'fc1/'));
    expect(g.counts).toMatchObject({ added: 0, removed: 0, renamed: hidden.length, changed: 2, frozen: 0, cut: 0 });
    expect(g.nodes.find((n) => n.a === 'logits/MatMul')?.changes).toEqual([{ field: 'attrs', key: 'transpose_a', before: 'false', after: 'true' }]);
    expect(g.nodes.find((n) => n.a === 'probabilities')?.changes).toEqual([{ field: 'device', before: '', after: '/device:GPU:0' }]);
    expect(g.sides.b['fc1/weights']).toBe('renamed');
  });

  it('two unrelated real graphs: every node is either matched or listed, and counts add up', async () => {
    const r = await diffPaths(fixture('iris-dnn-contrib-learn-v2'), fixture('estimator-basics-v2'));
    const g = r.graph as NonNullable<DiffResult['graph']>;
    const c = g.counts;
    expect(c.unchanged + c.changed + c.renamed + c.removed + c.frozen + c.cut).toBe(g.nodesA);
    expect(c.unchanged + c.changed + c.renamed + c.added + c.frozen + c.cut).toBe(g.nodesB);
    expect(r.checkpoint?.onlyInA.length).toBeGreaterThan(0);
    expect(r.checkpoint?.onlyInB.length).toBeGreaterThan(0);
  });
});

describe('frost diff (CLI)', () => {
  it('prints a table of kinds, scopes and nodes for original vs frozen', async () => {
    const out = join(tmp, 'demo-frozen-cli.pb');
    expect((await frost('freeze', demo, '--outputs', 'probabilities', '--out', out)).code).toBe(0);
    const r = await frost('diff', demo, out, '--limit', '5');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Graph: 148 → 15 nodes (B is a frozen form of A)');
    expect(r.out).toContain('frozen 4, cut 1, removed 133, unchanged 10');
    expect(r.out).toMatch(/frozen\s+hidden\/weights\s+=\s+VariableV2 → Const; value = checkpoint/);
    expect(r.out).toMatch(/… 133 more \(--json lists them all\)/);
  });

  it('--steps N,M compares two steps of one folder; --json prints the DiffResult', async () => {
    const human = await frost('diff', demo, '--steps', '500,1000');
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/Checkpoint: model\.ckpt-500 \(step 500\) → model\.ckpt-1000 \(step 1000\): 5 variables compared, 5 changed/);
    expect(human.out).toMatch(/global_step\s+int64 \[\]\s+500\s+500\s+1\s+1\.000000\s+100%/);
    const json = await frostJSON<DiffResult>('diff', demo, '--steps', '500,1000');
    expect(json.checkpoint?.variables.map((v) => v.key)).toEqual(['global_step', 'hidden/biases', 'hidden/weights', 'logits/biases', 'logits/weights']);
    expect(json.graph?.counts.unchanged).toBe(148);
  });

  it('usage errors exit 2, bad input exits 1', async () => {
    expect((await frost('diff', demo)).code).toBe(2);
    expect((await frost('diff', demo, '--steps', '5')).code).toBe(2);
    expect((await frost('diff', demo, demo, demo)).code).toBe(2);
    const missing = await frost('diff', demo, '--steps', '500,7');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no checkpoint for step 7/);
    expect((await frost('help', 'diff')).out).toContain('--steps N,M');
    expect((await frost('--help')).out).toMatch(/diff\s+compare two graphs or checkpoints/);
  });
});
