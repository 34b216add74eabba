/** The click-to-freeze slice, driven without React: outputs, suggestions, the freeze job and its delivery. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FreezeRunResult, Res, Result } from '../../../shared/ipc/contract.js';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import { deferred, fakeClient, graph, report, type FakeClient } from '../test/fake-client.js';
import { createFrost, type Frost } from './store.js';

let frosts: Frost[] = [];
afterEach(() => {
  for (const f of frosts) f.dispose();
  frosts = [];
});

const manifest = (over: Partial<FreezeManifest> = {}): FreezeManifest => ({
  source: '/data/train/model.ckpt-20.meta',
  output: 'model.ckpt-20-frozen.pb',
  inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 4], replaces: 'batch:0' }],
  outputs: [{ name: 'dense/MatMul', dtype: 'float32' }],
  nodes: { before: 5, after: 3 },
  variablesFrozen: 1,
  bytes: 300,
  cut: [],
  variables: [],
  rewrites: [],
  functions: { kept: [], dropped: [] },
  warnings: [],
  ...over,
});
const frozen = (downloadId = 'd1'): Result<FreezeRunResult> => ({ ok: true, value: { manifest: manifest(), downloadId } });

async function setup(transport: 'http' | 'electron' = 'http', run?: (req: { outputs: string[] }) => Promise<Result<FreezeRunResult>> | Result<FreezeRunResult>) {
  const client: FakeClient = fakeClient(transport);
  let n = 0;
  client.on('source:open', (req) => ({ ok: true, value: { sourceId: req.path === '/data/other' ? 's2' : 's1', report: report() } }));
  client.on('source:close', () => ({ ok: true, value: { closed: true } }));
  client.on('recent:list', () => ({ ok: true, value: [] }));
  client.on('graph:get', () => ({ ok: true, value: graph() }));
  client.on('job:cancel', () => ({ ok: true, value: { cancelled: true } }));
  client.on('freeze:suggest', () => ({
    ok: true,
    value: { outputs: [{ name: 'dense/MatMul', op: 'MatMul', score: 12, reasons: ['a sink of the model'] }], inputs: [{ name: 'x', op: 'Placeholder', kind: 'placeholder', reasons: ['fed by the user'] }] },
  }));
  client.on('freeze:run', run ?? (() => frozen()));
  const frost = createFrost({ client, storage: null, saveDelayMs: 0, newJobId: () => `job-${++n}` });
  frosts.push(frost);
  await frost.actions.openSource('/data/train');
  return { client, frost, state: () => frost.store.getState(), actions: frost.actions };
}

describe('choosing outputs', () => {
  it('toggles, adds once, removes', async () => {
    const { actions, state } = await setup();
    expect(state().freezeOutputs).toEqual([]);
    actions.toggleFreezeOutput('dense/MatMul');
    actions.addFreezeOutput(' dense/MatMul ');
    actions.addFreezeOutput('x');
    expect(state().freezeOutputs).toEqual(['dense/MatMul', 'x']);
    actions.toggleFreezeOutput('dense/MatMul');
    expect(state().freezeOutputs).toEqual(['x']);
    actions.removeFreezeOutput('x');
    actions.removeFreezeOutput('not-there');
    expect(state().freezeOutputs).toEqual([]);
  });

  it('forgets the outputs, suggestions and freeze when another source opens', async () => {
    const { actions, state } = await setup();
    actions.addFreezeOutput('dense/MatMul');
    await actions.loadFreezeSuggestions();
    await actions.runFreeze();
    await actions.openSource('/data/other');
    expect(state()).toMatchObject({ freezeOutputs: [], freezeSuggestions: null, freeze: null });
  });
});

describe('suggestions', () => {
  it('loads freeze:suggest once per source', async () => {
    const { actions, state, client } = await setup();
    const loading = actions.loadFreezeSuggestions();
    expect(state().freezeSuggestions?.status).toBe('loading');
    await loading;
    await actions.loadFreezeSuggestions();
    expect(client.callsTo('freeze:suggest')).toEqual([{ sourceId: 's1' }]);
    expect(state().freezeSuggestions).toMatchObject({ sourceId: 's1', status: 'ready', outputs: [{ name: 'dense/MatMul', reasons: ['a sink of the model'] }], inputs: [{ name: 'x' }] });
  });

  it('keeps a failure inline and tries again next time', async () => {
    const { actions, state, client } = await setup();
    client.on('freeze:suggest', () => ({ ok: false, error: { code: 'USAGE', message: 'no graph' } }));
    await actions.loadFreezeSuggestions();
    expect(state().freezeSuggestions).toMatchObject({ status: 'error', problem: { code: 'USAGE' } });
    await actions.loadFreezeSuggestions();
    expect(client.callsTo('freeze:suggest')).toHaveLength(2);
  });
});

describe('the freeze job', () => {
  it('runs freeze:run with the outputs and a job id, follows progress, keeps the result and downloads it (browser)', async () => {
    const reply = deferred<Result<FreezeRunResult>>();
    const { actions, state, client } = await setup('http', () => reply.promise);
    const stop = actions.listenToProgress();
    await actions.runFreeze();
    expect(client.callsTo('freeze:run')).toEqual([]);
    actions.addFreezeOutput('dense/MatMul');
    const done = actions.runFreeze();
    expect(client.callsTo('freeze:run')).toEqual([{ sourceId: 's1', outputs: ['dense/MatMul'], jobId: 'job-1' }]);
    expect(state().freeze).toMatchObject({ jobId: 'job-1', status: 'running', outputs: ['dense/MatMul'] });
    await actions.runFreeze();
    expect(client.callsTo('freeze:run')).toHaveLength(1);

    client.progress({ jobId: 'job-1', done: 0, total: 1, message: 'Planning the freeze…' });
    client.progress({ jobId: 'job-1', done: 120, total: 300, message: 'Wrote 120 of 300 bytes' });
    client.progress({ jobId: 'job-1', done: 100, total: 300, message: 'late' });
    client.progress({ jobId: 'other', done: 300, total: 300, message: 'not ours' });
    expect(state().freeze).toMatchObject({ done: 120, total: 300, message: 'Wrote 120 of 300 bytes' });

    reply.resolve(frozen('d1'));
    await done;
    expect(state().freeze).toMatchObject({ status: 'done', done: 300, total: 300, result: { downloadId: 'd1', manifest: { nodes: { before: 5, after: 3 } } }, delivery: { status: 'downloaded' } });
    expect(client.downloads).toEqual(['d1']);
    expect(client.callsTo('freeze:save')).toEqual([]);
    expect(state().banners).toEqual([]);
    stop();
    expect(client.progressListeners).toBe(0);
  });

  it('saves through freeze:save in Electron (saved, or the dialog cancelled)', async () => {
    const { actions, state, client } = await setup('electron');
    client.on('freeze:save', () => ({ ok: true, value: { saved: true, path: '/home/me/model-frozen.pb' } }));
    actions.addFreezeOutput('dense/MatMul');
    await actions.runFreeze();
    expect(client.callsTo('freeze:save')).toEqual([{ downloadId: 'd1' }]);
    expect(client.downloads).toEqual([]);
    expect(state().freeze?.delivery).toEqual({ status: 'saved', path: '/home/me/model-frozen.pb' });

    client.on('freeze:save', () => ({ ok: true, value: { saved: false } }));
    await actions.deliverFrozen();
    expect(state().freeze?.delivery).toEqual({ status: 'not-saved' });

    client.on('freeze:save', () => ({ ok: false, error: { code: 'FILE_UNWRITABLE', message: 'read-only' } }));
    await actions.deliverFrozen();
    expect(state().freeze?.delivery).toEqual({ status: 'failed' });
    expect(state().banners[0]?.title).toBe('Could not save the frozen graph');
  });

  it('cancels with job:cancel; CANCELLED ends it without a banner', async () => {
    const reply = deferred<Result<FreezeRunResult>>();
    const { actions, state, client } = await setup('http', () => reply.promise);
    actions.addFreezeOutput('dense/MatMul');
    const done = actions.runFreeze();
    await actions.cancelFreeze();
    await actions.cancelFreeze();
    expect(client.callsTo('job:cancel')).toEqual([{ jobId: 'job-1' }]);
    expect(state().freeze?.status).toBe('cancelling');
    reply.resolve({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
    await done;
    expect(state().freeze?.status).toBe('cancelled');
    expect(state().banners).toEqual([]);
    expect(client.downloads).toEqual([]);
  });

  it('shows an error (an output not in the graph) inline and as a banner', async () => {
    const { actions, state, client } = await setup('http', () => ({ ok: false, error: { code: 'NODE_NOT_FOUND', message: 'Not in the graph: "nope".' } }));
    actions.addFreezeOutput('nope');
    await actions.runFreeze();
    expect(state().freeze).toMatchObject({ status: 'failed', problem: { code: 'NODE_NOT_FOUND' } });
    expect(state().banners).toMatchObject([{ title: 'Could not freeze /data/train', problem: { code: 'NODE_NOT_FOUND' } }]);
    expect(client.downloads).toEqual([]);
  });

  it('drops the late answer of a freeze whose source was replaced', async () => {
    const reply = deferred<Result<Res<'freeze:run'>>>();
    const { actions, state, client } = await setup('http', () => reply.promise);
    actions.addFreezeOutput('dense/MatMul');
    const done = actions.runFreeze();
    await actions.openSource('/data/other');
    reply.resolve(frozen());
    await done;
    expect(state().freeze).toBeNull();
    expect(client.downloads).toEqual([]);
  });
});

describe('live preview and editable placeholders', () => {
  const preview = (kept: string[]): Result<Res<'freeze:preview'>> => ({
    ok: true,
    value: { nodes: { before: 5, kept: kept.length, dropped: 5 - kept.length }, variablesFrozen: 1, bytes: 300, inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 4], replaces: 'batch:0' }], cut: [], warnings: [], kept },
  });

  it('previews the chosen outputs, keeps the kept set for the graph, and drops answers for outputs since changed', async () => {
    const reply = deferred<Result<Res<'freeze:preview'>>>();
    const { actions, state, client } = await setup();
    client.on('freeze:preview', () => reply.promise);
    await actions.loadFreezePreview();
    expect(client.callsTo('freeze:preview')).toEqual([]);
    actions.addFreezeOutput('dense/MatMul');
    const first = actions.loadFreezePreview();
    expect(state().freezePreview?.status).toBe('loading');
    actions.addFreezeOutput('x');
    reply.resolve(preview(['dense/MatMul']));
    await first;
    expect(state().freezePreview?.status).toBe('loading');
    client.on('freeze:preview', () => preview(['dense/MatMul', 'x', 'w']));
    await actions.loadFreezePreview();
    expect(client.callsTo('freeze:preview')).toEqual([
      { sourceId: 's1', outputs: ['dense/MatMul'] },
      { sourceId: 's1', outputs: ['dense/MatMul', 'x'] },
    ]);
    expect(state().freezePreview?.status).toBe('ready');
    expect([...(state().freezePreview?.kept ?? [])]).toEqual(['dense/MatMul', 'x', 'w']);
    expect([...(state().freezePreview?.keptScopes ?? [])]).toEqual(['dense']);
    actions.removeFreezeOutput('x');
    actions.removeFreezeOutput('dense/MatMul');
    await actions.loadFreezePreview();
    expect(state().freezePreview).toBeNull();
  });

  it('sends an edited placeholder with the preview and the freeze, one edit per tensor', async () => {
    const { actions, state, client } = await setup();
    client.on('freeze:preview', () => preview(['dense/MatMul']));
    actions.addFreezeOutput('dense/MatMul');
    actions.setFreezeInput({ tensor: 'batch:0', dtype: 'float32', shape: [8, 4] });
    actions.setFreezeInput({ tensor: 'batch:0', dtype: 'float32', shape: [16, 4] });
    expect(state().freezeInputs).toEqual([{ tensor: 'batch:0', dtype: 'float32', shape: [16, 4] }]);
    await actions.loadFreezePreview();
    await actions.runFreeze();
    expect(client.callsTo('freeze:preview')).toEqual([{ sourceId: 's1', outputs: ['dense/MatMul'], inputs: [{ tensor: 'batch:0', dtype: 'float32', shape: [16, 4] }] }]);
    expect(client.callsTo('freeze:run')).toEqual([{ sourceId: 's1', outputs: ['dense/MatMul'], jobId: 'job-1', inputs: [{ tensor: 'batch:0', dtype: 'float32', shape: [16, 4] }] }]);
  });
});

describe('verify after a freeze', () => {
  const verified: Res<'freeze:verify'> = {
    backend: 'wasm',
    ranIn: 'worker',
    tolerance: 1e-5,
    seed: 1,
    batchSize: 2,
    inputs: [{ name: 'x', original: 'batch:0', dtype: 'float32', shape: [2, 4], source: 'random' }],
    outputs: [{ name: 'dense/MatMul', dtype: 'float32', shape: [2, 3], ranFrozen: true, ranOriginal: true, maxAbsDiff: 0, pass: true }],
    frozen: { ran: true, unsupported: [] },
    original: { ran: true, unsupported: [] },
    pass: true,
    ms: 12,
  };

  it('runs freeze:verify on the last freeze, follows its progress, and can be cancelled', async () => {
    const reply = deferred<Result<Res<'freeze:verify'>>>();
    const { actions, state, client } = await setup();
    client.on('freeze:verify', () => reply.promise);
    const stop = actions.listenToProgress();
    await actions.runFreezeVerify();
    expect(client.callsTo('freeze:verify')).toEqual([]);
    actions.addFreezeOutput('dense/MatMul');
    await actions.runFreeze();
    const done = actions.runFreezeVerify();
    expect(client.callsTo('freeze:verify')).toEqual([{ sourceId: 's1', downloadId: 'd1', jobId: 'job-2' }]);
    client.progress({ jobId: 'job-2', done: 2, total: 5, message: 'Running the original graph…' });
    expect(state().freezeVerify).toMatchObject({ status: 'running', done: 2, total: 5, message: 'Running the original graph…' });
    reply.resolve({ ok: true, value: verified });
    await done;
    expect(state().freezeVerify).toMatchObject({ status: 'done', downloadId: 'd1', result: { pass: true, outputs: [{ maxAbsDiff: 0 }] } });

    const again = deferred<Result<Res<'freeze:verify'>>>();
    client.on('freeze:verify', () => again.promise);
    const second = actions.runFreezeVerify();
    await actions.cancelFreezeVerify();
    expect(client.callsTo('job:cancel')).toEqual([{ jobId: 'job-3' }]);
    again.resolve({ ok: false, error: { code: 'CANCELLED', message: 'Verify was cancelled.' } });
    await second;
    expect(state().freezeVerify?.status).toBe('cancelled');
    expect(state().banners).toEqual([]);
    stop();
  });
});
