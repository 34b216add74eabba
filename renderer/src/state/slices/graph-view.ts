/**
 * The drawn graph view: which centre tab shows, which groups are open, and the pan/zoom.
 * `graphExpanded` null means "the hierarchy's default expansion" (decided when the view first
 * has a hierarchy: see {@link GraphViewActions.initGraphExpansion}); `graphViewport` null means
 * "fit the next layout". Both reset when another source opens; the tab stays.
 */
import { clampZoom, fitViewport, zoomAround, type Rect, type Size, type Viewport } from '../../graph/view-geometry.js';
import type { CentreTab, GraphCommand, GraphViewSlice } from '../types.js';
import type { ActionContext } from './context.js';

export const graphViewInitial = (): GraphViewSlice => ({ centreTab: 'outline', graphExpanded: null, graphViewport: null, graphCommand: null, graphFocus: null });

/** The document part of the slice (reset on open). */
export const graphViewDocumentDefaults = (): Pick<GraphViewSlice, 'graphExpanded' | 'graphViewport' | 'graphFocus'> => ({ graphExpanded: null, graphViewport: null, graphFocus: null });

export type GraphViewActions = ReturnType<typeof createGraphViewActions>;

/** Zoom step of the +/− buttons and keyboard shortcuts. */
export const ZOOM_STEP = 1.25;

export function createGraphViewActions(ctx: ActionContext) {
  const setCentreTab = (centreTab: CentreTab): void => ctx.set({ centreTab });

  /** Zoom/fit from the View menu: shows the drawn graph and hands the command to its canvas. */
  function requestGraphCommand(kind: GraphCommand): void {
    ctx.set({ centreTab: 'graph', graphCommand: { kind, seq: (ctx.get().graphCommand?.seq ?? 0) + 1 } });
  }

  /** Sets the default expansion unless the user already chose one. */
  function initGraphExpansion(defaults: Iterable<string>): void {
    if (ctx.get().graphExpanded === null) ctx.set({ graphExpanded: [...new Set(defaults)] });
  }

  const expanded = (): readonly string[] => ctx.get().graphExpanded ?? [];

  /** Opens group or series `name` (its ancestors must already be open to see it). */
  function expandGraphGroup(name: string): void {
    const cur = expanded();
    if (!cur.includes(name)) ctx.set({ graphExpanded: [...cur, name] });
  }

  /** Closes `name`; groups open inside it stay remembered for when it reopens. */
  function collapseGraphGroup(name: string): void {
    const cur = expanded();
    if (cur.includes(name)) ctx.set({ graphExpanded: cur.filter((g) => g !== name) });
  }

  function toggleGraphGroup(name: string): void {
    if (expanded().includes(name)) collapseGraphGroup(name);
    else expandGraphGroup(name);
  }

  const setGraphExpanded = (names: Iterable<string>): void => ctx.set({ graphExpanded: [...new Set(names)] });

  const setGraphViewport = (vp: Viewport): void => ctx.set({ graphViewport: { x: vp.x, y: vp.y, k: clampZoom(vp.k) } });

  /** Moves the view by (dx, dy) screen pixels. */
  function panGraph(dx: number, dy: number): void {
    const vp = ctx.get().graphViewport;
    if (vp) ctx.set({ graphViewport: { ...vp, x: vp.x + dx, y: vp.y + dy } });
  }

  /** Zooms by `factor` around screen point (px, py) (the canvas centre for the buttons). */
  function zoomGraph(factor: number, px: number, py: number): void {
    const vp = ctx.get().graphViewport;
    if (vp) ctx.set({ graphViewport: zoomAround(vp, factor, px, py) });
  }

  /** Shows all of `bounds` in a canvas of `size`. */
  const fitGraph = (bounds: Rect, size: Size): void => ctx.set({ graphViewport: fitViewport(bounds, size) });

  /** Focus mode on node `node` (its neighbourhood of `hops` edges); null leaves focus mode. */
  function setGraphFocus(node: string | null, hops = ctx.get().graphFocus?.hops ?? 1): void {
    ctx.set({ graphFocus: node === null ? null : { node, hops: Math.max(1, Math.min(5, Math.round(hops))) } });
  }

  return { setGraphFocus, setCentreTab, requestGraphCommand, initGraphExpansion, expandGraphGroup, collapseGraphGroup, toggleGraphGroup, setGraphExpanded, setGraphViewport, panGraph, zoomGraph, fitGraph };
}
