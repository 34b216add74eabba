/**
 * Main-thread side of the layout worker: posts typed requests, resolves each promise by request
 * id, and lets a newer layout of a graph supersede the older one. Results are values, never
 * rejections (style anchors item 6): `{ ok: true, value }` or `{ ok: false, reason }`.
 *
 * A single dagre call cannot be interrupted inside the worker, so for a layout that stays slow
 * past `slowMs` the caller gets `onSlow` (to show a Cancel button, as Netron does after 2.5 s);
 * Cancel then calls {@link LayoutClient.restart}, which terminates the worker and starts a
 * fresh one with the same graphs loaded.
 */
import type { GraphIR } from '../../../../shared/model/graph-ir.js';
import type { Hierarchy } from '../../graph/hierarchy.js';
import { resultTextOf } from '../../ipc/client.js';
import type { LayoutOptions, LayoutState, ViewLayout } from './layout.js';
import type { LayoutWorkerReq, LayoutWorkerResp } from './protocol.js';

/** What the client needs of a Worker (a real one, or an in-process fake in tests). */
export interface WorkerLike {
  postMessage(message: LayoutWorkerReq): void;
  onmessage: ((event: MessageEvent<LayoutWorkerResp>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export type LayoutFailure = 'superseded' | 'cancelled' | 'error' | 'disposed';
export type LayoutOutcome<T> = { ok: true; value: T } | { ok: false; reason: LayoutFailure; message?: string };

/** The real worker, bundled by Vite from this URL pattern. */
export function createLayoutWorker(): WorkerLike {
  return new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'frost-layout' }) as unknown as WorkerLike;
}

interface Pending {
  resolve: (outcome: LayoutOutcome<unknown>) => void;
  graphId: string;
  kind: 'load' | 'layout' | 'dispose';
  slowTimer?: ReturnType<typeof setTimeout>;
}

export interface LayoutRequestOptions {
  /** Called once if the layout has not answered after `slowMs`. */
  onSlow?: () => void;
}

export class LayoutClient {
  private worker: WorkerLike;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The layout request in flight per graph, to supersede. */
  private readonly current = new Map<string, number>();
  /** Graphs to reload after a restart. */
  private readonly graphs = new Map<string, { graph: GraphIR; options?: Partial<LayoutOptions> }>();

  constructor(
    private readonly factory: () => WorkerLike = createLayoutWorker,
    private readonly slowMs = 2500,
  ) {
    this.worker = this.start();
  }

  /** Builds the hierarchy of `graph` in the worker under `graphId`. */
  load(graphId: string, graph: GraphIR, options?: Partial<LayoutOptions>): Promise<LayoutOutcome<Hierarchy['stats']>> {
    this.graphs.set(graphId, options ? { graph, options } : { graph });
    // A reply's text is copied to the worker in ~10 ms where cloning even the slimmed graph
    // takes ~100 ms here and as long again there (30k nodes); the worker parses it in parallel.
    const replyText = resultTextOf(graph);
    return this.send<Hierarchy['stats']>({ type: 'load', id: this.nextId++, graphId, graph: replyText !== undefined ? { replyText } : layoutGraph(graph), ...(options ? { options } : {}) }, graphId, 'load');
  }

  /** Lays out `graphId` for `state`; an earlier layout of the same graph still pending resolves as superseded. */
  layout(graphId: string, state: LayoutState, opts: LayoutRequestOptions = {}): Promise<LayoutOutcome<ViewLayout>> {
    const prev = this.current.get(graphId);
    if (prev !== undefined) this.settle(prev, { ok: false, reason: 'superseded' });
    const id = this.nextId++;
    this.current.set(graphId, id);
    const promise = this.send<ViewLayout>({ type: 'layout', id, graphId, expanded: [...state.expanded], aux: state.aux }, graphId, 'layout');
    const p = this.pending.get(id);
    if (p && opts.onSlow) {
      const onSlow = opts.onSlow;
      p.slowTimer = setTimeout(() => {
        if (this.pending.has(id)) onSlow();
      }, this.slowMs);
    }
    return promise;
  }

  /** Cancels the pending layout of `graphId`, if any. */
  cancel(graphId: string): void {
    const id = this.current.get(graphId);
    if (id === undefined) return;
    this.worker.postMessage({ type: 'cancel', id: this.nextId++, target: id });
    this.settle(id, { ok: false, reason: 'cancelled' });
  }

  /** Forgets `graphId` here and in the worker. */
  dispose(graphId: string): Promise<LayoutOutcome<string>> {
    this.cancel(graphId);
    this.graphs.delete(graphId);
    return this.send<string>({ type: 'dispose', id: this.nextId++, graphId }, graphId, 'dispose');
  }

  /** Ends a stuck worker: everything pending resolves as cancelled, and a new worker reloads the graphs. */
  restart(): void {
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, reason: 'cancelled' });
    this.worker = this.start();
    for (const [graphId, { graph, options }] of this.graphs) void this.load(graphId, graph, options);
  }

  /** Terminates the worker; pending requests resolve as disposed. */
  terminate(): void {
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, reason: 'disposed' });
    this.graphs.clear();
  }

  private start(): WorkerLike {
    const w = this.factory();
    w.onmessage = (event) => this.receive(event.data);
    w.onerror = (event) => {
      for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, reason: 'error', message: event.message || 'The layout worker failed.' });
    };
    return w;
  }

  private send<T>(req: LayoutWorkerReq, graphId: string, kind: Pending['kind']): Promise<LayoutOutcome<T>> {
    return new Promise<LayoutOutcome<T>>((resolve) => {
      this.pending.set(req.id, { resolve: resolve as Pending['resolve'], graphId, kind });
      this.worker.postMessage(req);
    });
  }

  private settle(id: number, outcome: LayoutOutcome<unknown>): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.slowTimer !== undefined) clearTimeout(p.slowTimer);
    if (p.kind === 'layout' && this.current.get(p.graphId) === id) this.current.delete(p.graphId);
    p.resolve(outcome);
  }

  private receive(resp: LayoutWorkerResp): void {
    switch (resp.type) {
      case 'loaded':
        this.settle(resp.id, { ok: true, value: resp.stats });
        return;
      case 'layout':
        this.settle(resp.id, { ok: true, value: resp.layout });
        return;
      case 'disposed':
        this.settle(resp.id, { ok: true, value: resp.graphId });
        return;
      case 'stopped':
        this.settle(resp.id, { ok: false, reason: resp.reason });
        return;
      case 'error':
        this.settle(resp.id, { ok: false, reason: 'error', message: `${resp.name}: ${resp.message}` });
        return;
    }
  }
}

/**
 * What the worker needs of a graph: the fields the hierarchy reads (names, ops, edges, family,
 * pipeline), not the attrs, shapes and devices. Attr text is most of a training graph's bulk,
 * and structured cloning it is the slow part of handing a graph over (30k-node .meta, node 22:
 * 391 ms to clone whole, 121 ms without attrs).
 */
export function layoutGraph(graph: GraphIR): GraphIR {
  return {
    file: graph.file,
    functions: [],
    nodes: graph.nodes.map((n) => ({ name: n.name, op: n.op, family: n.family, inputs: n.inputs, controlInputs: n.controlInputs, attrs: {}, ...(n.pipeline ? { pipeline: true } : {}) })),
  };
}
