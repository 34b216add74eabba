import { describe, expect, it } from 'vitest';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import type { ViewLayout } from '../workers/layout/layout.js';
import { buildHierarchy } from './hierarchy.js';
import { centreAt, centreOn, clampZoom, contains, cullScene, edgePathD, fitText, fitViewport, flattenLayout, intersects, MAX_ZOOM, minimapTransform, pointAlong, pointAtDistance, REVEAL_MIN_ZOOM, visibleWorld, zoomAround } from './view-geometry.js';

describe('viewport math', () => {
  it('fits bounds centred with padding, never past the fit cap', () => {
    const vp = fitViewport({ x: 0, y: 0, width: 1000, height: 500 }, { width: 548, height: 548 }, 24);
    expect(vp.k).toBeCloseTo(0.5);
    expect(vp.x).toBeCloseTo(24);
    expect(vp.y).toBeCloseTo((548 - 250) / 2);
    expect(fitViewport({ x: 0, y: 0, width: 10, height: 10 }, { width: 800, height: 800 }).k).toBe(1.25);
    expect(fitViewport({ x: 0, y: 0, width: 0, height: 0 }, { width: 800, height: 800 })).toEqual({ x: 24, y: 24, k: 1 });
  });

  it('zooms around a fixed screen point and clamps the scale', () => {
    const vp = zoomAround({ x: 10, y: 20, k: 1 }, 2, 110, 120);
    // The world point under (110, 120) was (100, 100); it still is.
    expect((110 - vp.x) / vp.k).toBeCloseTo(100);
    expect((120 - vp.y) / vp.k).toBeCloseTo(100);
    expect(zoomAround({ x: 0, y: 0, k: 3 }, 10, 0, 0).k).toBe(MAX_ZOOM);
    expect(clampZoom(0)).toBeGreaterThan(0);
  });

  it('computes the visible world rectangle and culls what lies outside', () => {
    const world = visibleWorld({ x: -100, y: -50, k: 2 }, { width: 200, height: 100 });
    expect(world).toEqual({ x: 50, y: 25, width: 100, height: 50 });
    expect(intersects(world, { x: 140, y: 70, width: 20, height: 20 })).toBe(true);
    expect(intersects(world, { x: 151, y: 0, width: 10, height: 10 })).toBe(false);
    const scene = {
      boxes: [
        { id: 1, kind: 'op' as const, side: false, depth: 1, x: 60, y: 30, width: 10, height: 10 },
        { id: 2, kind: 'op' as const, side: false, depth: 1, x: 500, y: 500, width: 10, height: 10 },
      ],
      edges: [
        { key: 'a', edge: { from: 1, to: 2, data: 1, control: 0, points: [] }, points: [], bounds: { x: 65, y: 40, width: 440, height: 460 } },
        { key: 'b', edge: { from: 2, to: 1, data: 1, control: 0, points: [] }, points: [], bounds: { x: 600, y: 600, width: 5, height: 5 } },
      ],
      bounds: { x: 0, y: 0, width: 600, height: 600 },
    };
    const v = cullScene(scene, world);
    expect(v.boxes.map((b) => b.id)).toEqual([1]);
    expect(v.edges.map((e) => e.key)).toEqual(['a']);
  });

  it('draws edge paths and fits labels', () => {
    expect(edgePathD([{ x: 0, y: 0 }, { x: 10, y: 20 }])).toBe('M0,0L10,20');
    expect(edgePathD([{ x: 0, y: 0 }, { x: 10, y: 10 }, { x: 20, y: 30 }])).toBe('M0,0Q10,10 20,30');
    expect(edgePathD([])).toBe('');
    expect(fitText('short', 100)).toBe('short');
    expect(fitText('a_very_long_label_indeed', 68)).toBe('a_very_lo…');
  });
});

describe('flattenLayout', () => {
  const node = (name: string, op: string, inputs: string[] = []) => ({ name, op, inputs, controlInputs: [], family: 'math', attrs: {} }) as unknown as GraphIR['nodes'][number];
  const graph = { nodes: [node('x', 'Placeholder'), node('g/a', 'MatMul', ['x']), node('g/b', 'Relu', ['g/a'])] } as unknown as GraphIR;

  it('composes absolute positions through open groups, frames before their contents', () => {
    const h = buildHierarchy(graph);
    const g = h.groupByName.get('g')!;
    const [x, a, b] = [0, 1, 2].map((i) => h.itemOfNode[i]!);
    const layout: ViewLayout = {
      root: 0,
      groups: [
        { id: 0, key: '', width: 300, height: 200, mode: 'dagre', auxEdges: { data: 0, control: 0 }, children: [{ id: x!, x: 10, y: 10, width: 50, height: 30, open: false, side: false }, { id: g, x: 100, y: 50, width: 150, height: 120, open: true, side: false }], edges: [{ from: x!, to: g, data: 1, control: 0, points: [{ x: 35, y: 40 }, { x: 175, y: 50 }] }] },
        { id: g, key: 'k', width: 150, height: 120, mode: 'dagre', auxEdges: { data: 0, control: 0 }, children: [{ id: a!, x: 12, y: 30, width: 50, height: 30, open: false, side: false }, { id: b!, x: 12, y: 80, width: 50, height: 30, open: false, side: false }], edges: [{ from: a!, to: b!, data: 1, control: 0, points: [{ x: 37, y: 60 }, { x: 37, y: 80 }] }] },
      ],
      computed: [],
      stats: { dagreCalls: 0, layeredCalls: 0, gridCalls: 0, cacheHits: 0, ms: 0 },
    };
    const scene = flattenLayout(layout, h);
    expect(scene.boxes.map((bx) => [bx.id, bx.kind, bx.x, bx.y])).toEqual([
      [x, 'op', 10, 10],
      [g, 'frame', 100, 50],
      [a, 'op', 112, 80],
      [b, 'op', 112, 130],
    ]);
    expect(scene.edges.find((e) => e.edge.from === a)?.points).toEqual([{ x: 137, y: 110 }, { x: 137, y: 130 }]);
    expect(scene.bounds).toEqual({ x: 0, y: 0, width: 300, height: 200 });
  });
});

describe('reveal, minimap and edge label geometry', () => {
  it('centres a rect, zooming in to a readable scale only when needed', () => {
    const size = { width: 800, height: 600 };
    expect(centreOn({ x: 100, y: 100, width: 50, height: 20 }, size, 0.2)).toEqual({ k: REVEAL_MIN_ZOOM, x: 400 - 125 * REVEAL_MIN_ZOOM, y: 300 - 110 * REVEAL_MIN_ZOOM });
    expect(centreOn({ x: 0, y: 0, width: 10, height: 10 }, size, 2)).toEqual({ k: 2, x: 390, y: 290 });
    expect(contains({ x: 0, y: 0, width: 10, height: 10 }, { x: 2, y: 2, width: 8, height: 8 })).toBe(true);
    expect(contains({ x: 0, y: 0, width: 10, height: 10 }, { x: 2, y: 2, width: 9, height: 8 })).toBe(false);
  });

  it('finds the point halfway along a polyline', () => {
    expect(pointAlong([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }], 0.5)).toEqual({ x: 10, y: 0 });
    expect(pointAlong([{ x: 0, y: 0 }, { x: 0, y: 8 }], 0.25)).toEqual({ x: 0, y: 2 });
    expect(pointAlong([], 0.5)).toEqual({ x: 0, y: 0 });
    expect(pointAtDistance([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }], 12)).toEqual({ x: 10, y: 2 });
    expect(pointAtDistance([{ x: 0, y: 0 }, { x: 10, y: 0 }], 50)).toEqual({ x: 10, y: 0 });
  });

  it('fits the world into the minimap and maps a minimap point back to a centred viewport', () => {
    const t = minimapTransform({ x: 0, y: 0, width: 1000, height: 500 }, { width: 208, height: 208 }, 4);
    expect(t.k).toBeCloseTo(0.2);
    expect(t.y).toBeCloseTo(54);
    expect(centreAt({ x: 0, y: 0, k: 2 }, 100, 50, { width: 800, height: 600 })).toEqual({ k: 2, x: 200, y: 200 });
  });
});
