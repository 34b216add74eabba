/**
 * Focus mode and edge marks of the drawn graph view (issue #5). Pure, over a {@link Hierarchy}:
 *
 * - **Focus**: a node's neighbourhood, `hops` steps along data and control edges in both
 *   directions (inputs and consumers). The view keeps the items holding a neighbour bright and
 *   dims the rest, and lights the drawn edges that carry an edge between two neighbours.
 * - **Edge keys**: each op edge belongs to exactly one drawn edge, the aggregated edge between
 *   the two children of the group where the endpoints' scope paths meet (hierarchy.ts rule 4).
 *   Marks on op edges (focus, queue cuts) are therefore keyed `from>to` by those child ids,
 *   which do not depend on what is expanded.
 */
import type { Hierarchy, HierarchyItem } from './hierarchy.js';

/** The drawn-edge key of op edge `e` (index into the hierarchy's edge arrays), or null when one end contains the other. */
export function childEdgeKey(h: Hierarchy, e: number): string | null {
  let a = h.itemOfNode[h.edgeFrom[e] as number] as number;
  let b = h.itemOfNode[h.edgeTo[e] as number] as number;
  let ia = h.items[a] as HierarchyItem;
  let ib = h.items[b] as HierarchyItem;
  while (ia.depth > ib.depth) ia = h.items[(a = ia.parent)] as HierarchyItem;
  while (ib.depth > ia.depth) ib = h.items[(b = ib.parent)] as HierarchyItem;
  while (ia.parent !== ib.parent) {
    ia = h.items[(a = ia.parent)] as HierarchyItem;
    ib = h.items[(b = ib.parent)] as HierarchyItem;
  }
  return a === b ? null : `${a}>${b}`;
}

/** Nodes within `hops` edges of node `start` (inputs and consumers, data and control), `start` included. */
export function neighbourhood(h: Hierarchy, start: number, hops: number): Set<number> {
  const n = h.graph.nodes.length;
  const adj = adjacency(h);
  const seen = new Set<number>([start]);
  let frontier = [start];
  for (let step = 0; step < hops && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const v of frontier) {
      for (let j = adj.start[v] as number; j < (adj.start[v + 1] as number); j++) {
        const u = adj.list[j] as number;
        if (u < n && !seen.has(u)) {
          seen.add(u);
          next.push(u);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

export interface FocusView {
  /** Per item: 1 when the item is, or holds, a neighbour. */
  lit: Uint8Array;
  /** Drawn-edge keys carrying an edge between two neighbours. */
  edges: Set<string>;
  /** Neighbour node indices. */
  nodes: Set<number>;
}

/** What focus on node `start` with `hops` lights up. */
export function focusView(h: Hierarchy, start: number, hops: number): FocusView {
  const nodes = neighbourhood(h, start, hops);
  const lit = new Uint8Array(h.items.length);
  for (const v of nodes) {
    let id = h.itemOfNode[v] as number;
    while (id >= 0 && lit[id] === 0) {
      lit[id] = 1;
      id = (h.items[id] as HierarchyItem).parent;
    }
  }
  const edges = new Set<string>();
  for (let e = 0; e < h.edgeFrom.length; e++) {
    if (!nodes.has(h.edgeFrom[e] as number) || !nodes.has(h.edgeTo[e] as number)) continue;
    const key = childEdgeKey(h, e);
    if (key !== null) edges.add(key);
  }
  return { lit, edges, nodes };
}

/** Queue and tf.data dequeues: the ops whose outputs `frost freeze` replaces with placeholders (docs/freezing.md, queue cuts). */
export const DEQUEUE_OP = /^(QueueDequeue(Many|UpTo)?(V2)?|IteratorGetNext(Sync)?|IteratorGetNextAsOptional)$/;

/**
 * Drawn-edge keys of the data edges leaving a dequeue for a consumer outside the input
 * pipeline: where the freezer cuts the graph (the consumer reads a placeholder instead).
 */
export function queueCutEdges(h: Hierarchy): Set<string> {
  const out = new Set<string>();
  const nodes = h.graph.nodes;
  for (let e = 0; e < h.edgeFrom.length; e++) {
    if (h.edgeControl[e] === 1) continue;
    const from = nodes[h.edgeFrom[e] as number];
    const to = nodes[h.edgeTo[e] as number];
    if (!from || !to || !DEQUEUE_OP.test(from.op) || to.pipeline === true) continue;
    const key = childEdgeKey(h, e);
    if (key !== null) out.add(key);
  }
  return out;
}

const adjacencies = new WeakMap<Hierarchy, { start: Int32Array; list: Int32Array }>();

/** Undirected CSR adjacency over the op edges, built once per hierarchy. */
function adjacency(h: Hierarchy): { start: Int32Array; list: Int32Array } {
  const cached = adjacencies.get(h);
  if (cached) return cached;
  const n = h.graph.nodes.length;
  const m = h.edgeFrom.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const a = (h.edgeFrom[e] as number) + 1;
    const b = (h.edgeTo[e] as number) + 1;
    start[a] = (start[a] as number) + 1;
    start[b] = (start[b] as number) + 1;
  }
  for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
  const fill = start.slice(0, n);
  const list = new Int32Array(2 * m);
  const put = (v: number, u: number): void => {
    const at = fill[v] as number;
    fill[v] = at + 1;
    list[at] = u;
  };
  for (let e = 0; e < m; e++) {
    put(h.edgeFrom[e] as number, h.edgeTo[e] as number);
    put(h.edgeTo[e] as number, h.edgeFrom[e] as number);
  }
  const adj = { start, list };
  adjacencies.set(h, adj);
  return adj;
}
