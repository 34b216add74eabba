/**
 * Lays out a {@link Hierarchy} one group at a time (style anchors item 9; docs/toolchain.md §4:
 * whole-graph dagre takes seconds at 1k nodes and overflows the stack at 20k, so it never sees
 * the whole graph). Pure: dagre comes in as a parameter, no DOM, no timers.
 *
 * A group's layout places its direct children only: ops and closed groups as boxes, open
 * children as boxes whose size is their own layout's size. So a group's layout depends on its
 * own children plus the sizes of its open children, which is what the cache key says: the
 * group and the (recursive) set of open groups below it. Opening or closing one group changes
 * the key of that group and its ancestors only; every other group's layout is a cache hit.
 *
 * Coordinates: every position is relative to the top-left corner of the group's box, so the
 * view composes absolute positions by adding each open ancestor's offset.
 */
import type dagreModule from '@dagrejs/dagre';
import type { ChildEdge, Hierarchy, HierarchyItem } from '../../graph/hierarchy.js';
import { LAYERED_MAX_EDGES, LAYERED_MAX_NODES, layeredLayout } from './layered.js';

/** The dagre module (passed in so tests and the worker choose the instance). */
export type Dagre = typeof dagreModule;

/** What happens to auxiliary children: drawn in a column beside the main layout, left out, or laid out like the rest. */
export type AuxMode = 'side' | 'hide' | 'inline';

/**
 * Above this many laid-out children (or {@link DAGRE_MAX_EDGES} edges) one group is placed on a
 * grid instead of going through dagre. Measured with @dagrejs/dagre 3.1.3 on TF-like layered
 * DAGs (node 20): 400 nodes ≈ 0.7 s, 800 ≈ 1.3 s, 1,500 ≈ 7.9 s, and deep graphs overflow the
 * stack near 3k ranks. After series grouping real groups rarely get close; flat frozen graphs
 * with no scopes do, and a grid keeps them usable until such groups are split (see the report).
 */
export const DAGRE_MAX_NODES = 1000;
export const DAGRE_MAX_EDGES = 3000;
/**
 * From this many children on, groups whose edges allow an exact simple layout skip dagre: no
 * edges at all → grid (dagre would put them all on one rank, one very wide row), edges only from
 * each child to the next (or only to the previous) → a column. That is the shape of series
 * (`layer_[0-399]` is a chain, `save/Assign_[0-2401]` has no edges) and keeps opening anything
 * inside a 400-member series cheap, since the series itself is re-laid out each time.
 */
export const FAST_PATH_MIN = 40;

export interface LayoutOptions {
  /** 'text' sizes boxes from label lengths; 'fixed' gives every leaf the same box (deterministic tests). */
  sizing: 'text' | 'fixed';
  nodesep: number;
  ranksep: number;
  edgesep: number;
  /** Padding inside an open group's box, and the height of its title bar. */
  padding: number;
  header: number;
  /** Gap between the main layout and the auxiliary column. */
  sideGap: number;
  /** Cached group layouts kept (least recently used dropped first). */
  cacheSize: number;
  /** Small groups: Frost's own layered layout (fast, see layered.ts) or dagre like the big ones. */
  smallLayout: 'layered' | 'dagre';
}

export const DEFAULT_LAYOUT_OPTIONS: LayoutOptions = {
  sizing: 'text',
  nodesep: 20,
  ranksep: 30,
  edgesep: 10,
  padding: 12,
  header: 24,
  sideGap: 40,
  cacheSize: 4000,
  smallLayout: 'layered',
};

export interface Point {
  x: number;
  y: number;
}

/** A child's box inside its group. */
export interface ChildBox {
  id: number;
  /** Top-left corner, relative to the group's box. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Open group or series: its own {@link GroupLayout} fills this box. */
  open: boolean;
  /** Placed in the auxiliary column. */
  side: boolean;
}

/** An aggregated edge between two children, routed inside the group. */
export interface EdgePath extends ChildEdge {
  /** At least two points, relative to the group's box. */
  points: Point[];
}

export interface GroupLayout {
  id: number;
  /** Cache key: group, aux mode and the open groups below it. */
  key: string;
  width: number;
  height: number;
  /** How the main children were placed: dagre, the small layered layout, a column (a chain), a grid (no edges, or too big for dagre). */
  mode: 'dagre' | 'layered' | 'column' | 'grid' | 'empty';
  children: ChildBox[];
  edges: EdgePath[];
  /** Edges between a main child and an auxiliary one, not drawn (side mode) or dropped (hide mode). */
  auxEdges: { data: number; control: number };
}

/** Everything the view needs for one expansion state. */
export interface ViewLayout {
  root: number;
  /** Layouts of every visible open group, parents before children. */
  groups: GroupLayout[];
  /** Ids of the groups laid out for this call (cache misses), children before parents. */
  computed: number[];
  stats: { dagreCalls: number; layeredCalls: number; gridCalls: number; cacheHits: number; ms: number };
}

/** A layout in progress (see {@link LayoutEngine.start}). */
export interface LayoutTask {
  step(shouldStop: () => boolean): ViewLayout | null;
}

export interface LayoutState {
  /** Names of open groups and series (the root is always open). */
  expanded: ReadonlySet<string>;
  aux: AuxMode;
}

const CHAR_WIDTH = 6.6;
const OP_HEIGHT = 34;
const GROUP_HEIGHT = 40;
const MIN_WIDTH = 56;
const MAX_WIDTH = 260;
const FIXED = { width: 100, height: 30 };

/** Box of a leaf (op, or closed group/series) from its label lengths. */
export function leafSize(item: HierarchyItem, sizing: LayoutOptions['sizing']): { width: number; height: number } {
  if (sizing === 'fixed') return FIXED;
  const text = (s: string): number => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(s.length * CHAR_WIDTH) + 20));
  if (item.kind === 'op') return { width: Math.max(text(item.label), text(item.op ?? '')), height: OP_HEIGHT };
  // Closed groups show a second line with their size: "+1,234 ops" or "×400 · +30,000 ops" (as GraphCanvas draws it).
  const sub = `${item.seriesSize > 0 ? `×${item.seriesSize} · ` : ''}+${item.nodeCount.toLocaleString('en')} ops`;
  return { width: Math.max(text(item.label), text(sub)), height: GROUP_HEIGHT };
}

/** Title bar width needed by an open group. */
function headerWidth(item: HierarchyItem, o: LayoutOptions): number {
  return o.sizing === 'fixed' ? 0 : Math.min(MAX_WIDTH, Math.ceil(item.label.length * CHAR_WIDTH) + 2 * o.padding);
}

/**
 * Lays out groups of one hierarchy, caching each group's layout by (group, expansion key).
 * Not thread-safe by design: one engine per worker and graph.
 */
/** Thrown by an engine made without dagre (`null`) when a group needs it. */
export class DagreNeeded extends Error {
  constructor() {
    super('This layout needs dagre, which this engine was made without.');
    this.name = 'DagreNeeded';
  }
}

export class LayoutEngine {
  readonly options: LayoutOptions;
  /** Calls made so far, for tests and the status bar. */
  readonly counters = { dagreCalls: 0, layeredCalls: 0, gridCalls: 0, cacheHits: 0 };
  private readonly cache = new Map<string, GroupLayout>();

  constructor(
    readonly hierarchy: Hierarchy,
    /** null: only the layouts of Frost's own (layered, column, grid); a group needing dagre throws DagreNeeded. */
    private readonly dagre: Dagre | null,
    options: Partial<LayoutOptions> = {},
  ) {
    this.options = { ...DEFAULT_LAYOUT_OPTIONS, ...options };
  }

  /** Lays out every visible open group under `state`, bottom-up, reusing cached groups. */
  layout(state: LayoutState): ViewLayout {
    return this.start(state).step(() => false) as ViewLayout;
  }

  /**
   * The same work as {@link layout}, in steps: `step(shouldStop)` polls `shouldStop` between
   * groups and returns null when it said stop, or the result once every group is done. Groups
   * finished by an abandoned task stay cached, so a superseding request reuses them.
   */
  start(state: LayoutState): LayoutTask {
    const t0 = performance.now();
    const h = this.hierarchy;
    const before = { ...this.counters };
    // Open groups in pre-order; laid out in reverse (children first).
    const open: number[] = [];
    const walk: number[] = [0];
    while (walk.length > 0) {
      const id = walk.pop() as number;
      open.push(id);
      const item = h.items[id] as HierarchyItem;
      for (let i = item.children.length - 1; i >= 0; i--) {
        const c = item.children[i] as number;
        const child = h.items[c] as HierarchyItem;
        if (state.aux === 'hide' && sidelined(item, child, 'hide')) continue;
        if ((child.kind === 'group' || child.kind === 'series') && state.expanded.has(child.name)) walk.push(c);
      }
    }
    const keys = new Map<number, string>();
    const computed: number[] = [];
    const layouts = new Map<number, GroupLayout>();
    let next = open.length - 1;
    const step = (shouldStop: () => boolean): ViewLayout | null => {
      for (; next >= 0; next--) {
        if (shouldStop()) return null;
        const id = open[next] as number;
        const item = h.items[id] as HierarchyItem;
        const parts: string[] = [];
        for (const c of item.children) {
          const k = keys.get(c);
          if (k !== undefined) parts.push(`${c}(${k})`);
        }
        // Keys nest the open subtree; long ones are hashed (64-bit FNV-1a pair plus the length,
        // so a wrong cache hit would need a double collision of equal-length keys).
        const raw = parts.join(',');
        const key = raw.length <= 64 ? raw : `#${raw.length}:${hash(raw)}`;
        keys.set(id, key);
        const cacheKey = `${state.aux}|${id}|${key}`;
        let layout = this.cache.get(cacheKey);
        if (layout) {
          this.counters.cacheHits++;
          this.cache.delete(cacheKey); // refresh its LRU position
        } else {
          layout = this.layoutGroup(id, state.aux, layouts, cacheKey);
          computed.push(id);
        }
        this.cache.set(cacheKey, layout);
        layouts.set(id, layout);
      }
      while (this.cache.size > this.options.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
      return {
        root: 0,
        groups: open.map((id) => layouts.get(id) as GroupLayout),
        computed,
        stats: {
          dagreCalls: this.counters.dagreCalls - before.dagreCalls,
          layeredCalls: this.counters.layeredCalls - before.layeredCalls,
          gridCalls: this.counters.gridCalls - before.gridCalls,
          cacheHits: this.counters.cacheHits - before.cacheHits,
          ms: performance.now() - t0,
        },
      };
    };
    return { step };
  }

  /** Lays out group `id`'s children; `inner` holds the layouts of its open children. */
  private layoutGroup(id: number, aux: AuxMode, inner: ReadonlyMap<number, GroupLayout>, key: string): GroupLayout {
    const o = this.options;
    const h = this.hierarchy;
    const item = h.items[id] as HierarchyItem;
    const main: ChildBox[] = [];
    const side: ChildBox[] = [];
    const role = new Map<number, ChildBox>();
    for (const c of item.children) {
      const child = h.items[c] as HierarchyItem;
      const isAux = sidelined(item, child, aux);
      if (isAux && aux === 'hide') continue;
      const sub = inner.get(c);
      const size = sub ? { width: sub.width, height: sub.height } : leafSize(child, o.sizing);
      const box: ChildBox = { id: c, x: 0, y: 0, width: size.width, height: size.height, open: sub !== undefined, side: isAux };
      (isAux ? side : main).push(box);
      role.set(c, box);
    }
    const auxEdges = { data: 0, control: 0 };
    const edges: ChildEdge[] = [];
    for (const e of h.childEdges.get(id) ?? []) {
      const a = role.get(e.from);
      const b = role.get(e.to);
      if (a && b && !a.side && !b.side) edges.push(e);
      else if ((a && !a.side) || (b && !b.side)) {
        auxEdges.data += e.data;
        auxEdges.control += e.control;
      }
    }

    const top = id === 0 ? 0 : o.header;
    const pad = id === 0 ? 0 : o.padding;
    let mode: GroupLayout['mode'] = 'empty';
    let paths: EdgePath[] = [];
    let mainW = 0;
    let mainH = 0;
    if (main.length > 0) {
      // A star (hundreds of variables into a SavedModel's call, constants into a frozen one)
      // would be one rank hundreds of boxes wide: its sources are laid out as one grid block.
      const fan = fanInSources(main, edges);
      // About as wide as a canvas is (3:2), so the first view of a star stays readable.
      const packed = fan ? this.grid(fan.members, [], 1.5) : undefined;
      const block: ChildBox | undefined = packed ? { id: FAN_BLOCK, x: 0, y: 0, width: packed.width, height: packed.height, open: false, side: false } : undefined;
      const inBlock = fan ? fan.members.map((b) => ({ x: b.x, y: b.y })) : [];
      const boxes = fan && block ? [...main.filter((b) => !fan.ids.has(b.id)), block] : main;
      const routed = fan ? [...fan.restEdges, ...fan.blockEdges] : edges;
      const chain = boxes.length >= FAST_PATH_MIN ? chainOrder(boxes, routed) : null;
      let r: { paths: EdgePath[]; width: number; height: number };
      if (chain) {
        mode = 'column';
        r = this.column(chain, routed);
      } else if ((boxes.length >= FAST_PATH_MIN && routed.length === 0) || boxes.length > DAGRE_MAX_NODES || routed.length > DAGRE_MAX_EDGES) {
        mode = 'grid';
        r = this.grid(boxes, routed);
      } else if (o.smallLayout === 'layered' && boxes.length <= LAYERED_MAX_NODES && routed.length <= LAYERED_MAX_EDGES) {
        mode = 'layered';
        r = this.layered(boxes, routed);
      } else {
        mode = 'dagre';
        r = this.dagreLayout(boxes, routed);
      }
      paths = r.paths;
      if (fan && block) {
        // Members go where the block went; each of their edges joins the block's route.
        fan.members.forEach((b, i) => {
          const at = inBlock[i] as Point;
          b.x = block.x + at.x;
          b.y = block.y + at.y;
        });
        const route = new Map(paths.filter((p) => p.from === FAN_BLOCK).map((p) => [p.to, p.points]));
        paths = paths.filter((p) => p.from !== FAN_BLOCK);
        for (const e of fan.memberEdges) {
          const b = fan.byId.get(e.from) as ChildBox;
          paths.push({ ...e, points: [{ x: b.x + b.width / 2, y: b.y + b.height }, ...(route.get(e.to) ?? [])] });
        }
      }
      mainW = r.width;
      mainH = r.height;
    }
    // Auxiliary column(s) to the right, wrapped to the main layout's height (at least 600).
    let sideW = 0;
    let sideH = 0;
    if (side.length > 0) {
      const colMax = Math.max(mainH, 600);
      let x = main.length > 0 ? mainW + o.sideGap : 0;
      let y = 0;
      let colW = 0;
      for (const b of side) {
        if (y > 0 && y + b.height > colMax) {
          x += colW + o.nodesep;
          y = 0;
          colW = 0;
        }
        b.x = x;
        b.y = y;
        y += b.height + o.edgesep;
        colW = Math.max(colW, b.width);
        sideH = Math.max(sideH, y - o.edgesep);
      }
      sideW = x + colW - mainW;
    }
    const contentW = mainW + sideW;
    const contentH = Math.max(mainH, sideH);
    const width = Math.max(contentW + 2 * pad, headerWidth(item, o), id === 0 ? 0 : MIN_WIDTH);
    const height = contentH + top + pad;
    // Shift content into the box (centred horizontally when the title is wider).
    const dx = pad + Math.max(0, (width - 2 * pad - contentW) / 2);
    const dy = top;
    for (const b of [...main, ...side]) {
      b.x += dx;
      b.y += dy;
    }
    for (const p of paths) for (const pt of p.points) {
      pt.x += dx;
      pt.y += dy;
    }
    return { id, key, width, height: Math.max(height, id === 0 ? 0 : top + 2 * pad), mode, children: [...main, ...side], edges: paths, auxEdges };
  }

  /** One dagre call over the main children; boxes get top-left positions relative to (0, 0). */
  private dagreLayout(boxes: ChildBox[], edges: readonly ChildEdge[]): { paths: EdgePath[]; width: number; height: number } {
    const o = this.options;
    this.counters.dagreCalls++;
    const dagre = this.dagre;
    if (!dagre) throw new DagreNeeded();
    const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
    g.setGraph({ rankdir: 'TB', nodesep: o.nodesep, ranksep: o.ranksep, edgesep: o.edgesep, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const b of boxes) g.setNode(String(b.id), { width: b.width, height: b.height });
    for (const e of edges) {
      // Control-only edges pull less on the ranking than data edges.
      g.setEdge(String(e.from), String(e.to), { weight: e.data > 0 ? 2 : 1, minlen: 1 });
    }
    dagre.layout(g);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const b of boxes) {
      const nl = g.node(String(b.id)) as { x?: number; y?: number } | undefined;
      b.x = (nl?.x ?? 0) - b.width / 2;
      b.y = (nl?.y ?? 0) - b.height / 2;
      minX = Math.min(minX, b.x);
      minY = Math.min(minY, b.y);
      maxX = Math.max(maxX, b.x + b.width);
      maxY = Math.max(maxY, b.y + b.height);
    }
    const byId = new Map(boxes.map((b) => [b.id, b]));
    const paths: EdgePath[] = edges.map((e) => {
      const label = g.edge(String(e.from), String(e.to)) as { points?: Point[] } | undefined;
      const pts = label?.points && label.points.length >= 2 ? label.points.map((p) => ({ x: p.x, y: p.y })) : straight(byId.get(e.from) as ChildBox, byId.get(e.to) as ChildBox);
      for (const p of pts) {
        minX = Math.min(minX, p.x);
        minY = Math.min(minY, p.y);
        maxX = Math.max(maxX, p.x);
        maxY = Math.max(maxY, p.y);
      }
      return { ...e, points: pts };
    });
    for (const b of boxes) {
      b.x -= minX;
      b.y -= minY;
    }
    for (const p of paths) for (const pt of p.points) {
      pt.x -= minX;
      pt.y -= minY;
    }
    return { paths, width: maxX - minX, height: maxY - minY };
  }

  /** The small-group layout of layered.ts; boxes get top-left positions relative to (0, 0). */
  private layered(boxes: ChildBox[], edges: readonly ChildEdge[]): { paths: EdgePath[]; width: number; height: number } {
    const o = this.options;
    this.counters.layeredCalls++;
    const at = new Map(boxes.map((b, i) => [b.id, i]));
    const r = layeredLayout(
      boxes,
      edges.map((e) => ({ from: at.get(e.from) as number, to: at.get(e.to) as number })),
      { nodesep: o.nodesep, ranksep: o.ranksep, edgesep: o.edgesep },
    );
    boxes.forEach((b, i) => {
      const p = r.boxes[i] as { x: number; y: number };
      b.x = p.x;
      b.y = p.y;
    });
    return { paths: edges.map((e, i) => ({ ...e, points: r.paths[i] as Point[] })), width: r.width, height: r.height };
  }

  /** A chain, top to bottom, centred; edges straight. */
  private column(boxes: ChildBox[], edges: readonly ChildEdge[]): { paths: EdgePath[]; width: number; height: number } {
    const o = this.options;
    const width = Math.max(...boxes.map((b) => b.width));
    let y = 0;
    for (const b of boxes) {
      b.x = (width - b.width) / 2;
      b.y = y;
      y += b.height + o.ranksep;
    }
    const byId = new Map(boxes.map((b) => [b.id, b]));
    const paths = edges.map((e) => ({ ...e, points: straight(byId.get(e.from) as ChildBox, byId.get(e.to) as ChildBox) }));
    return { paths, width, height: y - o.ranksep };
  }

  /**
   * Fallback for groups too big for one dagre call: rows in graph order, wrapped to a roughly
   * square block, edges drawn straight. Readable enough to find a node; it is not a flow layout.
   */
  private grid(boxes: ChildBox[], edges: readonly ChildEdge[], aspect?: number): { paths: EdgePath[]; width: number; height: number } {
    const o = this.options;
    this.counters.gridCalls++;
    const colW = Math.max(...boxes.map((b) => b.width));
    // By default twice as many columns as a square count would have; with `aspect`, as many as
    // make the block about `aspect` times as wide as high.
    const rowH = Math.max(...boxes.map((b) => b.height)) + o.ranksep;
    const cols = Math.max(1, Math.ceil(aspect === undefined ? Math.sqrt(boxes.length * 2) : Math.sqrt((boxes.length * aspect * rowH) / (colW + o.nodesep))));
    let y = 0;
    let width = 0;
    for (let r = 0; r * cols < boxes.length; r++) {
      const row = boxes.slice(r * cols, (r + 1) * cols);
      const rowH = Math.max(...row.map((b) => b.height));
      row.forEach((b, i) => {
        b.x = i * (colW + o.nodesep) + (colW - b.width) / 2;
        b.y = y + (rowH - b.height) / 2;
        width = Math.max(width, i * (colW + o.nodesep) + colW);
      });
      y += rowH + o.ranksep;
    }
    const byId = new Map(boxes.map((b) => [b.id, b]));
    const paths = edges.map((e) => ({ ...e, points: straight(byId.get(e.from) as ChildBox, byId.get(e.to) as ChildBox) }));
    return { paths, width, height: Math.max(0, y - o.ranksep) };
  }
}

/**
 * Is the child's auxiliary status shown apart from its parent's main layout? Only the aux
 * children of a non-aux group are: inside an aux group (an open `gradients/`) everything is
 * laid out normally. Input pipelines never are: they feed the model (their dequeue is its
 * input and where `frost freeze` cuts, docs/freezing.md), so they stay in the main flow, drawn
 * in the queue colour with their edges into the model (issue #5).
 */
function sidelined(parent: HierarchyItem, child: HierarchyItem, mode: AuxMode): boolean {
  return mode !== 'inline' && child.aux !== null && child.aux !== 'pipeline' && parent.aux === null;
}

/**
 * `boxes` in chain order when every edge joins a child to the next one in display order (or
 * every edge to the previous one: then reversed), with at least one edge; otherwise null.
 */
function chainOrder(boxes: ChildBox[], edges: readonly ChildEdge[]): ChildBox[] | null {
  if (edges.length === 0) return null;
  const at = new Map(boxes.map((b, i) => [b.id, i]));
  const d = (at.get(edges[0]?.to ?? -1) ?? NaN) - (at.get(edges[0]?.from ?? -1) ?? NaN);
  if (d !== 1 && d !== -1) return null;
  for (const e of edges) if ((at.get(e.to) ?? NaN) - (at.get(e.from) ?? NaN) !== d) return null;
  return d === 1 ? boxes : [...boxes].reverse();
}

/** Id of the stand-in box for a fan-in block (never an item id: those are ≥ 0). */
const FAN_BLOCK = -1;
/** A star's sources become a block from this many on. */
export const FAN_IN_MIN = 24;

/**
 * The largest set of source children (no edge in) that all feed the same few children,
 * when it has at least {@link FAN_IN_MIN} members, with the edges split into theirs (and one
 * aggregated edge per consumer from the block) and the rest. Sources feeding many different
 * children (a frozen graph's weights, each into its own MatMul) are left to the flow layout,
 * which puts each beside its consumer.
 */
function fanInSources(main: readonly ChildBox[], edges: readonly ChildEdge[]): { members: ChildBox[]; ids: Set<number>; byId: Map<number, ChildBox>; memberEdges: ChildEdge[]; restEdges: ChildEdge[]; blockEdges: ChildEdge[] } | null {
  if (main.length < FAN_IN_MIN) return null;
  const hasIn = new Set(edges.map((e) => e.to));
  const targets = new Map<number, Set<number>>();
  for (const e of edges) {
    if (hasIn.has(e.from)) continue;
    let t = targets.get(e.from);
    if (!t) targets.set(e.from, (t = new Set()));
    t.add(e.to);
  }
  const byTargets = new Map<string, number[]>();
  for (const b of main) {
    const t = targets.get(b.id);
    if (!t || t.size > 3) continue;
    const key = [...t].sort((x, y) => x - y).join(',');
    const list = byTargets.get(key);
    if (list) list.push(b.id);
    else byTargets.set(key, [b.id]);
  }
  let best: number[] = [];
  for (const ids of byTargets.values()) if (ids.length > best.length) best = ids;
  if (best.length < FAN_IN_MIN) return null;
  const ids = new Set(best);
  const members = main.filter((b) => ids.has(b.id));
  const memberEdges = edges.filter((e) => ids.has(e.from));
  const restEdges = edges.filter((e) => !ids.has(e.from));
  const agg = new Map<number, ChildEdge>();
  for (const e of memberEdges) {
    const a = agg.get(e.to) ?? { from: FAN_BLOCK, to: e.to, data: 0, control: 0 };
    a.data += e.data;
    a.control += e.control;
    agg.set(e.to, a);
  }
  return { members, ids, byId: new Map(members.map((b) => [b.id, b])), memberEdges, restEdges, blockEdges: [...agg.values()] };
}

/** From the bottom centre of `a` to the top centre of `b`. */
function straight(a: ChildBox, b: ChildBox): Point[] {
  return [
    { x: a.x + a.width / 2, y: a.y + a.height },
    { x: b.x + b.width / 2, y: b.y },
  ];
}

/** FNV-1a, two independent 32-bit lanes, as 16 hex digits. */
function hash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
