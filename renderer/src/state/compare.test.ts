/** The Compare slice, driven without React: B opened, diff:run as a job, cancel, close, filters, selection. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Res, Result } from '../../../shared/ipc/contract.js';
import type { DiffResult, GraphNodeDiff } from '../../../shared/model/diff.js';
import { deferred, fakeClient, graph, report, type FakeClient } from '../test/fake-client.js';
import { filterDiffNodes, diffIndex, weightHeat } from '../graph/diff-index.js';
import { createFrost, type Frost } from './store.js';

let frosts: Frost[] = [];
afterEach(() => {
  for (const f of frosts) f.dispose();
  frosts = [];
});

const nodes: GraphNodeDiff[] = [
  { kind: 'removed', a: 'queue/fifo', opA: 'FIFOQueueV2' },
  { kind: 'frozen', a: 'dense/kernel', b: 'dense/kernel', opA: 'VariableV2', opB: 'Const', matchedBy: 'name', checkpointKey: 'dense/kernel', value: 'same' },
  { kind: 'changed', a: 'dense/MatMul', b: 'dense/MatMul', opA: 'MatMul', opB: 'MatMul', matchedBy: 'name', changes: [{ field: 'attrs', key: 'transpose_a', before: 'false', after: 'true' }] },
  { kind: 'added', b: 'extra/Relu', opB: 'Relu' },
];

function diffResult(): DiffResult {
  return {
    a: { path: '/data/train', format: 'checkpoint-folder' },
    b: { path: '/data/train', format: 'checkpoint-folder' },
    graph: {
      nodesA: 5,
      nodesB: 4,
      counts: { added: 1, removed: 1, changed: 1, renamed: 0, frozen: 1, cut: 0, unchanged: 2 },
      freezing: false,
      freezeNormalized: { devicesCleared: 0, refTypesDropped: 0 },
      nodes,
      sides: { a: { 'queue/fifo': 'removed', 'dense/kernel': 'frozen', 'dense/MatMul': 'changed' }, b: { 'dense/kernel': 'frozen', 'dense/MatMul': 'changed', 'extra/Relu': 'added' } },
      pairs: {},
      scopes: [
        { scope: 'dense', added: 0, removed: 0, changed: 1, renamed: 0, frozen: 1, cut: 0, unchanged: 0 },
        { scope: 'queue', added: 0, removed: 1, changed: 0, renamed: 0, frozen: 0, cut: 0, unchanged: 0 },
      ],
      signatureRounds: 0,
      ms: 1,
    },
    checkpoint: {
      a: { prefix: '/data/train/model.ckpt-20', step: 20 },
      b: { prefix: '/data/train/model.ckpt-10', step: 10 },
      variables: [
        { key: 'dense/bias', dtypeA: 'float32', dtypeB: 'float32', shapeA: [10], shapeB: [10], status: 'compared', delta: { elements: 10, changed: 0, changedPercent: 0, maxAbs: 0, meanAbs: 0, relL2: 0, cosine: 1 } },
        { key: 'dense/kernel', dtypeA: 'float32', dtypeB: 'float32', shapeA: [4, 10], shapeB: [4, 10], status: 'compared', delta: { elements: 40, changed: 40, changedPercent: 100, maxAbs: 0.5, meanAbs: 0.1, relL2: 0.01, cosine: 0.99 } },
      ],
      onlyInA: [{ key: 'global_step', dtype: 'int64', shape: [] }],
      onlyInB: [],
      totals: { compared: 2, changed: 1, unchanged: 1, mismatched: 0, unreadable: 0, bytesRead: 400 },
      ms: 1,
    },
    notes: [],
    ms: 2,
  };
}

async function setup(diff?: () => Promise<Result<DiffResult>> | Result<DiffResult>) {
  const client: FakeClient = fakeClient('http');
  let n = 0;
  let opened = 0;
  client.on('source:open', (req) => ({ ok: true, value: { sourceId: req.path === '/data/train' && req.step === undefined ? 's1' : `b${++opened}`, report: report(req.path === '/data/b.pb' ? { path: '/data/b.pb', format: 'graph-def', variables: [] } : {}) } }));
  client.on('freeze:open', () => ({ ok: true, value: { sourceId: 'frozen-1', report: report({ path: 'model.ckpt-20-frozen.pb', format: 'graph-def', variables: [] }) } }));
  client.on('source:close', () => ({ ok: true, value: { closed: true } }));
  client.on('recent:list', () => ({ ok: true, value: [] }));
  client.on('graph:get', () => ({ ok: true, value: graph() }));
  client.on('job:cancel', () => ({ ok: true, value: { cancelled: true } }));
  client.on('diff:run', diff ?? (() => ({ ok: true, value: diffResult() })));
  const frost = createFrost({ client, storage: null, saveDelayMs: 0, newJobId: () => `job-${++n}` });
  frosts.push(frost);
  await frost.actions.openSource('/data/train');
  return { client, frost, state: () => frost.store.getState(), actions: frost.actions };
}

describe('starting a comparison', () => {
  it('opens B by path, runs diff:run on both sources as a job, keeps B’s graph and the result', async () => {
    const reply = deferred<Result<DiffResult>>();
    const { actions, state, client } = await setup(() => reply.promise);
    const stop = actions.listenToProgress();
    const done = actions.startCompare({ kind: 'path', path: ' /data/b.pb ' });
    expect(state().centreTab).toBe('compare');
    expect(state().compare).toMatchObject({ status: 'opening', aSourceId: 's1', aLabel: '/data/train (step 20)' });
    await expect.poll(() => client.callsTo('diff:run').length).toBe(1);
    expect(client.callsTo('source:open').at(-1)).toEqual({ path: '/data/b.pb' });
    expect(client.callsTo('diff:run')).toEqual([{ a: 's1', b: 'b1', jobId: 'job-1' }]);
    expect(state().compare).toMatchObject({ status: 'running', bSourceId: 'b1', bLabel: '/data/b.pb (step 20)' });

    client.progress({ jobId: 'job-1', done: 3, total: 9, message: 'Compared 3 of 9 variables' });
    client.progress({ jobId: 'other', done: 9, total: 9, message: 'not ours' });
    expect(state().compare).toMatchObject({ done: 3, total: 9, message: 'Compared 3 of 9 variables' });

    reply.resolve({ ok: true, value: diffResult() });
    await done;
    expect(state().compare).toMatchObject({ status: 'done', result: { graph: { counts: { added: 1 } } } });
    expect(state().compare?.bGraph?.nodes).toHaveLength(5);
    expect(client.callsTo('graph:get').at(-1)).toEqual({ sourceId: 'b1' });
    expect(state().banners).toEqual([]);
    stop();
  });

  it('compares another step of the open folder, and the frozen graph of the last freeze', async () => {
    const { actions, state, client } = await setup();
    await actions.compareStep(10);
    expect(client.callsTo('source:open').at(-1)).toEqual({ path: '/data/train', step: 10 });
    expect(state().compare?.status).toBe('done');

    // No finished freeze: nothing to compare with.
    await actions.compareFrozen();
    expect(client.callsTo('freeze:open')).toEqual([]);
    client.on('freeze:run', () => ({
      ok: true,
      value: {
        downloadId: 'd7',
        manifest: { source: '', output: 'f.pb', inputs: [], outputs: [], nodes: { before: 5, after: 3 }, variablesFrozen: 1, bytes: 3, cut: [], variables: [], rewrites: [], functions: { kept: [], dropped: [] }, warnings: [] },
      },
    }));
    actions.addFreezeOutput('dense/MatMul');
    await actions.runFreeze();
    await actions.compareFrozen();
    expect(client.callsTo('freeze:open')).toEqual([{ downloadId: 'd7' }]);
    // The step comparison's B was closed when the new comparison began.
    expect(client.callsTo('source:close')).toContainEqual({ sourceId: 'b1' });
    expect(state().compare).toMatchObject({ status: 'done', bSourceId: 'frozen-1', bLabel: 'model.ckpt-20-frozen.pb', target: { kind: 'frozen', downloadId: 'd7' } });
  });

  it('reports a B that does not open, and does nothing without an open source', async () => {
    const { actions, state, client } = await setup();
    client.on('source:open', () => ({ ok: false, error: { code: 'FILE_NOT_FOUND', message: 'No such file /nope' } }));
    await actions.startCompare({ kind: 'path', path: '/nope' });
    expect(state().compare).toMatchObject({ status: 'failed', problem: { code: 'FILE_NOT_FOUND' } });
    expect(state().banners.map((b) => b.title)).toEqual(['Could not open /nope to compare']);
    expect(client.callsTo('diff:run')).toEqual([]);

    const empty = fakeClient('http');
    const frost = createFrost({ client: empty, storage: null, saveDelayMs: 0 });
    frosts.push(frost);
    await frost.actions.startCompare({ kind: 'path', path: '/x' });
    expect(empty.calls).toEqual([]);
    expect(frost.store.getState().compare).toBeNull();
  });
});

describe('cancel and close', () => {
  it('cancels the diff with job:cancel; CANCELLED ends it without a banner', async () => {
    const reply = deferred<Result<DiffResult>>();
    const { actions, state, client } = await setup(() => reply.promise);
    const done = actions.startCompare({ kind: 'step', step: 10 });
    await expect.poll(() => state().compare?.status).toBe('running');
    await actions.cancelCompare();
    await actions.cancelCompare();
    expect(client.callsTo('job:cancel')).toEqual([{ jobId: 'job-1' }]);
    expect(state().compare?.status).toBe('cancelling');
    reply.resolve({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
    await done;
    expect(state().compare?.status).toBe('cancelled');
    expect(state().banners).toEqual([]);
  });

  it('closing the comparison closes B and returns to the graph; closing while B opens closes B when it arrives', async () => {
    const { actions, state, client } = await setup();
    await actions.compareStep(10);
    actions.closeCompare();
    expect(state()).toMatchObject({ compare: null, centreTab: 'graph', compareSelection: null });
    expect(client.callsTo('source:close')).toContainEqual({ sourceId: 'b1' });

    const open = deferred<Result<Res<'source:open'>>>();
    client.on('source:open', () => open.promise);
    const started = actions.compareStep(10);
    actions.closeCompare();
    open.resolve({ ok: true, value: { sourceId: 'late', report: report() } });
    await started;
    expect(client.callsTo('source:close')).toContainEqual({ sourceId: 'late' });
    expect(client.callsTo('diff:run')).toHaveLength(1);
    expect(state().compare).toBeNull();
  });

  it('ends (and closes B) when another source opens in place of A', async () => {
    const { actions, state, client } = await setup();
    await actions.compareStep(10);
    await actions.openSource('/data/other');
    expect(state().compare).toBeNull();
    expect(client.callsTo('source:close')).toContainEqual({ sourceId: 'b1' });
    expect(state().centreTab).toBe('graph');
  });
});

describe('the list: filters and selection', () => {
  it('toggles kinds, filters by scope and text, and resets with a new comparison', async () => {
    const { actions, state } = await setup();
    await actions.compareStep(10);
    const idx = diffIndex(state().compare!.result!);
    const names = () => filterDiffNodes(idx.ordered, state().compareFilter).map((n) => n.a ?? n.b);
    // The CLI's order: changed, renamed, frozen, cut, added, removed.
    expect(names()).toEqual(['dense/MatMul', 'dense/kernel', 'extra/Relu', 'queue/fifo']);
    actions.toggleCompareKind('removed');
    actions.toggleCompareKind('added');
    expect(names()).toEqual(['dense/MatMul', 'dense/kernel']);
    actions.toggleCompareKind('added');
    expect(state().compareFilter.kinds).toEqual(['changed', 'renamed', 'frozen', 'cut', 'added']);
    actions.setCompareScope('extra');
    expect(names()).toEqual(['extra/Relu']);
    actions.setCompareScope(null);
    actions.setCompareText('const');
    expect(names()).toEqual(['dense/kernel']);
    await actions.compareStep(10);
    expect(state().compareFilter).toEqual({ kinds: ['changed', 'renamed', 'frozen', 'cut', 'added', 'removed'], text: '', scope: null });
  });

  it('selecting an entry selects its A node (and loads its tensor); an added node is kept by its B name', async () => {
    const { actions, state, client } = await setup();
    client.on('tensor:get', (req) => ({ ok: true, value: { name: req.name, origin: 'checkpoint', dtype: 'float32', shape: [4, 10], elements: 40, bytes: 160, preview: '' } }));
    await actions.compareStep(10);
    actions.selectDiffEntry({ a: 'dense/kernel', b: 'dense/kernel' });
    expect(state()).toMatchObject({ selectedNode: 'dense/kernel', selectedVariable: 'dense/kernel', compareSelection: { a: 'dense/kernel', b: 'dense/kernel' } });
    actions.selectDiffEntry({ b: 'extra/Relu' });
    expect(state()).toMatchObject({ selectedNode: null, compareSelection: { a: null, b: 'extra/Relu' } });
  });
});

describe('diff lookups', () => {
  it('indexes entries by A and B name and variables by key; heat grows with relative L2', () => {
    const idx = diffIndex(diffResult());
    expect(idx.byA.get('dense/kernel')?.kind).toBe('frozen');
    expect(idx.byB.get('extra/Relu')?.kind).toBe('added');
    expect(idx.byA.has('extra/Relu')).toBe(false);
    expect(idx.onlyIn.get('global_step')).toBe('a');
    expect(weightHeat(idx.variables.get('dense/bias'))).toBe(0);
    const kernel = weightHeat(idx.variables.get('dense/kernel'));
    expect(kernel).toBeCloseTo(4 / 6, 10);
    const big = { ...idx.variables.get('dense/kernel')!, delta: { ...idx.variables.get('dense/kernel')!.delta!, relL2: 3 } };
    expect(weightHeat(big)).toBe(1);
    const fromZero = { ...big, delta: { ...big.delta, relL2: null } };
    expect(weightHeat(fromZero)).toBe(1);
    expect(weightHeat(undefined)).toBe(0);
  });
});
