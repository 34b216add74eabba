/**
 * A pane-scoped view store (the Compare tab's panes): its own open groups, pan/zoom and focus,
 * with the selected node derived from the window's store. Linked panes mirror each other's pan,
 * zoom and open groups (style anchors: Model Explorer's synced split panes). The drawing reads
 * any view through {@link GraphViewBinding} (see graph-view-binding.ts for the window's own).
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { clampZoom, fitViewport, zoomAround, type Rect, type Size, type Viewport } from '../graph/view-geometry.js';
import type { FrostState, GraphViewSlice } from './types.js';

/** What a drawing reads about its view. */
export interface GraphViewFields extends Pick<GraphViewSlice, 'graphExpanded' | 'graphViewport' | 'graphFocus' | 'graphCommand'> {
  selectedNode: string | null;
  /** The freeze preview (the main drawing dims what a freeze drops); null in panes. */
  freezePreview: FrostState['freezePreview'];
  /** The outputs chosen for the next freeze (marked on the main drawing); none in panes. */
  freezeOutputs: FrostState['freezeOutputs'];
}

const NO_OUTPUTS: readonly string[] = [];

export interface GraphViewBindingActions {
  initGraphExpansion(defaults: Iterable<string>): void;
  expandGraphGroup(name: string): void;
  collapseGraphGroup(name: string): void;
  setGraphExpanded(names: Iterable<string>): void;
  /** A pan by the user (drag, minimap): linked panes follow. */
  setGraphViewport(vp: Viewport): void;
  /** A move the view makes by itself (revealing a selected node): linked panes stay. */
  revealViewport(vp: Viewport): void;
  panGraph(dx: number, dy: number): void;
  zoomGraph(factor: number, px: number, py: number): void;
  fitGraph(bounds: Rect, size: Size): void;
  setGraphFocus(node: string | null, hops?: number): void;
  selectNode(name: string | null): void;
}

/** Extra look of one drawn node (the Compare panes colour nodes by change kind and weight heat). */
export interface NodeDecoration {
  className?: string;
  /** 0…1: weight-change heat of a variable node. */
  heat?: number;
  /** Appended to the node's tooltip. */
  note?: string;
}

export interface GraphViewBinding {
  /** Distinguishes the drawings on one page (SVG ids, accessible names). */
  id: string;
  /** Accessible name of the drawing. */
  label: string;
  use<T>(selector: (s: GraphViewFields) => T): T;
  actions: GraphViewBindingActions;
  decorate?(node: GraphNodeIR): NodeDecoration | undefined;
  /** Extra class of a closed group (e.g. it holds changed nodes). */
  groupClass?(name: string): string | undefined;
}

type PaneState = Pick<GraphViewSlice, 'graphExpanded' | 'graphViewport' | 'graphFocus' | 'graphCommand'>;

export interface PaneView extends GraphViewBinding {
  store: StoreApi<PaneState>;
  /** Mirrors pan/zoom gestures and opened/closed groups to `peer` (and back, when linked both ways). */
  linkTo(peer: PaneView): void;
  /** Repeats a peer's screen-space move (scale `f`, then shift by (tx, ty)) on this pane. */
  applyMove(f: number, tx: number, ty: number): void;
}

export interface PaneOptions {
  /** The window's store: the pane's selection is derived from it. */
  window: StoreApi<FrostState>;
  id: string;
  label: string;
  /** The pane's selected node, derived from the window's state (a pane keeps no selection of its own). */
  selected(s: FrostState): string | null;
  /** Selecting a node in this pane (the window's selection follows, and so do linked panes). */
  select(name: string | null): void;
  decorate?: GraphViewBinding['decorate'];
  groupClass?: GraphViewBinding['groupClass'];
}

/** A pane-scoped view store: its own open groups, pan/zoom and focus. */
export function createPaneView(options: PaneOptions): PaneView {
  const store = createStore<PaneState>()(() => ({ graphExpanded: null, graphViewport: null, graphFocus: null, graphCommand: null }));
  const peers: PaneView[] = [];
  // Set while a peer's gesture is applied here, so it is not sent back.
  let mirroring = false;
  const get = store.getState;
  const set = (patch: Partial<PaneState>): void => store.setState(patch);
  const expanded = (): readonly string[] => get().graphExpanded ?? [];

  /** Applies a gesture: the screen-space move from `before` to `after` is repeated on every peer. */
  function gesture(after: Viewport): void {
    const before = get().graphViewport;
    set({ graphViewport: after });
    if (mirroring || !before) return;
    const f = after.k / before.k;
    const tx = after.x - f * before.x;
    const ty = after.y - f * before.y;
    for (const p of peers) p.applyMove(f, tx, ty);
  }
  function applyMove(f: number, tx: number, ty: number): void {
    const vp = get().graphViewport;
    if (!vp) return;
    mirroring = true;
    try {
      set({ graphViewport: { x: f * vp.x + tx, y: f * vp.y + ty, k: clampZoom(vp.k * f) } });
    } finally {
      mirroring = false;
    }
  }
  function setExpanded(next: readonly string[], mirror: (p: PaneView) => void): void {
    set({ graphExpanded: next });
    if (mirroring) return;
    mirroring = true;
    try {
      for (const p of peers) mirror(p);
    } finally {
      mirroring = false;
    }
  }

  const paneActions: GraphViewBindingActions = {
    initGraphExpansion(defaults) {
      if (get().graphExpanded === null) set({ graphExpanded: [...new Set(defaults)] });
    },
    expandGraphGroup(name) {
      const cur = expanded();
      if (!cur.includes(name)) setExpanded([...cur, name], (p) => p.actions.expandGraphGroup(name));
    },
    collapseGraphGroup(name) {
      const cur = expanded();
      if (cur.includes(name)) setExpanded(cur.filter((g) => g !== name), (p) => p.actions.collapseGraphGroup(name));
    },
    setGraphExpanded(names) {
      set({ graphExpanded: [...new Set(names)] });
    },
    setGraphViewport(vp) {
      gesture({ x: vp.x, y: vp.y, k: clampZoom(vp.k) });
    },
    revealViewport(vp) {
      set({ graphViewport: { x: vp.x, y: vp.y, k: clampZoom(vp.k) } });
    },
    panGraph(dx, dy) {
      const vp = get().graphViewport;
      if (vp) gesture({ ...vp, x: vp.x + dx, y: vp.y + dy });
    },
    zoomGraph(factor, px, py) {
      const vp = get().graphViewport;
      if (vp) gesture(zoomAround(vp, factor, px, py));
    },
    fitGraph(bounds, size) {
      set({ graphViewport: fitViewport(bounds, size) });
    },
    setGraphFocus(node, hops = get().graphFocus?.hops ?? 1) {
      set({ graphFocus: node === null ? null : { node, hops: Math.max(1, Math.min(5, Math.round(hops))) } });
    },
    selectNode: options.select,
  };

  const selectedOf = options.selected;
  function use<T>(selector: (s: GraphViewFields) => T): T {
    const pane = useStore(store);
    const selectedNode = useStore(options.window, selectedOf);
    return selector({ ...pane, selectedNode, freezePreview: null, freezeOutputs: NO_OUTPUTS });
  }

  return {
    id: options.id,
    label: options.label,
    use,
    actions: paneActions,
    ...(options.decorate ? { decorate: options.decorate } : {}),
    ...(options.groupClass ? { groupClass: options.groupClass } : {}),
    store,
    linkTo(peer) {
      if (!peers.includes(peer)) peers.push(peer);
    },
    applyMove,
  };
}
