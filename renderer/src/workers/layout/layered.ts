/**
 * A small layered (Sugiyama-style) layout for the many small groups of a TF graph, where a
 * dagre call costs 2–10 ms each however small the group is (measured, @dagrejs/dagre 3.1.3,
 * node 22: 6.4 ms for 5 nodes, 8 ms for 10, 14 ms for 20). Opening all 340 groups of the
 * 744-node iris graph took 1.4 s in dagre; this does the same groups in a few ms each, so a
 * whole 600–750-node graph is laid out well inside the 0.6 s target (issue #5).
 *
 * The classic four steps, each in its simplest sound form for graphs of at most
 * {@link LAYERED_MAX_NODES} nodes:
 * 1. cycles broken by reversing DFS back edges (aggregated group edges can form cycles);
 * 2. ranks by longest path from the sources, then sources pulled down next to their first
 *    consumer (a variable sits right above its use, not at the top);
 * 3. edges spanning several ranks get a dummy node per crossed rank, so they route through the
 *    gaps between boxes; the order within ranks comes from barycenter sweeps, keeping the
 *    order with the fewest crossings;
 * 4. x by isotonic regression per rank (pool-adjacent-violators): each node as close as
 *    possible to the mean x of its neighbours subject to the minimum spacing, alternately
 *    from the rank above and below.
 * Pure and deterministic.
 */
import type { Point } from './layout.js';

/** Above this many nodes (or {@link LAYERED_MAX_EDGES} edges) dagre's better crossing reduction is worth its time. */
export const LAYERED_MAX_NODES = 60;
export const LAYERED_MAX_EDGES = 160;

export interface LayeredNode {
  width: number;
  height: number;
}

/** An edge by node index. */
export interface LayeredEdge {
  from: number;
  to: number;
}

export interface LayeredOptions {
  nodesep: number;
  ranksep: number;
  edgesep: number;
}

export interface LayeredResult {
  /** Top-left corner of each node. */
  boxes: { x: number; y: number }[];
  /** Points of each edge, from its `from` node to its `to` node (at least two). */
  paths: Point[][];
  width: number;
  height: number;
}

const SWEEPS = 6;
const X_PASSES = 6;

export function layeredLayout(nodes: readonly LayeredNode[], edges: readonly LayeredEdge[], o: LayeredOptions): LayeredResult {
  const n = nodes.length;
  // 1. Acyclic orientation: reverse the back edges of a DFS in input order.
  const out: number[][] = Array.from({ length: n }, () => []);
  edges.forEach((e, i) => {
    if (e.from !== e.to) out[e.from]?.push(i);
  });
  const reversed = new Uint8Array(edges.length);
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  for (let s = 0; s < n; s++) {
    if (state[s] !== 0) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const [v, k] = top;
      const list = out[v] as number[];
      if (k >= list.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1] = k + 1;
      const ei = list[k] as number;
      const w = (edges[ei] as LayeredEdge).to;
      if (state[w] === 1) reversed[ei] = 1;
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  const src = (i: number): number => (reversed[i] ? (edges[i] as LayeredEdge).to : (edges[i] as LayeredEdge).from);
  const dst = (i: number): number => (reversed[i] ? (edges[i] as LayeredEdge).from : (edges[i] as LayeredEdge).to);

  // 2. Ranks: longest path (Kahn order), then sources pulled down to just above their first consumer.
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  edges.forEach((e, i) => {
    if (e.from === e.to) return;
    succs[src(i)]?.push(dst(i));
    preds[dst(i)]?.push(src(i));
    indeg[dst(i)] = (indeg[dst(i)] as number) + 1;
  });
  const rank = new Int32Array(n);
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo.push(v);
  for (let q = 0; q < topo.length; q++) {
    const v = topo[q] as number;
    for (const w of succs[v] as number[]) {
      rank[w] = Math.max(rank[w] as number, (rank[v] as number) + 1);
      indeg[w] = (indeg[w] as number) - 1;
      if (indeg[w] === 0) topo.push(w);
    }
  }
  for (let q = topo.length - 1; q >= 0; q--) {
    const v = topo[q] as number;
    const s = succs[v] as number[];
    if ((preds[v] as number[]).length === 0 && s.length > 0) rank[v] = Math.min(...s.map((w) => rank[w] as number)) - 1;
  }

  // 3. Virtual graph: real nodes, then one dummy per crossed rank of each long edge.
  const vw: number[] = nodes.map((b) => b.width);
  const vrank: number[] = [...rank];
  const vpred: number[][] = Array.from({ length: n }, () => []);
  const vsucc: number[][] = Array.from({ length: n }, () => []);
  const chains: number[][] = [];
  edges.forEach((e, i) => {
    if (e.from === e.to) {
      chains.push([e.from, e.to]);
      return;
    }
    const a = src(i);
    const b = dst(i);
    const chain = [a];
    for (let r = (rank[a] as number) + 1; r < (rank[b] as number); r++) {
      const d = vw.length;
      vw.push(0);
      vrank.push(r);
      vpred.push([]);
      vsucc.push([]);
      chain.push(d);
    }
    chain.push(b);
    for (let k = 0; k + 1 < chain.length; k++) {
      (vsucc[chain[k] as number] as number[]).push(chain[k + 1] as number);
      (vpred[chain[k + 1] as number] as number[]).push(chain[k] as number);
    }
    chains.push(chain);
  });
  const vn = vw.length;
  const ranks = Math.max(0, ...vrank) + 1;
  const layers: number[][] = Array.from({ length: ranks }, () => []);
  // Initial order: DFS from the real nodes in input order, so connected nodes start together.
  const placed = new Uint8Array(vn);
  const visit = (s: number): void => {
    const stack = [s];
    while (stack.length > 0) {
      const v = stack.pop() as number;
      if (placed[v]) continue;
      placed[v] = 1;
      (layers[vrank[v] as number] as number[]).push(v);
      const next = vsucc[v] as number[];
      for (let k = next.length - 1; k >= 0; k--) stack.push(next[k] as number);
    }
  };
  for (let v = 0; v < n; v++) if ((vpred[v] as number[]).length === 0) visit(v);
  for (let v = 0; v < vn; v++) visit(v);

  const pos = new Float64Array(vn);
  const index = (): void => {
    for (const layer of layers) layer.forEach((v, i) => (pos[v] = i));
  };
  index();
  let best = layers.map((l) => [...l]);
  let bestCross = crossings(layers, vsucc, pos);
  for (let sweep = 0; sweep < SWEEPS && bestCross > 0; sweep++) {
    const down = sweep % 2 === 0;
    for (let k = 1; k < ranks; k++) {
      const r = down ? k : ranks - 1 - k;
      const layer = layers[r] as number[];
      const bary = new Map<number, number>();
      for (const v of layer) {
        const nb = (down ? vpred[v] : vsucc[v]) as number[];
        bary.set(v, nb.length === 0 ? (pos[v] as number) : nb.reduce((s, u) => s + (pos[u] as number), 0) / nb.length);
      }
      layer.sort((a, b) => (bary.get(a) as number) - (bary.get(b) as number) || (pos[a] as number) - (pos[b] as number));
      layer.forEach((v, i) => (pos[v] = i));
    }
    const c = crossings(layers, vsucc, pos);
    if (c < bestCross) {
      bestCross = c;
      best = layers.map((l) => [...l]);
    }
  }
  for (let r = 0; r < ranks; r++) layers[r] = best[r] as number[];
  index();

  // 4. x: packed first, then pulled towards neighbours (isotonic regression keeps the spacing).
  const x = new Float64Array(vn);
  const gap = (a: number, b: number): number => ((vw[a] as number) + (vw[b] as number)) / 2 + ((vw[a] as number) === 0 || (vw[b] as number) === 0 ? o.edgesep : o.nodesep);
  for (const layer of layers) {
    let cx = 0;
    layer.forEach((v, i) => {
      if (i > 0) cx += gap(layer[i - 1] as number, v);
      x[v] = cx;
    });
  }
  for (let pass = 0; pass < X_PASSES; pass++) {
    const down = pass % 2 === 0;
    for (let k = 0; k < ranks; k++) {
      const r = down ? k : ranks - 1 - k;
      const layer = layers[r] as number[];
      const want = layer.map((v) => {
        const nb = [...((down ? vpred[v] : vsucc[v]) as number[]), ...(pass > 1 ? ((down ? vsucc[v] : vpred[v]) as number[]) : [])];
        return nb.length === 0 ? (x[v] as number) : nb.reduce((s, u) => s + (x[u] as number), 0) / nb.length;
      });
      const placedX = spaced(
        want,
        layer.map((v, i) => (i === 0 ? 0 : gap(layer[i - 1] as number, v))),
      );
      layer.forEach((v, i) => (x[v] = placedX[i] as number));
    }
  }

  // y per rank: rank height is its tallest node.
  const rankH = new Float64Array(ranks);
  for (let v = 0; v < n; v++) rankH[rank[v] as number] = Math.max(rankH[rank[v] as number] as number, (nodes[v] as LayeredNode).height);
  const rankTop = new Float64Array(ranks);
  for (let r = 1; r < ranks; r++) rankTop[r] = (rankTop[r - 1] as number) + (rankH[r - 1] as number) + o.ranksep;
  const cy = (v: number): number => (rankTop[vrank[v] as number] as number) + (rankH[vrank[v] as number] as number) / 2;

  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < vn; v++) {
    minX = Math.min(minX, (x[v] as number) - (vw[v] as number) / 2);
    maxX = Math.max(maxX, (x[v] as number) + (vw[v] as number) / 2);
  }
  if (vn === 0) minX = maxX = 0;
  const boxes = nodes.map((b, v) => ({ x: (x[v] as number) - b.width / 2 - minX, y: cy(v) - b.height / 2 }));
  // Edges run vertically inside a rank (below their source, above their target, through their
  // dummies) and cross only the gaps between ranks, so a tall neighbour in the same rank (an
  // open group) is never cut through.
  const top = (v: number): number => rankTop[vrank[v] as number] as number;
  const bottom = (v: number): number => top(v) + (rankH[vrank[v] as number] as number);
  const paths = chains.map((chain, i) => {
    const pts: Point[] = [];
    const add = (px: number, py: number): void => {
      const last = pts[pts.length - 1];
      if (!last || Math.abs(last.x - px) > 1e-6 || Math.abs(last.y - py) > 1e-6) pts.push({ x: px, y: py });
    };
    chain.forEach((v, k) => {
      const px = (x[v] as number) - minX;
      if (v >= n) {
        add(px, top(v));
        add(px, bottom(v));
        return;
      }
      const h = (nodes[v] as LayeredNode).height / 2;
      if (k === 0) {
        add(px, cy(v) + h);
        if (chain.length > 1) add(px, bottom(v));
      } else {
        add(px, top(v));
        add(px, cy(v) - h);
      }
    });
    if (pts.length === 1) pts.push({ ...(pts[0] as Point) });
    return reversed[i] ? pts.reverse() : pts;
  });
  const height = ranks === 0 || n === 0 ? 0 : (rankTop[ranks - 1] as number) + (rankH[ranks - 1] as number);
  return { boxes, paths, width: maxX - minX, height };
}

/**
 * Positions as close as possible (least squares) to `want`, in order, with at least `gaps[i]`
 * between item i-1 and item i: pool-adjacent-violators on want[i] − (sum of gaps up to i).
 */
function spaced(want: readonly number[], gaps: readonly number[]): number[] {
  const off: number[] = [];
  let acc = 0;
  for (let i = 0; i < want.length; i++) {
    acc += gaps[i] as number;
    off.push(acc);
  }
  // Blocks of pooled values: [mean, count].
  const blocks: [number, number][] = [];
  for (let i = 0; i < want.length; i++) {
    blocks.push([(want[i] as number) - (off[i] as number), 1]);
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1] as [number, number];
      const a = blocks[blocks.length - 2] as [number, number];
      if (a[0] <= b[0]) break;
      blocks.splice(blocks.length - 2, 2, [(a[0] * a[1] + b[0] * b[1]) / (a[1] + b[1]), a[1] + b[1]]);
    }
  }
  const outX: number[] = [];
  for (const [mean, count] of blocks) for (let k = 0; k < count; k++) outX.push(mean + (off[outX.length] as number));
  return outX;
}

/** Edge crossings between adjacent ranks (pairwise count; the graphs here are small). */
function crossings(layers: readonly number[][], succ: readonly number[][], pos: Float64Array): number {
  let total = 0;
  for (let r = 0; r + 1 < layers.length; r++) {
    const segs: [number, number][] = [];
    for (const v of layers[r] as number[]) for (const w of succ[v] as number[]) segs.push([pos[v] as number, pos[w] as number]);
    for (let i = 0; i < segs.length; i++) {
      const a = segs[i] as [number, number];
      for (let j = i + 1; j < segs.length; j++) {
        const b = segs[j] as [number, number];
        if ((a[0] - b[0]) * (a[1] - b[1]) < 0) total++;
      }
    }
  }
  return total;
}
