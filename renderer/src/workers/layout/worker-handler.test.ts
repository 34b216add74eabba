import dagre from '@dagrejs/dagre';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, defaultExpansion } from '../../graph/hierarchy.js';
import { GraphBuilder, syntheticMlp } from '../../test/synthetic-graph.js';
import { LayoutClient, type WorkerLike } from './client.js';
import type { LayoutWorkerReq, LayoutWorkerResp } from './protocol.js';
import { createLayoutHandler } from './worker-handler.js';

/** The handler with its responses collected, and a way to wait for the response to a request id. */
function harness(sliceMs?: number) {
  const responses: LayoutWorkerResp[] = [];
  const waiters = new Map<number, (r: LayoutWorkerResp) => void>();
  const handle = createLayoutHandler({
    dagre,
    ...(sliceMs !== undefined ? { sliceMs } : {}),
    post: (r) => {
      responses.push(structuredClone(r)); // what crosses a real worker boundary
      waiters.get(r.id)?.(r);
    },
  });
  const reply = (id: number): Promise<LayoutWorkerResp> => {
    const done = responses.find((r) => r.id === id);
    return done ? Promise.resolve(done) : new Promise((resolve) => waiters.set(id, resolve));
  };
  return { handle, responses, reply };
}

const small = (() => {
  const b = new GraphBuilder();
  b.add('a/x', 'Placeholder');
  b.add('a/y', 'Relu', ['a/x']);
  b.add('b/z', 'Softmax', ['a/y']);
  return b.graph();
})();

describe('layout worker handler', () => {
  it('loads a graph and answers a layout request', async () => {
    const { handle, reply } = harness();
    handle({ type: 'load', id: 1, graphId: 'g', graph: small });
    expect(await reply(1)).toMatchObject({ type: 'loaded', id: 1, graphId: 'g', stats: { items: 6 } });
    handle({ type: 'layout', id: 2, graphId: 'g', expanded: ['a'], aux: 'side' });
    const r = await reply(2);
    expect(r.type).toBe('layout');
    if (r.type !== 'layout') return;
    expect(r.layout.groups.map((g) => g.id)).toHaveLength(2);
    expect(r.layout.stats.dagreCalls + r.layout.stats.layeredCalls).toBe(2);
  });

  it('loads a graph from the text of its server reply, attrs dropped, as from the graph itself', async () => {
    const graph = syntheticMlp(20);
    graph.nodes[0] = { ...(graph.nodes[0] as (typeof graph.nodes)[number]), attrs: { dtype: 'float32' } };
    const { handle, reply } = harness();
    handle({ type: 'load', id: 1, graphId: 'text', graph: { replyText: JSON.stringify({ ok: true, value: graph }) } });
    handle({ type: 'load', id: 2, graphId: 'object', graph });
    const [a, b] = await Promise.all([reply(1), reply(2)]);
    expect(a.type).toBe('loaded');
    expect(a.type === 'loaded' && a.stats.items).toBe(b.type === 'loaded' ? b.stats.items : -1);
    handle({ type: 'layout', id: 3, graphId: 'text', expanded: [], aux: 'side' });
    handle({ type: 'layout', id: 4, graphId: 'object', expanded: [], aux: 'side' });
    const [la, lb] = await Promise.all([reply(3), reply(4)]);
    expect(la.type === 'layout' && la.layout.groups).toEqual(lb.type === 'layout' ? lb.layout.groups : null);
    // A text that is not a graph reply is an error answer, not a crash.
    handle({ type: 'load', id: 5, graphId: 'bad', graph: { replyText: '{"ok":false,"error":{}}' } });
    expect(await reply(5)).toMatchObject({ type: 'error', id: 5, message: expect.stringContaining('not a graph reply') });
  });

  it('supersedes an older layout of the same graph and honours cancel', async () => {
    const { handle, reply } = harness();
    const graph = syntheticMlp(60);
    handle({ type: 'load', id: 1, graphId: 'g', graph });
    handle({ type: 'load', id: 2, graphId: 'other', graph: small });
    await reply(2);
    const h = buildHierarchy(graph);
    const everything = h.items.filter((i) => i.kind === 'group' || i.kind === 'series').map((i) => i.name);
    handle({ type: 'layout', id: 3, graphId: 'g', expanded: everything, aux: 'inline' });
    handle({ type: 'layout', id: 4, graphId: 'other', expanded: [], aux: 'side' });
    handle({ type: 'layout', id: 5, graphId: 'g', expanded: [...defaultExpansion(h)], aux: 'side' });
    expect(await reply(3)).toEqual({ type: 'stopped', id: 3, reason: 'superseded' });
    expect((await reply(4)).type).toBe('layout'); // another graph is not superseded
    expect((await reply(5)).type).toBe('layout');
    handle({ type: 'layout', id: 6, graphId: 'g', expanded: everything, aux: 'inline' });
    handle({ type: 'cancel', id: 7, target: 6 });
    expect(await reply(6)).toEqual({ type: 'stopped', id: 6, reason: 'cancelled' });
  });

  it('yields between slices so a newer request can stop a long run midway', async () => {
    const { handle, reply, responses } = harness(1);
    const graph = syntheticMlp(30);
    handle({ type: 'load', id: 1, graphId: 'g', graph });
    await reply(1);
    const h = buildHierarchy(graph);
    const everything = h.items.filter((i) => i.kind === 'group' || i.kind === 'series').map((i) => i.name);
    handle({ type: 'layout', id: 2, graphId: 'g', expanded: everything, aux: 'inline' });
    // Let it run a few slices, then replace it.
    await new Promise((r) => setTimeout(r, 30));
    expect(responses.some((r) => r.id === 2)).toBe(false);
    handle({ type: 'layout', id: 3, graphId: 'g', expanded: everything, aux: 'inline' });
    expect(await reply(2)).toEqual({ type: 'stopped', id: 2, reason: 'superseded' });
    const r = await reply(3);
    expect(r.type).toBe('layout');
    if (r.type === 'layout') expect(r.layout.stats.cacheHits).toBeGreaterThan(0); // work of request 2 reused
  });

  it('reports an unknown graph as an error, and disposes graphs', async () => {
    const { handle, reply } = harness();
    handle({ type: 'layout', id: 1, graphId: 'nope', expanded: [], aux: 'side' });
    expect(await reply(1)).toMatchObject({ type: 'error', id: 1, name: 'Error' });
    handle({ type: 'load', id: 2, graphId: 'g', graph: small });
    await reply(2);
    handle({ type: 'dispose', id: 3, graphId: 'g' });
    expect(await reply(3)).toEqual({ type: 'disposed', id: 3, graphId: 'g' });
    handle({ type: 'layout', id: 4, graphId: 'g', expanded: [], aux: 'side' });
    expect((await reply(4)).type).toBe('error');
  });
});

/** A WorkerLike running the handler in-process, asynchronously like a real worker. */
class FakeWorker implements WorkerLike {
  onmessage: WorkerLike['onmessage'] = null;
  onerror: WorkerLike['onerror'] = null;
  terminated = false;
  readonly sent: LayoutWorkerReq[] = [];
  private readonly handle = createLayoutHandler({
    dagre,
    post: (resp) => setTimeout(() => !this.terminated && this.onmessage?.({ data: structuredClone(resp) } as MessageEvent<LayoutWorkerResp>), 0),
  });
  postMessage(message: LayoutWorkerReq): void {
    this.sent.push(message);
    const copy = structuredClone(message);
    setTimeout(() => !this.terminated && this.handle(copy), 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('LayoutClient', () => {
  it('resolves by id, supersedes older layouts of a graph, and restarts a stuck worker', async () => {
    const workers: FakeWorker[] = [];
    const client = new LayoutClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    const loaded = await client.load('g', small);
    expect(loaded).toMatchObject({ ok: true, value: { items: 6 } });
    const first = client.layout('g', { expanded: new Set(), aux: 'side' });
    const second = client.layout('g', { expanded: new Set(['a']), aux: 'side' });
    expect(await first).toEqual({ ok: false, reason: 'superseded' });
    const r = await second;
    expect(r.ok && r.value.groups.length).toBe(2);

    const slow = client.layout('g', { expanded: new Set(), aux: 'side' });
    client.cancel('g');
    expect(await slow).toEqual({ ok: false, reason: 'cancelled' });

    const pending = client.layout('g', { expanded: new Set(), aux: 'side' });
    client.restart();
    expect(await pending).toEqual({ ok: false, reason: 'cancelled' });
    expect(workers).toHaveLength(2);
    expect(workers[0]?.terminated).toBe(true);
    expect(workers[1]?.sent[0]).toMatchObject({ type: 'load', graphId: 'g' }); // graphs reloaded
    const after = await client.layout('g', { expanded: new Set(['a', 'b']), aux: 'side' });
    expect(after.ok && after.value.groups.length).toBe(3);

    expect(await client.dispose('g')).toEqual({ ok: true, value: 'g' });
    client.terminate();
  });

  it('tells the caller when a layout is slow', async () => {
    const client = new LayoutClient(() => new FakeWorker(), 0);
    await client.load('g', syntheticMlp(20));
    let slow = 0;
    const r = await client.layout('g', { expanded: new Set(['layer_[0-19]']), aux: 'side' }, { onSlow: () => slow++ });
    expect(r.ok).toBe(true);
    expect(slow).toBeLessThanOrEqual(1);
    client.terminate();
  });
});
