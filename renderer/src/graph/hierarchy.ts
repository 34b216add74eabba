/**
 * The graph as a tree of groups, the model the graph view lays out and draws (TensorBoard-style
 * name-scope grouping; docs/peers.md §1.2, style anchors item 9). Pure and worker-safe: the layout
 * worker and the main thread build the same tree from the same GraphIR, so item ids agree.
 *
 * Rules, in build order:
 * 1. **Scopes.** `a/b/c` puts op `c` in group `a/b`, inside group `a`. An op named like a scope
 *    (TF names `batch` and `batch/n` alike) goes inside that group as its first child, labelled
 *    `(batch)`, and is the group's `scopeOp`; edges to it stay inside the group.
 * 2. **Auxiliary parts** get an `aux` kind so the view can side-line, collapse or hide them:
 *    - by scope name at any depth: `save*` → save; `init*`, `report_uninitialized_*`, `Initializer`
 *      → init; `gradients*` → gradients; optimizer names (`Adam`, `Adagrad`, `Momentum`, …, also
 *      slot scopes such as `kernel/Adam_1`) → optimizer; `summaries` → summary;
 *    - by op: `pipeline` flag → pipeline; summary family → summary; `*Apply*` update ops and
 *      `beta1_power`/`beta2_power` → optimizer;
 *    - by use: a node all of whose consumers are summary / init / save / pipeline nodes takes
 *      their kind (initializer subgraphs, the feeders of a queue, the ops only a summary reads).
 *      Gradients and optimizer do not spread this way: the loss is read only by gradients.
 *    - a group is aux when its scope name says so or when every op under it is aux.
 * 3. **Series.** Siblings named `base`, `base_1`, … (or `layer_0` … `layer_99`) become one series
 *    item when they are groups with identical inner structure (op types and local names, all
 *    the way down) and there are at least {@link SERIES_MIN_GROUPS}, or ops of one type and
 *    there are at least {@link SERIES_MIN_OPS} (TensorBoard uses 5 for ops).
 * 4. **Edges** between the children of each group are aggregated once at build time, data and
 *    control counted separately; they do not depend on what is expanded, which is what lets a
 *    layout of one group be cached and reused (see workers/layout/layout.ts).
 */
import type { GraphIR } from '../../../shared/model/graph-ir.js';

export type AuxKind = 'save' | 'init' | 'summary' | 'gradients' | 'optimizer' | 'pipeline';
export type ItemKind = 'root' | 'group' | 'series' | 'op';

/** Series of at least this many structurally identical sibling groups collapse into one item. */
export const SERIES_MIN_GROUPS = 3;
/** Series of at least this many same-type numbered sibling ops collapse into one item. */
export const SERIES_MIN_OPS = 5;
/**
 * Groups are collapsed by default. Exceptions: tiny groups (at most this many ops) open, since
 * their box would hide almost nothing…
 */
export const AUTO_EXPAND_MAX_NODES = 6;
/** …and a lone non-auxiliary child group (a wrapper scope like `model/`) with at most this many children. */
export const AUTO_EXPAND_SOLE_CHILD_MAX_CHILDREN = 40;

export interface HierarchyItem {
  /** Index in {@link Hierarchy.items}; the root is 0. */
  id: number;
  kind: ItemKind;
  /**
   * Unique among groups and series: the scope path for groups, `parent/base_[lo-hi]` for series
   * (`[` cannot occur in TF names), '' for the root. For ops, the node name (an op and its group
   * may share a name).
   */
  name: string;
  /** Short text to draw: the last name part, `(name)` for a scope op, `base_[lo-hi]` for a series. */
  label: string;
  parent: number;
  depth: number;
  /** Display order: the scope op, then subgroups, then ops, each in graph order (a series sits where its first member was; its members go by number). */
  children: number[];
  /** Ops in this subtree (1 for an op). */
  nodeCount: number;
  /** For ops: index in `graph.nodes`; otherwise -1. */
  node: number;
  /** For groups: the item of the op named like the scope, or -1. */
  scopeOp: number;
  /** Op type for ops and op series. */
  op?: string;
  aux: AuxKind | null;
  /** For series: the member count; otherwise 0. */
  seriesSize: number;
  defaultExpanded: boolean;
}

/** Aggregated edges between two children of one group. */
export interface ChildEdge {
  from: number;
  to: number;
  /** Data inputs (tensor references) crossing from `from`'s subtree into `to`'s. */
  data: number;
  control: number;
}

export interface Hierarchy {
  graph: GraphIR;
  items: HierarchyItem[];
  /** Items in pre-order (parents before children, siblings in display order). */
  preorder: Int32Array;
  /** Op item of each graph node. */
  itemOfNode: Int32Array;
  /** Edges among each group's children, by group id (absent when there are none). */
  childEdges: ReadonlyMap<number, readonly ChildEdge[]>;
  /** Op-level edges as node indices: `edgeFrom[i] → edgeTo[i]`, control when `edgeControl[i]` is 1. */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeControl: Uint8Array;
  /** Group or series id by name. */
  groupByName: ReadonlyMap<string, number>;
  /** Node index by name. */
  nodeByName: ReadonlyMap<string, number>;
  stats: { items: number; groups: number; series: number; auxNodes: number; edges: number; ms: number };
}

const ROOT = 0;
const AUX_KINDS: readonly AuxKind[] = ['save', 'init', 'summary', 'gradients', 'optimizer', 'pipeline'];
/** Kinds that spread backwards to nodes whose only consumers have them. */
const SPREADS = new Set<AuxKind>(['save', 'init', 'summary', 'pipeline']);

const OPTIMIZERS =
  'Adam|AdamW|Adamax|Nadam|Adagrad|AdagradDA|Adadelta|Ftrl|Momentum|RMSProp|GradientDescent|ProximalAdagrad|ProximalGradientDescent|SGD|LARS|LAMB';
const SCOPE_AUX: [RegExp, AuxKind][] = [
  [/^save(_\d+)?$/, 'save'],
  [/^beta[12]_power(_\d+)?$/, 'optimizer'],
  [/^(init(_\d+)?|init_all_tables|init_all_variables|Initializer|report_uninitialized_(variables|resources)(_\d+)?|ready_for_local_init|local_init_op)$/, 'init'],
  [/^gradients(_\d+)?$/, 'gradients'],
  [new RegExp(`^(${OPTIMIZERS})(_\\d+)?$`), 'optimizer'],
  [/^(summaries|summary|.*_summary)$/, 'summary'],
];
const OP_NAME_AUX: [RegExp, AuxKind][] = [
  [/^(init(_\d+)?|init_all_tables|init_all_variables|report_uninitialized_(variables|resources)(_\d+)?|ready_for_local_init|local_init_op)$/, 'init'],
  [/^beta[12]_power(_\d+)?$/, 'optimizer'],
];

/** Optimizer update ops (ApplyAdam, ResourceSparseApplyAdagrad, …); plain Assign is left to the spread rule. */
const APPLY_OP = /^(Resource)?(Sparse)?Apply/;

function scopeAux(local: string): AuxKind | null {
  for (const [re, kind] of SCOPE_AUX) if (re.test(local)) return kind;
  return null;
}

/** `node`, `node:1` or `^node` to `node` (same rule as graph-index.ts, without a regex on the hot path). */
function producerName(input: string): string {
  const bare = input.charCodeAt(0) === 94 /* ^ */ ? input.slice(1) : input;
  const colon = bare.lastIndexOf(':');
  if (colon <= 0) return bare;
  for (let i = colon + 1; i < bare.length; i++) {
    const c = bare.charCodeAt(i);
    if (c < 48 || c > 57) return bare;
  }
  return colon + 1 < bare.length ? bare.slice(0, colon) : bare;
}

/** `layer_12` → [`layer`, 12]; `dense` → [`dense`, -1] (the bare first member). */
function splitNumber(local: string): [string, number] {
  const m = /^(.+?)_(\d+)$/.exec(local);
  return m ? [m[1] as string, Number(m[2])] : [local, -1];
}

/** Builds the tree. Deterministic: the same GraphIR gives the same ids. */
export function buildHierarchy(graph: GraphIR): Hierarchy {
  const t0 = performance.now();
  const nodes = graph.nodes;
  const n = nodes.length;
  const items: HierarchyItem[] = [];
  const make = (kind: ItemKind, name: string, label: string, parent: number, node = -1): number => {
    const id = items.length;
    items.push({ id, kind, name, label, parent, depth: 0, children: [], nodeCount: 0, node, scopeOp: -1, aux: null, seriesSize: 0, defaultExpanded: false });
    if (parent >= 0) (items[parent] as HierarchyItem).children.push(id);
    return id;
  };
  make('root', '', '', -1);

  // 1. Groups (every scope path with something below it), then ops, so a group's id is always
  // below its children's ids until series are added.
  const groupByName = new Map<string, number>();
  const groupOf = (path: string): number => {
    let id = groupByName.get(path);
    if (id !== undefined) return id;
    const slash = path.lastIndexOf('/');
    const parent = slash > 0 ? groupOf(path.slice(0, slash)) : ROOT;
    id = make('group', path, slash > 0 ? path.slice(slash + 1) : path, parent);
    groupByName.set(path, id);
    return id;
  };
  const nodeByName = new Map<string, number>();
  const parentOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const name = (nodes[i] as (typeof nodes)[number]).name;
    if (!nodeByName.has(name)) nodeByName.set(name, i);
    const slash = name.lastIndexOf('/');
    parentOf[i] = slash > 0 ? groupOf(name.slice(0, slash)) : ROOT;
  }
  const itemOfNode = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i] as (typeof nodes)[number];
    const name = node.name;
    const slash = name.lastIndexOf('/');
    const local = slash >= 0 ? name.slice(slash + 1) : name;
    const scope = groupByName.get(name);
    let id: number;
    if (scope !== undefined) {
      const group = items[scope] as HierarchyItem;
      id = make('op', name, `(${local})`, scope, i);
      // The scope op comes first among the group's children.
      group.children.pop();
      group.children.unshift(id);
      if (group.scopeOp < 0) group.scopeOp = id;
    } else {
      id = make('op', name, local, parentOf[i] as number, i);
    }
    (items[id] as HierarchyItem).op = node.op;
    itemOfNode[i] = id;
  }

  // 2. Auxiliary parts. Named scopes first, inherited downwards (parents precede children here).
  const namedAux: (AuxKind | null)[] = new Array<AuxKind | null>(items.length).fill(null);
  for (const item of items) {
    if (item.kind !== 'group') continue;
    namedAux[item.id] = namedAux[item.parent] ?? scopeAux(item.label);
  }
  const nodeAux: (AuxKind | null)[] = new Array<AuxKind | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const node = nodes[i] as (typeof nodes)[number];
    const item = items[itemOfNode[i] as number] as HierarchyItem;
    let kind = namedAux[item.parent] ?? null;
    if (kind === null) {
      const local = item.kind === 'op' && item.label.startsWith('(') ? item.label.slice(1, -1) : item.label;
      for (const [re, k] of OP_NAME_AUX) if (re.test(local)) kind = k;
      if (kind === null && item.parent === ROOT) kind = scopeAux(local);
    }
    if (kind === null) {
      if (node.pipeline) kind = 'pipeline';
      else if (node.family === 'summary') kind = 'summary';
      else if (APPLY_OP.test(node.op)) kind = 'optimizer';
    }
    nodeAux[i] = kind;
  }

  // Op-level edges, and how many references each node's output gets.
  const from: number[] = [];
  const to: number[] = [];
  const ctl: number[] = [];
  const refs = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const node = nodes[v] as (typeof nodes)[number];
    for (const input of node.inputs) {
      const u = nodeByName.get(producerName(input));
      if (u === undefined || u === v) continue;
      from.push(u);
      to.push(v);
      ctl.push(0);
      refs[u] = (refs[u] as number) + 1;
    }
    for (const input of node.controlInputs) {
      const u = nodeByName.get(producerName(input));
      if (u === undefined || u === v) continue;
      from.push(u);
      to.push(v);
      ctl.push(1);
      refs[u] = (refs[u] as number) + 1;
    }
  }
  const edgeFrom = Int32Array.from(from);
  const edgeTo = Int32Array.from(to);
  const edgeControl = Uint8Array.from(ctl);
  const m = edgeFrom.length;

  // Backward spread: producers (by CSR over consumers' inputs) whose every reference is from a
  // spreading aux node join that kind. Each reference decrements once, so cycles stay put.
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const v = (edgeTo[e] as number) + 1;
    inStart[v] = (inStart[v] as number) + 1;
  }
  for (let v = 0; v < n; v++) inStart[v + 1] = (inStart[v + 1] as number) + (inStart[v] as number);
  const inList = new Int32Array(m);
  const fill = inStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    const v = edgeTo[e] as number;
    const at = fill[v] as number;
    fill[v] = at + 1;
    inList[at] = edgeFrom[e] as number;
  }
  const stack: number[] = [];
  for (let v = 0; v < n; v++) {
    const k = nodeAux[v];
    if (k !== null && k !== undefined && SPREADS.has(k)) stack.push(v);
  }
  while (stack.length > 0) {
    const v = stack.pop() as number;
    const kind = nodeAux[v] as AuxKind;
    for (let j = inStart[v] as number; j < (inStart[v + 1] as number); j++) {
      const u = inList[j] as number;
      const left = (refs[u] as number) - 1;
      refs[u] = left;
      if (left === 0 && nodeAux[u] === null) {
        nodeAux[u] = kind;
        stack.push(u);
      }
    }
  }

  // Counts and aux per group, bottom-up (every item's parent has a smaller id at this point).
  const kindIndex = new Map(AUX_KINDS.map((k, i) => [k, i]));
  const kinds = AUX_KINDS.length;
  const auxCounts = new Int32Array(items.length * kinds);
  let auxNodes = 0;
  for (let i = 0; i < n; i++) {
    const item = items[itemOfNode[i] as number] as HierarchyItem;
    item.nodeCount = 1;
    item.aux = nodeAux[i] ?? null;
    if (item.aux !== null) {
      auxNodes++;
      const at = item.id * kinds + (kindIndex.get(item.aux) as number);
      auxCounts[at] = (auxCounts[at] as number) + 1;
    }
  }
  for (let id = items.length - 1; id > 0; id--) {
    const item = items[id] as HierarchyItem;
    const parent = items[item.parent] as HierarchyItem;
    parent.nodeCount += item.nodeCount;
    for (let k = 0; k < kinds; k++) auxCounts[parent.id * kinds + k] = (auxCounts[parent.id * kinds + k] as number) + (auxCounts[id * kinds + k] as number);
  }
  const dominantAux = (id: number, total: number): AuxKind | null => {
    let best = -1;
    let bestCount = 0;
    let sum = 0;
    for (let k = 0; k < kinds; k++) {
      const c = auxCounts[id * kinds + k] as number;
      sum += c;
      if (c > bestCount) [best, bestCount] = [k, c];
    }
    return sum === total && best >= 0 ? (AUX_KINDS[best] as AuxKind) : null;
  };
  for (const item of items) {
    if (item.kind === 'group') item.aux = namedAux[item.id] ?? dominantAux(item.id, item.nodeCount);
  }

  // 3. Series. Structure ids bottom-up: a group's id interns its children's sorted (local name,
  // op type or structure id) tokens, so `layer_3` and `layer_7` match when their insides do.
  const structure = new Int32Array(items.length);
  const interned = new Map<string, number>();
  const groupCount = items.length;
  for (let id = groupCount - 1; id >= 0; id--) {
    const item = items[id] as HierarchyItem;
    if (item.kind === 'op') continue;
    const tokens = item.children.map((c) => {
      const child = items[c] as HierarchyItem;
      if (child.kind === 'op') return `o${c === item.scopeOp ? '@' : child.label}|${child.op ?? ''}`;
      return `g${child.label}|${structure[c] as number}`;
    });
    tokens.sort();
    const key = tokens.join('\n');
    let sid = interned.get(key);
    if (sid === undefined) {
      sid = interned.size;
      interned.set(key, sid);
    }
    structure[id] = sid;
  }
  let seriesCount = 0;
  for (let id = 0; id < groupCount; id++) {
    const group = items[id] as HierarchyItem;
    if (group.kind === 'op' || group.children.length < Math.min(SERIES_MIN_GROUPS, SERIES_MIN_OPS)) continue;
    // Cheap pre-check: a series needs numbered names (`x_1`), so skip groups without any.
    let numbered = 0;
    for (const c of group.children) {
      const code = (items[c] as HierarchyItem).label.charCodeAt((items[c] as HierarchyItem).label.length - 1);
      if (code >= 48 && code <= 57) numbered++;
    }
    if (numbered < 2) continue;
    const buckets = new Map<string, { members: number[]; numbers: number[]; base: string; ops: boolean }>();
    for (const c of group.children) {
      const child = items[c] as HierarchyItem;
      if (c === group.scopeOp) continue;
      const [base, num] = splitNumber(child.label);
      const ops = child.kind === 'op';
      const key = ops ? `o${base}|${child.op ?? ''}` : `g${base}|${structure[c] as number}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { members: [], numbers: [], base, ops }));
      b.members.push(c);
      b.numbers.push(num);
    }
    for (const b of buckets.values()) {
      if (b.members.length < (b.ops ? SERIES_MIN_OPS : SERIES_MIN_GROUPS)) continue;
      if (!b.numbers.some((x) => x >= 0)) continue;
      const order = b.members.map((_, i) => i).sort((x, y) => (b.numbers[x] as number) - (b.numbers[y] as number));
      const members = order.map((i) => b.members[i] as number);
      const lo = Math.max(0, b.numbers[order[0] as number] as number);
      const hi = b.numbers[order[order.length - 1] as number] as number;
      const label = `${b.base}_[${lo}-${hi}]`;
      let name = group.name === '' ? label : `${group.name}/${label}`;
      for (let k = 2; groupByName.has(name); k++) name = `${group.name === '' ? '' : `${group.name}/`}${label}#${k}`;
      // Insert the series where its first member was (graph order), then re-parent the members.
      const first = group.children.indexOf(b.members[0] as number);
      const sid = make('series', name, label, id);
      group.children.pop();
      const memberSet = new Set(members);
      group.children = group.children.filter((c) => !memberSet.has(c));
      group.children.splice(Math.min(first, group.children.length), 0, sid);
      const series = items[sid] as HierarchyItem;
      series.children = members;
      series.seriesSize = members.length;
      let nodeCount = 0;
      for (const c of members) {
        const child = items[c] as HierarchyItem;
        child.parent = sid;
        nodeCount += child.nodeCount;
      }
      series.nodeCount = nodeCount;
      if (b.ops) series.op = (items[members[0] as number] as HierarchyItem).op as string;
      // Auxiliary when every member is (then with the first member's kind).
      const allAux = members.every((c) => (items[c] as HierarchyItem).aux !== null);
      series.aux = allAux ? (items[members[0] as number] as HierarchyItem).aux : null;
      groupByName.set(name, sid);
      seriesCount++;
    }
  }

  // Pre-order and depths (series broke the "parent id < child id" order).
  const preorder = new Int32Array(items.length);
  let p = 0;
  const walk: number[] = [ROOT];
  while (walk.length > 0) {
    const id = walk.pop() as number;
    preorder[p++] = id;
    const item = items[id] as HierarchyItem;
    if (id !== ROOT) item.depth = (items[item.parent] as HierarchyItem).depth + 1;
    for (let i = item.children.length - 1; i >= 0; i--) walk.push(item.children[i] as number);
  }

  // Default expansion, top-down.
  (items[ROOT] as HierarchyItem).defaultExpanded = true;
  for (const id of preorder) {
    const item = items[id] as HierarchyItem;
    if (!item.defaultExpanded) continue;
    const main = item.children.filter((c) => (items[c] as HierarchyItem).aux === null);
    for (const c of item.children) {
      const child = items[c] as HierarchyItem;
      if (child.kind !== 'group' || child.aux !== null) continue;
      const sole = main.length === 1 && main[0] === c && child.children.length <= AUTO_EXPAND_SOLE_CHILD_MAX_CHILDREN;
      child.defaultExpanded = sole || child.nodeCount <= AUTO_EXPAND_MAX_NODES;
    }
  }

  // 4. Child edges: each op edge is charged to the group where its endpoints' paths meet.
  const pairs = new Map<number, ChildEdge>();
  const SHIFT = 2 ** 22;
  if (items.length >= SHIFT) throw new Error(`A graph of ${items.length} items is beyond the hierarchy's limit of ${SHIFT}.`);
  for (let e = 0; e < m; e++) {
    let a = itemOfNode[edgeFrom[e] as number] as number;
    let b = itemOfNode[edgeTo[e] as number] as number;
    let ia = items[a] as HierarchyItem;
    let ib = items[b] as HierarchyItem;
    while (ia.depth > ib.depth) ia = items[(a = ia.parent)] as HierarchyItem;
    while (ib.depth > ia.depth) ib = items[(b = ib.parent)] as HierarchyItem;
    while (ia.parent !== ib.parent) {
      ia = items[(a = ia.parent)] as HierarchyItem;
      ib = items[(b = ib.parent)] as HierarchyItem;
    }
    if (a === b) continue; // one endpoint contains the other (a scope op and its scope's ops)
    const key = a * SHIFT + b;
    let ce = pairs.get(key);
    if (!ce) pairs.set(key, (ce = { from: a, to: b, data: 0, control: 0 }));
    if (edgeControl[e] === 1) ce.control++;
    else ce.data++;
  }
  const childEdges = new Map<number, ChildEdge[]>();
  for (const ce of pairs.values()) {
    const parent = (items[ce.from] as HierarchyItem).parent;
    const list = childEdges.get(parent);
    if (list) list.push(ce);
    else childEdges.set(parent, [ce]);
  }

  const groups = items.reduce((s, it) => s + (it.kind === 'group' ? 1 : 0), 0);
  return {
    graph,
    items,
    preorder,
    itemOfNode,
    childEdges,
    edgeFrom,
    edgeTo,
    edgeControl,
    groupByName,
    nodeByName,
    stats: { items: items.length, groups, series: seriesCount, auxNodes, edges: m, ms: performance.now() - t0 },
  };
}

/** Can the view expand this item? */
export function isExpandable(item: HierarchyItem): boolean {
  return item.kind === 'group' || item.kind === 'series';
}

/** Names of the items open by default (the root is always open and not listed). */
export function defaultExpansion(h: Hierarchy): Set<string> {
  const out = new Set<string>();
  for (const item of h.items) if (item.kind === 'group' && item.defaultExpanded) out.add(item.name);
  return out;
}

/** Is `id` open under `expanded`? The root always is. */
export function isOpen(h: Hierarchy, id: number, expanded: ReadonlySet<string>): boolean {
  const item = h.items[id] as HierarchyItem;
  return item.kind === 'root' || (isExpandable(item) && expanded.has(item.name));
}

/**
 * For every item, the visible item standing for it under `expanded`: itself when all its
 * ancestors are open, else its outermost closed ancestor. Items hidden because `hideAux` drops
 * an auxiliary ancestor map to -1.
 */
export function visibleRepresentatives(h: Hierarchy, expanded: ReadonlySet<string>, hideAux = false): Int32Array {
  const rep = new Int32Array(h.items.length);
  for (const id of h.preorder) {
    if (id === ROOT) {
      rep[id] = ROOT;
      continue;
    }
    const item = h.items[id] as HierarchyItem;
    const pr = rep[item.parent] as number;
    if (pr === -1 || (hideAux && item.aux !== null)) rep[id] = -1;
    else if (pr !== item.parent) rep[id] = pr;
    else rep[id] = isOpen(h, item.parent, expanded) ? id : item.parent;
  }
  return rep;
}

/**
 * Edges between the visible leaves (closed groups, series and ops) under `expanded`, data and
 * control counted separately. O(items + edges); the layout uses {@link Hierarchy.childEdges}
 * instead, which needs no expansion state.
 */
export function aggregateEdges(h: Hierarchy, expanded: ReadonlySet<string>, hideAux = false): ChildEdge[] {
  const rep = visibleRepresentatives(h, expanded, hideAux);
  const SHIFT = 2 ** 22;
  const pairs = new Map<number, ChildEdge>();
  for (let e = 0; e < h.edgeFrom.length; e++) {
    const a = rep[h.itemOfNode[h.edgeFrom[e] as number] as number] as number;
    const b = rep[h.itemOfNode[h.edgeTo[e] as number] as number] as number;
    if (a === b || a < 0 || b < 0) continue;
    const key = a * SHIFT + b;
    let ce = pairs.get(key);
    if (!ce) pairs.set(key, (ce = { from: a, to: b, data: 0, control: 0 }));
    if (h.edgeControl[e] === 1) ce.control++;
    else ce.data++;
  }
  return [...pairs.values()];
}

/** `expanded` plus every group and series above node `nodeName`, so that the node shows. */
export function revealNode(h: Hierarchy, expanded: ReadonlySet<string>, nodeName: string): Set<string> {
  const out = new Set(expanded);
  const node = h.nodeByName.get(nodeName);
  if (node === undefined) return out;
  let id = (h.items[h.itemOfNode[node] as number] as HierarchyItem).parent;
  while (id > ROOT) {
    const item = h.items[id] as HierarchyItem;
    out.add(item.name);
    id = item.parent;
  }
  return out;
}
