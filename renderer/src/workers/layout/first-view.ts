/**
 * The first view of a newly opened graph, laid out on the UI thread when that is small work.
 * The worker can only start laying out once it has parsed the graph and built its own copy of
 * the hierarchy (on a 30k-node training graph ~0.45 s after the UI thread has its own), while
 * the first view itself is typically a dozen collapsed scopes: ~13 ms with Frost's layered
 * layout. So the UI thread tries that view first, within a small time budget and without
 * dagre; a view that needs dagre or more time goes to the worker as every later layout does.
 */
import type { Hierarchy } from '../../graph/hierarchy.js';
import { DagreNeeded, LayoutEngine, type AuxMode, type ViewLayout } from './layout.js';

/** Longest the UI thread spends on a first view before leaving it to the worker. */
export const FIRST_VIEW_BUDGET_MS = 25;

/** The layout of `expanded` over `hierarchy` without dagre, or null when dagre or more time is needed. */
export function firstViewLayout(hierarchy: Hierarchy, expanded: ReadonlySet<string>, aux: AuxMode = 'side'): ViewLayout | null {
  const deadline = performance.now() + FIRST_VIEW_BUDGET_MS;
  try {
    const task = new LayoutEngine(hierarchy, null).start({ expanded, aux });
    return task.step(() => performance.now() > deadline);
  } catch (e) {
    if (e instanceof DagreNeeded) return null;
    throw e;
  }
}
