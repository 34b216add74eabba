import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedSource, Res, Result } from '../../../shared/ipc/contract.js';
import { deferred, fakeClient, graph, report, type FakeClient } from '../test/fake-client.js';
import { STORAGE_KEY, type KeyValueStorage } from './persist.js';
import { createFrost, type Frost } from './store.js';

const opened = (sourceId: string, overrides = {}): Result<OpenedSource> => ({ ok: true, value: { sourceId, report: report(overrides) } });
const tensor = (name: string): Res<'tensor:get'> => ({ name, origin: 'checkpoint', dtype: 'float32', shape: [2], elements: 2, bytes: 8, preview: '[1, 2]' });

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

let frosts: Frost[] = [];
afterEach(() => {
  for (const f of frosts) f.dispose();
  frosts = [];
});

function setup(opts: { storage?: KeyValueStorage | null; client?: FakeClient; newJobId?: () => string } = {}) {
  const client = opts.client ?? fakeClient();
  client.on('app:info', () => ({ ok: true, value: { version: '0.1.0', mode: 'serve', platform: 'linux', initialPath: '/data/train' } }));
  client.on('recent:list', () => ({ ok: true, value: [{ path: '/data/train', openedAt: 1 }] }));
  client.on('source:open', () => opened('s1'));
  client.on('source:close', () => ({ ok: true, value: { closed: true } }));
  client.on('graph:get', () => ({ ok: true, value: graph() }));
  client.on('tensor:get', (req) => ({ ok: true, value: tensor(req.name) }));
  const frost = createFrost({ client, storage: opts.storage ?? null, saveDelayMs: 0, ...(opts.newJobId ? { newJobId: opts.newJobId } : {}) });
  frosts.push(frost);
  return { client, frost, state: () => frost.store.getState(), actions: frost.actions };
}

describe('start-up', () => {
  it('reads app info and the recent list, then opens the initial path', async () => {
    const { actions, state, client } = setup();
    expect(state().phase).toBe('empty');
    const started = actions.startApp();
    expect(state()).toMatchObject({ phase: 'loading', busy: 'Starting…' });
    await started;
    expect(state().appInfo?.mode).toBe('serve');
    expect(client.callsTo('source:open')).toEqual([{ path: '/data/train' }]);
    expect(state()).toMatchObject({ phase: 'ready', sourceId: 's1', path: '/data/train', graphStatus: 'ready', busy: null });
    expect(state().recent).toHaveLength(1);
    expect(state().graph?.nodes).toHaveLength(5);
  });

  it('draws from the graph structure first and merges the details into the same nodes when they come', async () => {
    const { actions, state, client } = setup();
    const full = deferred<Result<Res<'graph:get'>>>();
    client.on('graph:get', (req) => {
      if (req.detail !== 'structure') return full.promise;
      const g = graph();
      for (const n of g.nodes) n.attrs = {};
      return { ok: true, value: g };
    });
    const opening = actions.openSource('/data/train');
    await new Promise((r) => setTimeout(r, 10));
    // The structure first; the full IR asked for once that is drawn.
    expect(client.callsTo('graph:get')).toEqual([{ sourceId: 's1', detail: 'structure' }, { sourceId: 's1' }]);
    const drawn = state().graph;
    expect(state()).toMatchObject({ graphStatus: 'ready', graphDetail: 'structure' });
    expect(drawn?.nodes.every((n) => Object.keys(n.attrs).length === 0)).toBe(true);
    const details = graph();
    details.nodes[0] = { ...(details.nodes[0] as (typeof details.nodes)[number]), attrs: { dtype: 'float32' }, device: '/cpu:0' };
    full.resolve({ ok: true, value: details });
    await opening;
    expect(state().graph).toBe(drawn); // the same object: hierarchy and layouts stay valid
    expect(state().graphDetail).toBe('full');
    expect(drawn?.nodes[0]).toMatchObject({ attrs: { dtype: 'float32' }, device: '/cpu:0' });
  });

  it('rests in the empty phase when there is nothing to open', async () => {
    const { actions, state, client } = setup();
    client.on('app:info', () => ({ ok: true, value: { version: '0.1.0', mode: 'electron', platform: 'linux' } }));
    await actions.startApp();
    expect(state()).toMatchObject({ phase: 'empty', busy: null });
    expect(client.callsTo('source:open')).toEqual([]);
  });

  it('runs once even if called twice (React StrictMode)', async () => {
    const { actions, client } = setup();
    await Promise.all([actions.startApp(), actions.startApp()]);
    expect(client.callsTo('app:info')).toHaveLength(1);
  });

  it('shows a banner and the error phase when app info fails', async () => {
    const { actions, state, client } = setup();
    client.on('app:info', () => ({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong token.' } }));
    await actions.startApp();
    expect(state().phase).toBe('error');
    expect(state().banners).toMatchObject([{ title: 'Frost could not start', problem: { code: 'UNAUTHORIZED' } }]);
  });
});

describe('openSource', () => {
  it('goes loading → ready, with progress text while the report and then the graph load', async () => {
    const { actions, state, client } = setup();
    const graphReply = deferred<Result<Res<'graph:get'>>>();
    client.on('graph:get', () => graphReply.promise);
    const done = actions.openSource('  /data/train  ');
    expect(state().phase).toBe('loading');
    expect(state().busy).toBe('Opening /data/train…');
    await new Promise((r) => setTimeout(r, 0));
    expect(state()).toMatchObject({ phase: 'loading', graphStatus: 'loading', busy: 'Loading the graph (5 nodes)…' });
    expect(state().report?.variables).toHaveLength(3);
    graphReply.resolve({ ok: true, value: graph() });
    expect(await done).toBe(true);
    expect(state()).toMatchObject({ phase: 'ready', graphStatus: 'ready', busy: null });
  });

  it('ignores an empty path', async () => {
    const { actions, client } = setup();
    expect(await actions.openSource('   ')).toBe(false);
    expect(client.callsTo('source:open')).toEqual([]);
  });

  it('keeps the open source when opening another fails, and shows the error', async () => {
    const { actions, state, client } = setup();
    await actions.openSource('/data/train');
    client.on('source:open', () => ({ ok: false, error: { code: 'FILE_NOT_FOUND', message: '/nope does not exist.' } }));
    expect(await actions.openSource('/nope')).toBe(false);
    expect(state()).toMatchObject({ phase: 'error', sourceId: 's1', busy: null });
    expect(state().banners).toMatchObject([{ title: 'Could not open /nope', problem: { code: 'FILE_NOT_FOUND', message: '/nope does not exist.' } }]);
    // Dismissing the last error returns to the resting phase.
    actions.dismissBanner(state().banners[0]!.id);
    expect(state()).toMatchObject({ phase: 'ready', banners: [] });
  });

  it('closes the previous source and resets document state and selection', async () => {
    const { actions, state, client } = setup();
    await actions.openSource('/data/train');
    actions.setGraphQuery('Mat');
    actions.toggleGroup('dense');
    actions.setVariableFilter('kernel');
    actions.selectVariable('dense/kernel');
    client.on('source:open', () => opened('s2'));
    await actions.openSource('/data/other');
    expect(client.callsTo('source:close')).toEqual([{ sourceId: 's1' }]);
    expect(state()).toMatchObject({ sourceId: 's2', graphQuery: '', variableFilter: '', expandedGroups: [], selectedVariable: null, selectedNode: null, tensor: null });
  });

  it('lets a newer open win over a slower older one (and closes the stale source)', async () => {
    const { actions, state, client } = setup();
    const slow = deferred<Result<OpenedSource>>();
    client.on('source:open', (req) => (req.path === '/slow' ? slow.promise : opened('fast')));
    const first = actions.openSource('/slow');
    expect(await actions.openSource('/fast')).toBe(true);
    slow.resolve(opened('slow'));
    expect(await first).toBe(false);
    expect(state().sourceId).toBe('fast');
    expect(client.callsTo('source:close')).toContainEqual({ sourceId: 'slow' });
  });

  it('re-opens the same path at another step', async () => {
    const { actions, client } = setup();
    await actions.openSource('/data/train');
    await actions.openStep(10);
    expect(client.callsTo('source:open')).toEqual([{ path: '/data/train' }, { path: '/data/train', step: 10 }]);
  });

  it('marks a source without a graph as ready with the graph absent', async () => {
    const { actions, state, client } = setup();
    client.on('source:open', () => opened('s1', { graph: undefined }));
    await actions.openSource('/data/train');
    expect(state()).toMatchObject({ phase: 'ready', graphStatus: 'absent' });
    expect(client.callsTo('graph:get')).toEqual([]);
  });

  it('reports a graph that fails to load', async () => {
    const { actions, state, client } = setup();
    client.on('graph:get', () => ({ ok: false, error: { code: 'BAD_GRAPH', message: 'The .meta is truncated.' } }));
    await actions.openSource('/data/train');
    expect(state()).toMatchObject({ phase: 'error', graphStatus: 'error' });
    expect(state().banners[0]?.title).toBe('Could not load the graph of /data/train');
  });
});

describe('selection', () => {
  async function opened_() {
    const t = setup();
    await t.actions.openSource('/data/train');
    return t;
  }

  it('selecting a variable loads its tensor summary', async () => {
    const { actions, state, client } = await opened_();
    actions.selectVariable('dense/kernel');
    expect(state().tensor).toEqual({ name: 'dense/kernel', status: 'loading' });
    await new Promise((r) => setTimeout(r, 0));
    expect(state().tensor).toMatchObject({ name: 'dense/kernel', status: 'ready', summary: { preview: '[1, 2]' } });
    expect(client.callsTo('tensor:get')).toEqual([{ sourceId: 's1', name: 'dense/kernel' }]);
  });

  it('ignores unknown variables', async () => {
    const { actions, state } = await opened_();
    actions.selectVariable('nope');
    expect(state().selectedVariable).toBeNull();
  });

  it('only the latest tensor request lands', async () => {
    const { actions, state, client } = await opened_();
    const slow = deferred<Result<Res<'tensor:get'>>>();
    client.on('tensor:get', (req) => (req.name === 'dense/kernel' ? slow.promise : { ok: true, value: tensor(req.name) }));
    actions.selectVariable('dense/kernel');
    actions.selectVariable('dense/bias');
    await new Promise((r) => setTimeout(r, 0));
    slow.resolve({ ok: true, value: tensor('dense/kernel') });
    await new Promise((r) => setTimeout(r, 0));
    expect(state().tensor).toMatchObject({ name: 'dense/bias', status: 'ready' });
  });

  it('a tensor error shows inline and as a banner', async () => {
    const { actions, state, client } = await opened_();
    client.on('tensor:get', () => ({ ok: false, error: { code: 'DATA_CORRUPT', message: 'CRC mismatch.' } }));
    actions.selectVariable('dense/kernel');
    await new Promise((r) => setTimeout(r, 0));
    expect(state().tensor).toMatchObject({ status: 'error', problem: { code: 'DATA_CORRUPT' } });
    expect(state().banners[0]?.title).toBe('Could not read dense/kernel');
    expect(state().phase).toBe('ready');
  });

  it('selecting a node opens its group; a variable node also selects and loads its checkpoint key', async () => {
    const { actions, state } = await opened_();
    actions.selectNode('dense/MatMul');
    expect(state()).toMatchObject({ selectedNode: 'dense/MatMul', selectedVariable: null, tensor: null, expandedGroups: ['dense'] });
    actions.selectNode('dense/kernel');
    expect(state()).toMatchObject({ selectedNode: 'dense/kernel', selectedVariable: 'dense/kernel', expandedGroups: ['dense'] });
    await new Promise((r) => setTimeout(r, 0));
    expect(state().tensor).toMatchObject({ name: 'dense/kernel', status: 'ready' });
    actions.selectNode('x');
    expect(state().expandedGroups).toEqual(['dense', '(top level)']);
  });

  it('ignores unknown nodes; clearSelection clears everything', async () => {
    const { actions, state } = await opened_();
    actions.selectNode('nope');
    expect(state().selectedNode).toBeNull();
    actions.selectNode('global_step');
    actions.clearSelection();
    expect(state()).toMatchObject({ selectedNode: null, selectedVariable: null, tensor: null });
    actions.selectNode('dense/MatMul');
    actions.selectNode(null);
    expect(state().selectedNode).toBeNull();
  });
});

describe('Electron events and dropped files', () => {
  it('opens paths sent by the main process and forwards menu commands until unsubscribed', async () => {
    const { actions, client } = setup();
    const commands: string[] = [];
    const stop = actions.listenToApp((c) => commands.push(c));
    client.emit('app:open-path', '/data/from-menu');
    client.emit('app:command', 'toggle-theme');
    await new Promise((r) => setTimeout(r, 0));
    expect(client.callsTo('source:open')).toEqual([{ path: '/data/from-menu' }]);
    expect(commands).toEqual(['toggle-theme']);
    stop();
    client.emit('app:command', 'find');
    expect(commands).toEqual(['toggle-theme']);
  });

  it('opens a dropped file by its path, or explains why a browser cannot', async () => {
    const { actions, state, client } = setup();
    expect(await actions.openDropped({ path: '/data/dropped.meta' })).toBe(true);
    expect(client.callsTo('source:open')).toEqual([{ path: '/data/dropped.meta' }]);
    expect(await actions.openDropped({})).toBe(false);
    expect(state().banners.at(-1)?.problem.code).toBe('DROP_UNSUPPORTED');
  });
});

describe('ui', () => {
  it('toggles the side panels and the shortcuts dialog', () => {
    const { actions, state } = setup();
    expect(state()).toMatchObject({ leftOpen: true, rightOpen: true, shortcutsOpen: false });
    actions.togglePanel('left');
    actions.togglePanel('right');
    actions.togglePanel('right');
    actions.setShortcutsOpen(true);
    expect(state()).toMatchObject({ leftOpen: false, rightOpen: true, shortcutsOpen: true });
  });

  it('cycles the theme and clamps panel widths', () => {
    const { actions, state } = setup();
    expect(state().theme).toBe('system');
    actions.cycleTheme();
    expect(state().theme).toBe('light');
    actions.cycleTheme();
    expect(state().theme).toBe('dark');
    actions.cycleTheme();
    expect(state().theme).toBe('system');
    actions.setPanelWidth('left', 10);
    actions.setPanelWidth('right', 5000);
    expect(state()).toMatchObject({ leftWidth: 220, rightWidth: 720 });
  });

  it('sorts variables: same key flips, a new key starts ascending (size starts descending)', () => {
    const { actions, state } = setup();
    expect(state().variableSort).toEqual({ key: 'name', dir: 'asc' });
    actions.sortVariables('name');
    expect(state().variableSort).toEqual({ key: 'name', dir: 'desc' });
    actions.sortVariables('bytes');
    expect(state().variableSort).toEqual({ key: 'bytes', dir: 'desc' });
    actions.sortVariables('dtype');
    expect(state().variableSort).toEqual({ key: 'dtype', dir: 'asc' });
  });

  it('toggles and sets expanded groups', () => {
    const { actions, state } = setup();
    actions.toggleGroup('a');
    actions.toggleGroup('b');
    actions.toggleGroup('a');
    expect(state().expandedGroups).toEqual(['b']);
    actions.setExpandedGroups(['x', 'y', 'x']);
    expect(state().expandedGroups).toEqual(['x', 'y']);
  });

  it('restores persisted preferences and saves only persisted fields', async () => {
    const storage = memoryStorage({ [STORAGE_KEY]: JSON.stringify({ theme: 'dark', leftWidth: 500, rightWidth: 'wide', variableFilter: 'leak' }) });
    const { actions, state } = setup({ storage });
    expect(state()).toMatchObject({ theme: 'dark', leftWidth: 500, rightWidth: 400, variableFilter: '' });
    actions.setTheme('light');
    actions.setVariableFilter('kernel');
    actions.setPanelWidth('right', 300);
    await new Promise((r) => setTimeout(r, 5));
    expect(JSON.parse(storage.data.get(STORAGE_KEY)!)).toEqual({ theme: 'light', leftWidth: 500, rightWidth: 300, leftOpen: true, rightOpen: true, variableSort: { key: 'name', dir: 'asc' } });
  });

  it('survives storage that throws', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const { actions, state } = setup({ storage: broken });
    actions.setTheme('dark');
    expect(state().theme).toBe('dark');
  });
});

describe('checksum verification (a long job)', () => {
  const verified = (tensors: number, damaged: Res<'source:verify'>['damaged'] = []): Result<Res<'source:verify'>> => ({ ok: true, value: { tensors, bytes: 208, damaged } });

  async function ready(reply: () => Promise<Result<Res<'source:verify'>>> | Result<Res<'source:verify'>>) {
    let n = 0;
    const t = setup({ newJobId: () => `job-${++n}` });
    t.client.on('source:verify', reply);
    t.client.on('job:cancel', () => ({ ok: true, value: { cancelled: true } }));
    await t.actions.openSource('/data/train');
    return t;
  }

  it('starts source:verify with a fresh job id, follows its progress, then keeps the result', async () => {
    const reply = deferred<Result<Res<'source:verify'>>>();
    const { actions, state, client } = await ready(() => reply.promise);
    const stop = actions.listenToProgress();
    const done = actions.verifyChecksums();
    expect(client.callsTo('source:verify')).toEqual([{ sourceId: 's1', jobId: 'job-1' }]);
    expect(state().verify).toMatchObject({ jobId: 'job-1', sourceId: 's1', status: 'running', done: 0, total: 3 });
    // A second click while it runs does nothing.
    await actions.verifyChecksums();
    expect(client.callsTo('source:verify')).toHaveLength(1);

    client.progress({ jobId: 'job-1', done: 2, total: 3, message: 'Checked 2 of 3 tensors' });
    client.progress({ jobId: 'other', done: 3, total: 3, message: 'not ours' });
    client.progress({ jobId: 'job-1', done: 1, total: 3, message: 'late and out of order' });
    expect(state().verify).toMatchObject({ status: 'running', done: 2, total: 3, message: 'Checked 2 of 3 tensors' });

    reply.resolve(verified(3));
    await done;
    expect(state().verify).toMatchObject({ status: 'done', done: 3, total: 3, result: { tensors: 3, damaged: [] } });
    stop();
    expect(client.progressListeners).toBe(0);

    // Again: a new job id.
    client.on('source:verify', () => verified(3));
    await actions.verifyChecksums();
    expect(client.callsTo('source:verify').at(-1)).toEqual({ sourceId: 's1', jobId: 'job-2' });
  });

  it('keeps the damaged tensors of the result', async () => {
    const damaged = [{ tensor: 'dense/kernel', code: 'CRC_MISMATCH', message: 'dense/kernel: checksum mismatch.' }];
    const { actions, state } = await ready(() => verified(3, damaged));
    await actions.verifyChecksums();
    expect(state().verify).toMatchObject({ status: 'done', result: { damaged } });
    expect(state().banners).toEqual([]);
  });

  it('cancels with job:cancel; the CANCELLED answer ends it as cancelled', async () => {
    const reply = deferred<Result<Res<'source:verify'>>>();
    const { actions, state, client } = await ready(() => reply.promise);
    actions.listenToProgress();
    const done = actions.verifyChecksums();
    client.progress({ jobId: 'job-1', done: 1, total: 3, message: 'Checked 1 of 3 tensors' });
    await actions.cancelVerify();
    expect(client.callsTo('job:cancel')).toEqual([{ jobId: 'job-1' }]);
    expect(state().verify?.status).toBe('cancelling');
    await actions.cancelVerify();
    expect(client.callsTo('job:cancel')).toHaveLength(1);
    reply.resolve({ ok: false, error: { code: 'CANCELLED', message: 'Checking /data/train was cancelled after 1 of 3 tensors.' } });
    await done;
    expect(state().verify).toMatchObject({ status: 'cancelled', done: 1, total: 3 });
    expect(state().banners).toEqual([]);
  });

  it('shows a failure inline and as a banner', async () => {
    const { actions, state } = await ready(() => ({ ok: false, error: { code: 'USAGE', message: 'That source is no longer open; open it again.' } }));
    await actions.verifyChecksums();
    expect(state().verify).toMatchObject({ status: 'failed', problem: { code: 'USAGE' } });
    expect(state().banners[0]?.title).toBe('Could not verify /data/train');
  });

  it('forgets the check when another source opens, and drops its late answer', async () => {
    const reply = deferred<Result<Res<'source:verify'>>>();
    const { actions, state, client } = await ready(() => reply.promise);
    const done = actions.verifyChecksums();
    client.on('source:open', () => opened('s2'));
    await actions.openSource('/data/other');
    expect(state().verify).toBeNull();
    reply.resolve(verified(3));
    await done;
    expect(state().verify).toBeNull();
  });

  it('does nothing without an open source', async () => {
    const { actions, state, client } = setup();
    await actions.verifyChecksums();
    await actions.cancelVerify();
    expect(client.callsTo('source:verify')).toEqual([]);
    expect(state().verify).toBeNull();
  });
});

describe('Save as .npy', () => {
  it('browser: the core writes the .npy, then the page downloads it', async () => {
    const { actions, state, client } = setup();
    await actions.startApp();
    client.on('tensor:npy', () => ({ ok: true, value: { downloadId: 'n1', fileName: 'w.npy', bytes: 136 } }));
    await actions.saveTensorNpy('w');
    expect(client.callsTo('tensor:npy')).toEqual([{ sourceId: 's1', name: 'w' }]);
    expect(client.downloads).toEqual(['n1']);
    expect(state().tensorSave).toEqual({ name: 'w', status: 'downloaded' });
  });

  it('Electron: the Save dialog of freeze:save takes the download; a cancelled dialog is "not saved"', async () => {
    const client = fakeClient('electron');
    const { actions, state } = setup({ client });
    await actions.startApp();
    client.on('tensor:npy', () => ({ ok: true, value: { downloadId: 'n2', fileName: 'w.npy', bytes: 136 } }));
    client.on('freeze:save', () => ({ ok: true, value: { saved: true, path: '/home/me/w.npy' } }));
    await actions.saveTensorNpy('w');
    expect(client.callsTo('freeze:save')).toEqual([{ downloadId: 'n2' }]);
    expect(state().tensorSave).toEqual({ name: 'w', status: 'saved', path: '/home/me/w.npy' });
    client.on('freeze:save', () => ({ ok: true, value: { saved: false } }));
    await actions.saveTensorNpy('w');
    expect(state().tensorSave).toEqual({ name: 'w', status: 'not-saved' });
  });

  it('an error of the core is a banner and a failed status', async () => {
    const { actions, state, client } = setup();
    await actions.startApp();
    client.on('tensor:npy', () => ({ ok: false, error: { code: 'TENSOR_NOT_FOUND', message: 'No tensor w.' } }));
    await actions.saveTensorNpy('w');
    expect(state().tensorSave).toEqual({ name: 'w', status: 'failed' });
    expect(state().banners.at(-1)?.title).toBe('Could not save w as .npy');
  });
});
