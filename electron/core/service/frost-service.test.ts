/** FrostService's long jobs: progress events, job:cancel (also one that overtakes its job), close and dispose. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedSource, ProgressEvent, Result } from '../../../shared/ipc/contract.js';
import type { VerifyResultJSON } from '../../../shared/model/inspect-report.js';
import { writeBundleV2 } from '../checkpoint/bundle-writer.js';
import { DT } from '../tensor/dtype.js';
import { fixture } from '../../../test/fixtures.js';
import { FrostService } from './frost-service.js';

const base = mkdtempSync(join(tmpdir(), 'frost-jobs-'));
const prefix = join(base, 'model.ckpt-1');
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeAll(async () => {
  const tensors = Array.from({ length: 6 }, (_, i) => ({ key: `t${i}`, data: { kind: 'numeric' as const, dtype: DT.FLOAT, shape: [1], bytes: new Uint8Array(new Float32Array([i]).buffer) } }));
  await writeBundleV2(prefix, tensors);
});

function setup(onEvent: (e: ProgressEvent, service: FrostService) => void = () => {}, progressIntervalMs = 0) {
  const events: ProgressEvent[] = [];
  const service: FrostService = new FrostService({
    mode: 'serve',
    version: 't',
    allowPath: () => true,
    progressIntervalMs,
    onProgress: (e) => {
      events.push(e);
      onEvent(e, service);
    },
  });
  const open = async (): Promise<string> => {
    const r = (await service.handle('source:open', { path: prefix })) as Result<OpenedSource>;
    if (!r.ok) throw new Error(r.error.message);
    return r.value.sourceId;
  };
  return { service, events, open };
}

describe('source:verify as a job', () => {
  it('answers the verify result and reports progress per tensor for its jobId', async () => {
    const { service, events, open } = setup();
    const sourceId = await open();
    const r = await service.handle('source:verify', { sourceId, jobId: 'j1' });
    expect(r).toEqual({ ok: true, value: { tensors: 6, bytes: 24, damaged: [] } satisfies VerifyResultJSON });
    expect(events.map((e) => e.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events.every((e) => e.jobId === 'j1' && e.total === 6)).toBe(true);
    expect(events.at(-1)?.message).toBe('Checked 6 of 6 tensors');
    // The job is gone once finished: cancelling it now finds nothing, and its id can be reused.
    expect(await service.handle('job:cancel', { jobId: 'j1' })).toEqual({ ok: true, value: { cancelled: false } });
    await service.dispose();
  });

  it('sends at most one event per interval, but always the first and the last', async () => {
    const { service, events, open } = setup(() => {}, 60_000);
    const sourceId = await open();
    expect((await service.handle('source:verify', { sourceId, jobId: 'slow-events' })).ok).toBe(true);
    expect(events.map((e) => e.done)).toEqual([0, 6]);
    await service.dispose();
  });

  it('job:cancel stops it between tensors; the verify call answers CANCELLED', async () => {
    const { service, events, open } = setup((e, s) => {
      if (e.done === 2) void s.handle('job:cancel', { jobId: 'j2' }).then((r) => expect(r).toEqual({ ok: true, value: { cancelled: true } }));
    });
    const sourceId = await open();
    const r = await service.handle('source:verify', { sourceId, jobId: 'j2' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringContaining('after 2 of 6') } });
    expect(events.at(-1)?.done).toBe(2);
    await service.dispose();
  });

  it('honours a cancel that arrived before its job started', async () => {
    const { service, events, open } = setup();
    const sourceId = await open();
    expect(await service.handle('job:cancel', { jobId: 'early' })).toEqual({ ok: true, value: { cancelled: false } });
    expect(await service.handle('source:verify', { sourceId, jobId: 'early' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(events.map((e) => e.done)).toEqual([0]);
    // Only once: the same id runs normally afterwards.
    expect((await service.handle('source:verify', { sourceId, jobId: 'early' })).ok).toBe(true);
    await service.dispose();
  });

  it('closing the source cancels its running jobs', async () => {
    let sourceId = '';
    const { service, open } = setup((e, s) => {
      if (e.done === 1) void s.handle('source:close', { sourceId });
    });
    sourceId = await open();
    expect(await service.handle('source:verify', { sourceId, jobId: 'j3' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await service.dispose();
  });

  it('refuses a second job with a running jobId and a request without one', async () => {
    const { service, open } = setup();
    const sourceId = await open();
    const first = service.handle('source:verify', { sourceId, jobId: 'dup' });
    expect(await service.handle('source:verify', { sourceId, jobId: 'dup' })).toMatchObject({ ok: false, error: { code: 'USAGE', message: expect.stringContaining('already running') } });
    expect((await first).ok).toBe(true);
    expect(await service.handle('source:verify', { sourceId })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await service.dispose();
  });
});

describe('freeze:run as a job', () => {
  const simple = fixture('simple-model-freeze-oracle');

  async function opened(options: Partial<ConstructorParameters<typeof FrostService>[0]> = {}) {
    const events: ProgressEvent[] = [];
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => true, progressIntervalMs: 0, onProgress: (e) => events.push(e), ...options });
    const r = (await service.handle('source:open', { path: simple })) as Result<OpenedSource>;
    if (!r.ok) throw new Error(r.error.message);
    return { service, events, sourceId: r.value.sourceId };
  }

  it('writes the .pb and its manifest into a private temp folder, reporting progress', async () => {
    const { service, events, sourceId } = await opened();
    const r = await service.handle('freeze:run', { sourceId, outputs: ['Model/add'], jobId: 'f1' });
    if (!r.ok) throw new Error(r.error.message);
    const d = service.downloadPath(r.value.downloadId);
    expect(d?.fileName).toBe('simple_model-frozen.pb');
    expect(d && statSync(d.pb).size).toBe(r.value.manifest.bytes);
    expect(d?.manifest && JSON.parse(readFileSync(d.manifest, 'utf8'))).toEqual(r.value.manifest);
    expect(events[0]).toEqual({ jobId: 'f1', done: 0, total: 1, message: 'Planning the freeze…' });
    expect(events.at(-1)).toMatchObject({ jobId: 'f1', done: r.value.manifest.bytes, total: r.value.manifest.bytes });
    await service.dispose();
    expect(d && existsSync(dirname(d.pb))).toBe(false);
    expect(service.downloadPath(r.value.downloadId)).toBeUndefined();
  });

  it('answers CANCELLED when cancelled before it starts, and errors as results', async () => {
    const { service, sourceId } = await opened();
    await service.handle('job:cancel', { jobId: 'early' });
    expect(await service.handle('freeze:run', { sourceId, outputs: ['Model/add'], jobId: 'early' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await service.handle('freeze:run', { sourceId, outputs: ['nope'], jobId: 'x' })).toMatchObject({ ok: false, error: { code: 'NODE_NOT_FOUND' } });
    expect(await service.handle('freeze:run', { sourceId, outputs: [], jobId: 'y' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(await service.handle('freeze:run', { sourceId, outputs: [3], jobId: 'z' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(await service.handle('freeze:suggest', { sourceId: 'gone' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await service.dispose();
  });

  it('freeze:save hands the files to the transport (Electron), and is a USAGE error without one', async () => {
    const saved: unknown[] = [];
    const { service, sourceId } = await opened({ mode: 'electron', saveFrozen: async (d) => (saved.push(d), { saved: true, path: '/x/simple_model-frozen.pb' }) });
    const r = await service.handle('freeze:run', { sourceId, outputs: ['Model/add'], jobId: 'f' });
    if (!r.ok) throw new Error(r.error.message);
    expect(await service.handle('freeze:save', { downloadId: r.value.downloadId })).toEqual({ ok: true, value: { saved: true, path: '/x/simple_model-frozen.pb' } });
    expect(saved).toEqual([service.downloadPath(r.value.downloadId)]);
    expect(await service.handle('freeze:save', { downloadId: 'unknown' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await service.dispose();
    const plain = await opened();
    expect(await plain.service.handle('freeze:save', { downloadId: r.value.downloadId })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await plain.service.dispose();
  });
});

describe('freeze:preview and freeze:verify (issue #6)', () => {
  const iris = join(fixture('iris-estimator-queues-2shards'), 'model.ckpt-2500');
  const OUTPUT = 'dnn/head/predictions/probabilities';
  const DEQUEUE = 'random_shuffle_queue_DequeueMany:1';

  async function opened() {
    const events: ProgressEvent[] = [];
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => true, progressIntervalMs: 0, onProgress: (e) => events.push(e) });
    const r = (await service.handle('source:open', { path: iris })) as Result<OpenedSource>;
    if (!r.ok) throw new Error(r.error.message);
    return { service, events, sourceId: r.value.sourceId };
  }

  it('previews counts, the cut placeholder, the kept nodes and the warnings; an edited shape reaches preview and freeze', async () => {
    const { service, sourceId } = await opened();
    const p = await service.handle('freeze:preview', { sourceId, outputs: [OUTPUT] });
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.nodes).toEqual({ before: 744, kept: 46, dropped: 744 - p.value.kept.length });
    expect(p.value.variablesFrozen).toBe(8);
    expect(p.value.inputs).toEqual([{ name: 'random_shuffle_queue_DequeueMany/component_1', dtype: 'float32', shape: [-1, 4], replaces: DEQUEUE }]);
    expect(p.value.kept).toContain(OUTPUT);
    expect(p.value.kept).not.toContain('global_step');
    // The cut dequeue counts as kept: its placeholder stands in its place.
    expect(p.value.kept).toContain('random_shuffle_queue_DequeueMany');
    expect(p.value.warnings.map((w) => w.kind)).toContain('stale-shapes');
    expect(p.value.warnings.every((w) => w.message.length > 0 && w.action.length > 0)).toBe(true);

    const edit = { tensor: DEQUEUE, dtype: 'float32', shape: [128, 4] };
    const p2 = await service.handle('freeze:preview', { sourceId, outputs: [OUTPUT], inputs: [edit] });
    expect(p2.ok && p2.value.inputs[0]?.shape).toEqual([128, 4]);
    const f = await service.handle('freeze:run', { sourceId, outputs: [OUTPUT], jobId: 'f', inputs: [edit] });
    if (!f.ok) throw new Error(f.error.message);
    expect(f.value.manifest.inputs[0]?.shape).toEqual([128, 4]);
    expect(await service.handle('freeze:preview', { sourceId, outputs: [OUTPUT], inputs: [{ tensor: DEQUEUE, dtype: 'float33' }] })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(await service.handle('freeze:preview', { sourceId, outputs: [OUTPUT], inputs: 'x' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await service.dispose();
  });

  it('verifies a finished freeze as a job with progress; errors and cancels as results', async () => {
    const { service, events, sourceId } = await opened();
    const f = await service.handle('freeze:run', { sourceId, outputs: [OUTPUT], jobId: 'f' });
    if (!f.ok) throw new Error(f.error.message);
    const v = await service.handle('freeze:verify', { sourceId, downloadId: f.value.downloadId, jobId: 'v' });
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value.pass).toBe(true);
    expect(v.value.outputs).toMatchObject([{ name: OUTPUT, shape: [128, 3], maxAbsDiff: 0, pass: true }]);
    const mine = events.filter((e) => e.jobId === 'v');
    expect(mine[0]).toMatchObject({ done: 0, message: 'Preparing both graphs…' });
    expect(mine.at(-1)).toMatchObject({ done: mine.at(-1)?.total, message: 'Compared' });

    await service.handle('job:cancel', { jobId: 'early' });
    expect(await service.handle('freeze:verify', { sourceId, downloadId: f.value.downloadId, jobId: 'early' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await service.handle('freeze:verify', { sourceId, downloadId: 'nope', jobId: 'x' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(await service.handle('freeze:verify', { sourceId, downloadId: f.value.downloadId, jobId: 'y', tolerance: -1 })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    await service.dispose();
  });
});

describe('opening ahead of the page', () => {
  it('preopen: the first source:open of that path takes the parse already made; another path opens normally', async () => {
    const graphDir = fixture('simple-model-freeze-oracle');
    const opened: string[] = [];
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: (p) => (opened.push(p), true) });
    service.preopen(graphDir);
    const asked = opened.length; // the allow-list was asked for the preopened path (and its files)
    expect(asked).toBeGreaterThan(0);
    const r = (await service.handle('source:open', { path: graphDir })) as Result<OpenedSource>;
    expect(r.ok && r.value.report.graph?.nodeCount).toBeGreaterThan(0);
    // The graph IR was started in the background; graph:get answers it.
    const g = await service.handle('graph:get', { sourceId: r.ok ? r.value.sourceId : '' });
    expect(g.ok && g.value.nodes.length).toBe(r.ok ? r.value.report.graph?.nodeCount : -1);
    // A later open of the same path parses again (the preopen is used once).
    const before = opened.length;
    expect((await service.handle('source:open', { path: graphDir })).ok).toBe(true);
    expect(opened.length).toBeGreaterThan(before);
    await service.dispose();
  });

  it('preopen resolves with the graph IR, the very object graph:get answers even when source:open comes first', async () => {
    const graphDir = fixture('simple-model-freeze-oracle');
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => true });
    const early = service.preopen(graphDir);
    // Asked at once, while the parse and the IR are still under way: no second IR is built.
    const r = (await service.handle('source:open', { path: graphDir })) as Result<OpenedSource>;
    const g = await service.handle('graph:get', { sourceId: r.ok ? r.value.sourceId : '' });
    const made = await early;
    expect(made?.graph.nodes.length).toBeGreaterThan(0);
    expect(g.ok && g.value).toBe(made?.graph);
    // The structure-only IR: same nodes in the same order, without attrs.
    const st = await service.handle('graph:get', { sourceId: r.ok ? r.value.sourceId : '', detail: 'structure' });
    expect(st.ok && st.value).toBe(made?.structure);
    expect(made?.structure.nodes.map((n) => [n.name, n.op, n.inputs, n.controlInputs, n.family])).toEqual(made?.graph.nodes.map((n) => [n.name, n.op, n.inputs, n.controlInputs, n.family]));
    expect(made?.structure.nodes.every((n) => Object.keys(n.attrs).length === 0 && n.outputs === undefined)).toBe(true);
    await service.dispose();
  });

  it('preopen of a checkpoint without a graph resolves with undefined', async () => {
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => true });
    expect(await service.preopen(prefix)).toBeUndefined();
    await service.dispose();
  });

  it('dispose closes a preopened source nobody opened', async () => {
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => true });
    service.preopen(prefix);
    const pre = (service as unknown as { preopened?: { source: Promise<{ close(): Promise<void> }> } }).preopened;
    expect(pre).toBeDefined();
    const source = await pre?.source;
    let closed = 0;
    const close = source?.close.bind(source);
    if (source) source.close = async () => (closed++, close?.());
    await service.dispose();
    expect(closed).toBe(1);
  });

  it('preopen of a path the allow-list refuses: that source:open answers the refusal', async () => {
    const service = new FrostService({ mode: 'serve', version: 't', allowPath: () => false });
    service.preopen(prefix);
    const r = await service.handle('source:open', { path: prefix });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('FILE_UNREADABLE');
    await service.dispose();
  });
});

describe('tensor:npy', () => {
  it('writes the tensor as a .npy download: NumPy header with dtype and shape, then the raw values', async () => {
    const { service, open } = setup();
    const sourceId = await open();
    const r = await service.handle('tensor:npy', { sourceId, name: 't3' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.fileName).toBe('t3.npy');
    const d = service.downloadPath(r.value.downloadId);
    expect(d?.manifest).toBeUndefined();
    const bytes = readFileSync(d?.pb ?? '');
    expect(bytes.length).toBe(r.value.bytes);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLen).toString('latin1')).toMatch(/'descr': '<f4', 'fortran_order': False, 'shape': \(1,\)/);
    expect(bytes.readFloatLE(10 + headerLen)).toBe(3);
    // freeze:verify refuses a download that is not a frozen graph.
    const v = await service.handle('freeze:verify', { sourceId, downloadId: r.value.downloadId, jobId: 'v-npy' });
    expect(v.ok).toBe(false);
    // An unknown name is a clear error.
    const miss = await service.handle('tensor:npy', { sourceId, name: 'nope' });
    expect(!miss.ok && miss.error.code).toBe('TENSOR_NOT_FOUND');
    await service.dispose();
  });
});
