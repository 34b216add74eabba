import { describe, expect, it } from 'vitest';
import { layeredLayout, type LayeredEdge, type LayeredNode } from './layered.js';

const O = { nodesep: 20, ranksep: 30, edgesep: 10 };

function overlaps(nodes: LayeredNode[], boxes: { x: number; y: number }[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const a = { ...boxes[i]!, ...nodes[i]! };
      const b = { ...boxes[j]!, ...nodes[j]! };
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push([i, j]);
    }
  return out;
}

describe('layeredLayout', () => {
  it('puts producers above consumers, routes edges bottom to top, never overlaps boxes', () => {
    // A TF-like block: variable → read → matmul ← input; matmul → bias add ← bias; a skip edge input → add.
    const nodes: LayeredNode[] = [80, 60, 90, 70, 100, 60, 50].map((w) => ({ width: w, height: 34 }));
    const edges: LayeredEdge[] = [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 3, to: 2 },
      { from: 2, to: 4 },
      { from: 5, to: 4 },
      { from: 3, to: 6 },
      { from: 4, to: 6 },
    ];
    const r = layeredLayout(nodes, edges, O);
    expect(overlaps(nodes, r.boxes)).toEqual([]);
    edges.forEach((e, i) => {
      const p = r.paths[i]!;
      const from = r.boxes[e.from]!;
      const to = r.boxes[e.to]!;
      expect(from.y).toBeLessThan(to.y);
      expect(p[0]!.y).toBeCloseTo(from.y + 34);
      expect(p.at(-1)!.y).toBeCloseTo(to.y);
      expect(p[0]!.x).toBeCloseTo(from.x + nodes[e.from]!.width / 2);
    });
    // The skip edge 3 → 6 crosses a rank: it bends through a dummy point in the gap, not through a box.
    expect(r.paths[5]!.length).toBeGreaterThan(2);
    // The bias (a source) sits one rank above its consumer, not at the top.
    expect(r.boxes[4]!.y - r.boxes[5]!.y).toBeCloseTo(34 + 30);
    for (const b of r.boxes) expect(b.x).toBeGreaterThanOrEqual(0);
    // The width holds every box (and the bends of long edges, which may lie further out).
    expect(Math.max(...r.boxes.map((b, i) => b.x + nodes[i]!.width))).toBeLessThanOrEqual(r.width + 1e-9);
    expect(layeredLayout(nodes, edges, O)).toEqual(r);
  });

  it('lays out cycles (aggregated group edges can form them) and keeps each edge from → to', () => {
    const nodes = [0, 1, 2].map(() => ({ width: 60, height: 30 }));
    const edges = [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 0 },
    ];
    const r = layeredLayout(nodes, edges, O);
    expect(overlaps(nodes, r.boxes)).toEqual([]);
    // The back edge 2 → 0 is drawn from 2 (bottom rank) up to 0.
    const back = r.paths[2]!;
    expect(back[0]!.y).toBeGreaterThan(back.at(-1)!.y);
    expect(r.height).toBeCloseTo(3 * 30 + 2 * 30);
  });

  it('spreads unconnected nodes in one row and handles an empty group', () => {
    const nodes = [0, 1, 2, 3].map(() => ({ width: 50, height: 30 }));
    const r = layeredLayout(nodes, [], O);
    expect(new Set(r.boxes.map((b) => b.y))).toEqual(new Set([0]));
    expect(r.width).toBeCloseTo(4 * 50 + 3 * 20);
    expect(layeredLayout([], [], O)).toEqual({ boxes: [], paths: [], width: 0, height: 0 });
  });
});
