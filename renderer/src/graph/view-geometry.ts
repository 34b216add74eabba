/**
 * Pure geometry of the drawn graph view: flattening a {@link ViewLayout} (positions relative to
 * each group) into absolute draw items, the pan/zoom transform, fitting, and viewport culling.
 * No DOM, no React: unit-tested in Node.
 */
import type { Hierarchy, HierarchyItem } from './hierarchy.js';
import type { EdgePath, GroupLayout, Point, ViewLayout } from '../workers/layout/layout.js';

/** Screen = world × k + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;
/** Fit never zooms in past this (a tiny graph stays at a readable 1:1-ish scale). */
export const FIT_MAX_ZOOM = 1.25;

export const clampZoom = (k: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** One drawn box: an open group's frame, a closed group or series, or an op. */
export interface DrawBox extends Rect {
  id: number;
  /** 'frame' = open group (children drawn inside), 'group' = closed group or series, 'op' = op node. */
  kind: 'frame' | 'group' | 'op';
  /** Placed in the auxiliary column of its parent. */
  side: boolean;
  depth: number;
}

export interface DrawEdge {
  /** `${group}:${from}>${to}`, unique within a view. */
  key: string;
  edge: EdgePath;
  /** Absolute points. */
  points: Point[];
  bounds: Rect;
}

export interface DrawScene {
  /** Frames before their contents (parents first), so later boxes paint over earlier ones. */
  boxes: DrawBox[];
  edges: DrawEdge[];
  bounds: Rect;
}

/** Absolute boxes and edges of every visible item; the root's own box is not drawn. */
export function flattenLayout(view: ViewLayout, h: Hierarchy): DrawScene {
  const byId = new Map<number, GroupLayout>(view.groups.map((g) => [g.id, g]));
  const boxes: DrawBox[] = [];
  const edges: DrawEdge[] = [];
  const root = byId.get(view.root);
  if (!root) return { boxes, edges, bounds: { x: 0, y: 0, width: 0, height: 0 } };
  const visit = (g: GroupLayout, ox: number, oy: number): void => {
    for (const e of g.edges) {
      const points = e.points.map((p) => ({ x: p.x + ox, y: p.y + oy }));
      edges.push({ key: `${g.id}:${e.from}>${e.to}`, edge: e, points, bounds: boundsOfPoints(points) });
    }
    for (const c of g.children) {
      const item = h.items[c.id] as HierarchyItem;
      const x = ox + c.x;
      const y = oy + c.y;
      const sub = c.open ? byId.get(c.id) : undefined;
      boxes.push({ id: c.id, kind: sub ? 'frame' : item.kind === 'op' ? 'op' : 'group', side: c.side, depth: item.depth, x, y, width: c.width, height: c.height });
      if (sub) visit(sub, x, y);
    }
  };
  visit(root, 0, 0);
  return { boxes, edges, bounds: { x: 0, y: 0, width: root.width, height: root.height } };
}

export function boundsOfPoints(points: readonly Point[]): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return points.length === 0 ? { x: 0, y: 0, width: 0, height: 0 } : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

/** The world rectangle a `size` viewport shows under `vp`, grown by `margin` screen pixels on each side. */
export function visibleWorld(vp: Viewport, size: Size, margin = 0): Rect {
  return { x: (-vp.x - margin) / vp.k, y: (-vp.y - margin) / vp.k, width: (size.width + 2 * margin) / vp.k, height: (size.height + 2 * margin) / vp.k };
}

/** The boxes and edges that intersect `world` (the rest are not rendered). */
export function cullScene(scene: DrawScene, world: Rect): { boxes: DrawBox[]; edges: DrawEdge[] } {
  return { boxes: scene.boxes.filter((b) => intersects(b, world)), edges: scene.edges.filter((e) => intersects(e.bounds, world)) };
}

/** The viewport that shows all of `bounds` centred in `size` with `padding` px around it. */
export function fitViewport(bounds: Rect, size: Size, padding = 24): Viewport {
  if (bounds.width <= 0 || bounds.height <= 0 || size.width <= 0 || size.height <= 0) return { x: padding, y: padding, k: 1 };
  const k = clampZoom(Math.min((size.width - 2 * padding) / bounds.width, (size.height - 2 * padding) / bounds.height, FIT_MAX_ZOOM));
  return { k, x: (size.width - bounds.width * k) / 2 - bounds.x * k, y: (size.height - bounds.height * k) / 2 - bounds.y * k };
}

/** Zooms by `factor` keeping the screen point (px, py) fixed. */
export function zoomAround(vp: Viewport, factor: number, px: number, py: number): Viewport {
  const k = clampZoom(vp.k * factor);
  const f = k / vp.k;
  return { k, x: px - (px - vp.x) * f, y: py - (py - vp.y) * f };
}

/** A smooth SVG path through `points` (straight for two; quadratic joins through midpoints otherwise). */
export function edgePathD(points: readonly Point[]): string {
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();
  const first = points[0];
  if (!first) return '';
  let d = `M${f(first.x)},${f(first.y)}`;
  if (points.length <= 2) {
    for (const p of points.slice(1)) d += `L${f(p.x)},${f(p.y)}`;
    return d;
  }
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as Point;
    const q = points[i + 1] as Point;
    const end = i === points.length - 2 ? q : { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    d += `Q${f(p.x)},${f(p.y)} ${f(end.x)},${f(end.y)}`;
  }
  return d;
}

/** `text` cut with an ellipsis to fit `px` at `charPx` per character. */
export function fitText(text: string, px: number, charPx = 6.8): string {
  const max = Math.max(1, Math.floor(px / charPx));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** Zoom used when jumping to a node that is shown too small to read. */
export const REVEAL_MIN_ZOOM = 0.9;

/** The viewport centring `rect` in `size` at zoom `k` (raised to {@link REVEAL_MIN_ZOOM} when smaller, so the target is readable). */
export function centreOn(rect: Rect, size: Size, k: number): Viewport {
  const kk = clampZoom(Math.max(k, REVEAL_MIN_ZOOM));
  return { k: kk, x: size.width / 2 - (rect.x + rect.width / 2) * kk, y: size.height / 2 - (rect.y + rect.height / 2) * kk };
}

/** Is `inner` wholly inside `outer`? */
export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** The point at fraction `t` (0…1) of the polyline's length. */
export function pointAlong(points: readonly Point[], t: number): Point {
  const first = points[0];
  if (!first) return { x: 0, y: 0 };
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.hypot((points[i] as Point).x - (points[i - 1] as Point).x, (points[i] as Point).y - (points[i - 1] as Point).y);
  let want = total * Math.min(1, Math.max(0, t));
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as Point;
    const q = points[i] as Point;
    const len = Math.hypot(q.x - p.x, q.y - p.y);
    if (want <= len && len > 0) return { x: p.x + ((q.x - p.x) * want) / len, y: p.y + ((q.y - p.y) * want) / len };
    want -= len;
  }
  return points[points.length - 1] as Point;
}

/** Scale and offset drawing world rect `bounds` into a `size` box (aspect kept, centred): minimap = world × k + (x, y). */
export function minimapTransform(bounds: Rect, size: Size, padding = 4): Viewport {
  if (bounds.width <= 0 || bounds.height <= 0) return { x: padding, y: padding, k: 1 };
  const k = Math.min((size.width - 2 * padding) / bounds.width, (size.height - 2 * padding) / bounds.height);
  return { k, x: (size.width - bounds.width * k) / 2 - bounds.x * k, y: (size.height - bounds.height * k) / 2 - bounds.y * k };
}

/** The viewport that puts world point (wx, wy) at the centre of a `size` canvas, zoom unchanged. */
export function centreAt(vp: Viewport, wx: number, wy: number, size: Size): Viewport {
  return { k: vp.k, x: size.width / 2 - wx * vp.k, y: size.height / 2 - wy * vp.k };
}

/** The point `d` units along the polyline from its start (clamped to its end). */
export function pointAtDistance(points: readonly Point[], d: number): Point {
  let left = Math.max(0, d);
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as Point;
    const q = points[i] as Point;
    const len = Math.hypot(q.x - p.x, q.y - p.y);
    if (left <= len && len > 0) return { x: p.x + ((q.x - p.x) * left) / len, y: p.y + ((q.y - p.y) * left) / len };
    left -= len;
  }
  return points[points.length - 1] ?? { x: 0, y: 0 };
}
