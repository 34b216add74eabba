import { useCallback, useEffect, useMemo, useState } from 'react';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import { defaultExpansion, type Hierarchy } from '../graph/hierarchy.js';
import { LayoutClient } from '../workers/layout/client.js';
import { firstViewLayout } from '../workers/layout/first-view.js';
import type { ViewLayout } from '../workers/layout/layout.js';

/**
 * The drawn view's layouts, computed off the UI thread by the layout worker. One client for the
 * window, created on first use (the worker starts when the Graph tab first shows).
 */
let client: LayoutClient | null = null;
function layoutClient(): LayoutClient {
  client ??= new LayoutClient();
  return client;
}

const graphIds = new WeakMap<GraphIR, string>();
let nextGraphId = 1;
function graphIdOf(graph: GraphIR): string {
  let id = graphIds.get(graph);
  if (id === undefined) graphIds.set(graph, (id = `g${nextGraphId++}`));
  return id;
}

const loaded = new Set<string>();

/**
 * Starts the layout worker ahead of need (the app calls this at start). A module worker takes
 * seconds to start on a busy machine (measured: a 30k-node graph's first view waited 4.1 s for
 * the worker to take its first message); started early, that overlaps the source's loading.
 */
export function warmLayoutWorker(): void {
  layoutClient();
}

/**
 * Hands `graph` to the layout worker now (once), so the worker builds its hierarchy while the
 * main thread builds its own: on two cores the two run side by side instead of one after the
 * other. Called from render, before the view's own hierarchy is built; idempotent.
 */
export function preloadLayout(graph: GraphIR): void {
  const graphId = graphIdOf(graph);
  if (loaded.has(graphId)) return;
  loaded.add(graphId);
  void layoutClient().load(graphId, graph);
}

interface Result {
  key: string;
  graphId: string;
  layout: ViewLayout | null;
  error: string | null;
  cancelled: boolean;
}

export interface ViewLayoutState {
  /** The newest finished layout of this graph (possibly of an older expansion while `pending`). */
  layout: ViewLayout | null;
  /** A layout for the current expansion is being computed. */
  pending: boolean;
  /** …and has taken longer than the client's slow threshold: offer Cancel. */
  slow: boolean;
  error: string | null;
  cancelled: boolean;
  /** Stops the running layout (restarts the worker: a single dagre call cannot be interrupted). */
  cancel(): void;
  /** Lays out the current expansion again after a cancel or an error. */
  retry(): void;
}

function sameNames(a: readonly string[], b: ReadonlySet<string>): boolean {
  return a.length === b.size && a.every((n) => b.has(n));
}

/**
 * Lays out `graph` (whose hierarchy is `hierarchy`) with `expanded` open (null: not yet known,
 * nothing is requested). The first view, with the default groups open, is tried on this
 * thread as soon as the hierarchy exists (first-view.ts); everything else is the worker's.
 */
export function useViewLayout(graph: GraphIR | null, hierarchy: Hierarchy | null, expanded: readonly string[] | null): ViewLayoutState {
  const [result, setResult] = useState<Result | null>(null);
  const [slowKey, setSlowKey] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const graphId = graph ? graphIdOf(graph) : null;
  const key = graphId !== null && expanded !== null ? `${graphId}#${attempt}|${expanded.join('\n')}` : '';
  const first = useMemo(() => {
    if (!graph || !hierarchy || hierarchy.graph !== graph) return null;
    const open = defaultExpansion(hierarchy);
    const layout = firstViewLayout(hierarchy, open);
    if (layout) performance.mark('frost:layout-received');
    return layout ? { open, layout } : null;
  }, [graph, hierarchy]);
  // The first view is the one wanted while the expansion is still the default one.
  const firstFits = first !== null && expanded !== null && attempt === 0 && sameNames(expanded, first.open);

  useEffect(() => {
    if (!graph || graphId === null) return undefined;
    const c = layoutClient();
    preloadLayout(graph);
    return () => {
      loaded.delete(graphId);
      void c.dispose(graphId);
    };
  }, [graph, graphId]);

  useEffect(() => {
    if (graphId === null || expanded === null || firstFits) return undefined;
    let live = true;
    const c = layoutClient();
    void c.layout(graphId, { expanded: new Set(expanded), aux: 'side' }, { onSlow: () => live && setSlowKey(key) }).then((out) => {
      if (!live) return;
      if (out.ok) {
        performance.mark('frost:layout-received');
        setResult({ key, graphId, layout: out.value, error: null, cancelled: false });
      }
      else if (out.reason === 'error' || out.reason === 'cancelled')
        setResult((r) => ({ key, graphId, layout: r?.graphId === graphId ? r.layout : null, error: out.reason === 'error' ? (out.message ?? 'The layout failed.') : null, cancelled: out.reason === 'cancelled' }));
    });
    return () => {
      live = false;
    };
  }, [graphId, expanded, key, firstFits]);

  const cancel = useCallback(() => client?.restart(), []);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);

  const current = result !== null && result.graphId === graphId ? result : null;
  const pending = key !== '' && current?.key !== key && !firstFits;
  return {
    layout: firstFits ? first.layout : (current?.layout ?? first?.layout ?? null),
    pending,
    slow: pending && slowKey === key,
    error: pending ? null : (current?.error ?? null),
    cancelled: !pending && (current?.cancelled ?? false),
    cancel,
    retry,
  };
}
