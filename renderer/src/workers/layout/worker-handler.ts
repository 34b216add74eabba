/**
 * The layout worker's message handling, as a plain function of (dagre, post, schedule) so tests
 * run it in Node without a Worker. `layout.worker.ts` only wires it to the worker scope.
 *
 * Superseding: a layout runs in time slices of `sliceMs`; between slices the worker goes back
 * to its event loop (via `schedule`), so newer requests and cancels get read. The engine checks
 * between groups, never inside one dagre call (which is capped in size instead: see
 * DAGRE_MAX_NODES in layout.ts). A call that is too slow anyway is the client's to end by
 * terminating the worker (LayoutClient.restart).
 */
import type { GraphIR } from '../../../../shared/model/graph-ir.js';
import { buildHierarchy } from '../../graph/hierarchy.js';
import { LayoutEngine, type Dagre, type LayoutTask, type ViewLayout } from './layout.js';
import type { LayoutReq, LayoutWorkerReq, LayoutWorkerResp } from './protocol.js';

export interface HandlerDeps {
  dagre: Dagre;
  post: (resp: LayoutWorkerResp) => void;
  /** Run `fn` on a later turn of the event loop (default: setTimeout 0). */
  schedule?: (fn: () => void) => void;
  /** Longest stretch of layout work before yielding to the event loop, in ms. */
  sliceMs?: number;
}

interface Running {
  req: LayoutReq;
  stopped: boolean;
  /** Created on the first slice. */
  task?: LayoutTask;
}

/** The graph in a server reply's text, slimmed like layoutGraph (attrs are most of its memory). */
function graphOfReply(text: string): GraphIR {
  const reply = JSON.parse(text) as { ok?: boolean; value?: GraphIR };
  if (reply.ok !== true || !reply.value || !Array.isArray(reply.value.nodes)) throw new Error('The graph handed to the layout worker is not a graph reply.');
  for (const n of reply.value.nodes) n.attrs = {};
  return reply.value;
}

/** Returns the function to call with each request message. */
export function createLayoutHandler(deps: HandlerDeps): (req: LayoutWorkerReq) => void {
  const schedule = deps.schedule ?? ((fn: () => void) => void setTimeout(fn, 0));
  const sliceMs = deps.sliceMs ?? 30;
  const engines = new Map<string, LayoutEngine>();
  /** The latest layout request per graph, queued or running. */
  const latest = new Map<string, Running>();
  const byId = new Map<number, Running>();

  const fail = (id: number, e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    deps.post({ type: 'error', id, name: err.name, message: err.message });
  };

  const stop = (run: Running, reason: 'superseded' | 'cancelled'): void => {
    if (run.stopped) return;
    run.stopped = true;
    byId.delete(run.req.id);
    if (latest.get(run.req.graphId) === run) latest.delete(run.req.graphId);
    deps.post({ type: 'stopped', id: run.req.id, reason });
  };

  const step = (run: Running): void => {
    if (run.stopped) return;
    const engine = engines.get(run.req.graphId);
    if (!engine) {
      byId.delete(run.req.id);
      latest.delete(run.req.graphId);
      run.stopped = true;
      fail(run.req.id, new Error(`No graph "${run.req.graphId}" is loaded in the layout worker.`));
      return;
    }
    let result: ViewLayout | null;
    try {
      const sliceEnd = performance.now() + sliceMs;
      run.task ??= engine.start({ expanded: new Set(run.req.expanded), aux: run.req.aux });
      result = run.task.step(() => run.stopped || performance.now() > sliceEnd);
    } catch (e) {
      run.stopped = true;
      byId.delete(run.req.id);
      latest.delete(run.req.graphId);
      fail(run.req.id, e);
      return;
    }
    if (result === null) {
      // Out of time (or stopped): what was laid out is cached; continue on a later turn.
      schedule(() => step(run));
      return;
    }
    run.stopped = true;
    byId.delete(run.req.id);
    latest.delete(run.req.graphId);
    deps.post({ type: 'layout', id: run.req.id, graphId: run.req.graphId, layout: result });
  };

  return (req: LayoutWorkerReq): void => {
    switch (req.type) {
      case 'load': {
        const prev = latest.get(req.graphId);
        if (prev) stop(prev, 'superseded');
        try {
          const hierarchy = buildHierarchy('replyText' in req.graph ? graphOfReply(req.graph.replyText) : req.graph);
          engines.set(req.graphId, new LayoutEngine(hierarchy, deps.dagre, req.options ?? {}));
          deps.post({ type: 'loaded', id: req.id, graphId: req.graphId, stats: hierarchy.stats });
        } catch (e) {
          fail(req.id, e);
        }
        return;
      }
      case 'layout': {
        const prev = latest.get(req.graphId);
        if (prev) stop(prev, 'superseded');
        const run: Running = { req, stopped: false };
        latest.set(req.graphId, run);
        byId.set(req.id, run);
        schedule(() => step(run));
        return;
      }
      case 'cancel': {
        const run = byId.get(req.target);
        if (run) stop(run, 'cancelled');
        return;
      }
      case 'dispose': {
        const prev = latest.get(req.graphId);
        if (prev) stop(prev, 'cancelled');
        engines.delete(req.graphId);
        deps.post({ type: 'disposed', id: req.id, graphId: req.graphId });
        return;
      }
    }
  };
}
