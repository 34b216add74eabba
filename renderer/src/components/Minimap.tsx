import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { centreAt, minimapTransform, type DrawScene, type Size, type Viewport } from '../graph/view-geometry.js';
import { useGraphView } from '../state/index.js';

const SIZE: Size = { width: 176, height: 120 };

/**
 * An overview of the whole laid-out view with the visible part framed. The boxes are painted
 * once per layout on a canvas (thousands of boxes stay cheap); the frame is an SVG rect that
 * follows pan and zoom. Click or drag to move the view there.
 */
export function Minimap({ scene, viewport, size }: { scene: DrawScene; viewport: Viewport; size: Size }) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const t = useMemo(() => minimapTransform(scene.bounds, SIZE), [scene]);
  const va = useGraphView().actions;

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = SIZE.width * dpr;
    c.height = SIZE.height * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, SIZE.width, SIZE.height);
    const css = getComputedStyle(c);
    const frame = css.getPropertyValue('--border-strong') || '#999';
    const leaf = css.getPropertyValue('--muted') || '#666';
    for (const b of scene.boxes) {
      const x = b.x * t.k + t.x;
      const y = b.y * t.k + t.y;
      const w = Math.max(1, b.width * t.k);
      const h = Math.max(1, b.height * t.k);
      if (b.kind === 'frame') {
        ctx.strokeStyle = frame;
        ctx.lineWidth = 1;
        ctx.strokeRect(x, y, w, h);
      } else {
        ctx.fillStyle = leaf;
        ctx.fillRect(x, y, w, h);
      }
    }
  }, [scene, t]);

  // The visible world rectangle, in minimap coordinates.
  const vx = (-viewport.x / viewport.k) * t.k + t.x;
  const vy = (-viewport.y / viewport.k) * t.k + t.y;
  const vw = (size.width / viewport.k) * t.k;
  const vh = (size.height / viewport.k) * t.k;

  const dragging = useRef<number | null>(null);
  const moveTo = (e: PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const wx = (e.clientX - r.left - t.x) / t.k;
    const wy = (e.clientY - r.top - t.y) / t.k;
    va.setGraphViewport(centreAt(viewport, wx, wy, size));
  };

  return (
    <div className="gv-minimap" role="group" aria-label="Minimap" title="Click or drag to move the view" style={{ width: SIZE.width, height: SIZE.height }}>
      <canvas ref={canvas} style={{ width: SIZE.width, height: SIZE.height }} aria-hidden="true" />
      <svg
        width={SIZE.width}
        height={SIZE.height}
        aria-hidden="true"
        onPointerDown={(e) => {
          e.stopPropagation();
          dragging.current = e.pointerId;
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => dragging.current === e.pointerId && moveTo(e)}
        onPointerUp={(e) => {
          if (dragging.current !== e.pointerId) return;
          dragging.current = null;
          e.currentTarget.releasePointerCapture(e.pointerId);
        }}
      >
        <rect x={vx} y={vy} width={vw} height={vh} className="gv-minimap-view" data-testid="minimap-view" />
      </svg>
    </div>
  );
}
