import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import { buildHierarchy, defaultExpansion, type Hierarchy, type HierarchyItem } from '../graph/hierarchy.js';
import { cullScene, edgePathD, fitText, visibleWorld, type DrawBox, type DrawEdge, type Size, type Viewport, flattenLayout } from '../graph/view-geometry.js';
import { actions, useFrost, ZOOM_STEP } from '../state/index.js';
import { CentreState } from './GraphOutline.js';
import { formatCount, plural } from './format.js';
import { useViewLayout } from './useViewLayout.js';

/** Items this far (screen px) outside the canvas are still rendered, so a short pan shows no gap. */
const CULL_MARGIN = 200;
/** Below this zoom labels are left out (unreadable anyway, and cheaper). */
const LABEL_MIN_ZOOM = 0.35;
/** Pointer travel (px) that turns a press into a drag instead of a click. */
const DRAG_THRESHOLD = 4;

/**
 * The drawn graph: the layout worker's {@link ViewLayout} as SVG. Open groups are framed
 * containers (click the header to close), closed groups and series are boxes (click to open),
 * ops are rounded boxes coloured by op family; drag or wheel pans, Ctrl/⌘+wheel zooms. Only the
 * items intersecting the viewport are rendered.
 */
export function GraphCanvas() {
  const graph = useFrost((s) => s.graph);
  const status = useFrost((s) => s.graphStatus);
  const hasReport = useFrost((s) => s.report !== null);
  const busy = useFrost((s) => s.busy);
  if (!graph) return <CentreState status={status} hasReport={hasReport} busy={busy} />;
  return <GraphView graph={graph} />;
}

function GraphView({ graph }: { graph: GraphIR }) {
  const expanded = useFrost((s) => s.graphExpanded);
  const viewport = useFrost((s) => s.graphViewport);
  const selected = useFrost((s) => s.selectedNode);
  const hierarchy = useMemo(() => buildHierarchy(graph), [graph]);
  useEffect(() => actions.initGraphExpansion(defaultExpansion(hierarchy)), [hierarchy]);

  const lv = useViewLayout(graph, expanded);
  const scene = useMemo(() => (lv.layout ? flattenLayout(lv.layout, hierarchy) : null), [lv.layout, hierarchy]);

  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  const size = useElementSize(svg);

  // The first layout of a source (or after a reset) is fitted to the canvas.
  useEffect(() => {
    if (scene && viewport === null && size.width > 0 && size.height > 0) actions.fitGraph(scene.bounds, size);
  }, [scene, viewport, size]);

  // View-menu zoom and fit (Electron menu accelerators) act on the canvas centre.
  const command = useFrost((s) => s.graphCommand);
  const handled = useRef(0);
  useEffect(() => {
    if (!command || command.seq === handled.current || size.width === 0) return;
    handled.current = command.seq;
    if (command.kind === 'fit') {
      if (scene) actions.fitGraph(scene.bounds, size);
    } else actions.zoomGraph(command.kind === 'zoom-in' ? ZOOM_STEP : 1 / ZOOM_STEP, size.width / 2, size.height / 2);
  }, [command, scene, size]);

  // Wheel: pan, or zoom around the pointer with Ctrl/⌘ (a non-passive listener, to keep the page still).
  useEffect(() => {
    if (!svg) return undefined;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      if (e.ctrlKey || e.metaKey) {
        const r = svg.getBoundingClientRect();
        actions.zoomGraph(Math.exp(-e.deltaY * unit * 0.002), e.clientX - r.left, e.clientY - r.top);
      } else {
        actions.panGraph(-e.deltaX * unit, -e.deltaY * unit);
      }
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [svg]);

  const drag = useRef<{ id: number; x: number; y: number; vp: Viewport; moved: boolean } | null>(null);
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0 || !viewport) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, vp: viewport, moved: false };
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!d.moved) {
      d.moved = true;
      // Captured only once it is a drag, so a plain click still reaches the node under it.
      e.currentTarget.setPointerCapture(e.pointerId);
    }
    actions.setGraphViewport({ x: d.vp.x + dx, y: d.vp.y + dy, k: d.vp.k });
  };
  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    if (d.moved) {
      e.currentTarget.releasePointerCapture(e.pointerId);
      // Swallow the click that ends a drag.
      const swallow = (ev: MouseEvent) => {
        ev.stopPropagation();
        ev.preventDefault();
      };
      window.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
    }
    drag.current = null;
  };

  const visible = useMemo(() => (scene && viewport ? cullScene(scene, visibleWorld(viewport, size, CULL_MARGIN)) : null), [scene, viewport, size]);
  const frames = visible?.boxes.filter((b) => b.kind === 'frame') ?? [];
  const leaves = visible?.boxes.filter((b) => b.kind !== 'frame') ?? [];
  const labels = (viewport?.k ?? 1) >= LABEL_MIN_ZOOM;
  const centre = (): [number, number] => [size.width / 2, size.height / 2];

  return (
    <div className="graph-canvas">
      <div className="graph-toolbar">
        <span className="muted small graph-count" aria-live="polite">
          {scene ? `${plural(scene.boxes.filter((b) => b.kind === 'op').length, 'op')} shown · ${formatCount(hierarchy.stats.items - 1)} items` : 'Laying out…'}
        </span>
        {lv.pending && (
          <span className="graph-status small" role="status" aria-busy="true">
            <span className="spinner" aria-hidden="true" /> Laying out…
            {lv.slow && (
              <button type="button" className="button small" onClick={lv.cancel}>
                Cancel
              </button>
            )}
          </span>
        )}
        {(lv.cancelled || lv.error) && (
          <span className="graph-status small" role="status">
            {lv.error ? `Layout failed: ${lv.error}` : 'Layout cancelled.'}
            <button type="button" className="button small" onClick={lv.retry}>
              Retry
            </button>
          </span>
        )}
        <div className="toolbar-end">
          <button type="button" className="button ghost small" aria-label="Zoom out" title="Zoom out (−)" disabled={!viewport} onClick={() => actions.zoomGraph(1 / ZOOM_STEP, ...centre())}>
            −
          </button>
          <span className="small muted zoom-level" aria-label="Zoom level">
            {viewport ? `${Math.round(viewport.k * 100)}%` : ''}
          </span>
          <button type="button" className="button ghost small" aria-label="Zoom in" title="Zoom in (+)" disabled={!viewport} onClick={() => actions.zoomGraph(ZOOM_STEP, ...centre())}>
            +
          </button>
          <button type="button" className="button ghost small" title="Fit the graph in view" disabled={!scene} onClick={() => scene && actions.fitGraph(scene.bounds, size)}>
            Fit
          </button>
        </div>
      </div>
      <svg
        ref={setSvg}
        className="graph-svg"
        role="img"
        aria-label="Graph drawing"
        aria-busy={lv.pending}
        data-state={scene ? 'drawn' : 'layout'}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <defs>
          <marker id="gv-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="gv-arrowhead" />
          </marker>
        </defs>
        {viewport && visible && (
          <g transform={`translate(${viewport.x},${viewport.y}) scale(${viewport.k})`}>
            {frames.map((b) => (
              <Frame key={b.id} box={b} item={hierarchy.items[b.id] as HierarchyItem} labels={labels} />
            ))}
            <g className="gv-edges">
              {visible.edges.map((e) => (
                <Edge key={e.key} edge={e} />
              ))}
            </g>
            {leaves.map((b) =>
              b.kind === 'op' ? (
                <OpNode key={b.id} box={b} h={hierarchy} selected={selected} labels={labels} />
              ) : (
                <GroupBox key={b.id} box={b} item={hierarchy.items[b.id] as HierarchyItem} labels={labels} />
              ),
            )}
          </g>
        )}
      </svg>
    </div>
  );
}

function onActivate(fn: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      fn();
    }
  };
}

/** An open group: a framed container whose header closes it. */
function Frame({ box, item, labels }: { box: DrawBox; item: HierarchyItem; labels: boolean }) {
  const collapse = () => actions.collapseGraphGroup(item.name);
  return (
    <g className={`gv-frame${box.side ? ' gv-side' : ''}${item.depth % 2 === 0 ? ' gv-even' : ''}`} data-group={item.name} data-open="true">
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} className="gv-frame-body" />
      <g className="gv-frame-header" role="button" tabIndex={0} aria-expanded="true" aria-label={`Collapse ${item.name}`} onClick={collapse} onKeyDown={onActivate(collapse)}>
        <title>{`${item.name} · ${plural(item.nodeCount, 'op')} (click to collapse)`}</title>
        <rect x={box.x} y={box.y} width={box.width} height={22} rx={8} className="gv-frame-head" />
        {labels && (
          <text x={box.x + 8} y={box.y + 15} className="gv-frame-title">
            <tspan className="gv-toggle">−</tspan> {fitText(item.label, box.width - 28)}
          </text>
        )}
      </g>
    </g>
  );
}

/** A closed group or series: a box with its size; click to open. */
function GroupBox({ box, item, labels }: { box: DrawBox; item: HierarchyItem; labels: boolean }) {
  const expand = () => actions.expandGraphGroup(item.name);
  const count = `+${formatCount(item.nodeCount)}`;
  const sub = item.seriesSize > 0 ? `×${item.seriesSize} · ${count} ops` : `${count} ops`;
  return (
    <g
      className={`gv-group${item.kind === 'series' ? ' gv-series' : ''}${box.side ? ' gv-side' : ''}${item.aux === 'pipeline' ? ' gv-queue' : ''}`}
      data-group={item.name}
      data-open="false"
      role="button"
      tabIndex={0}
      aria-expanded="false"
      aria-label={`Expand ${item.name}`}
      onClick={expand}
      onKeyDown={onActivate(expand)}
    >
      <title>{`${item.name} · ${plural(item.nodeCount, 'op')}${item.aux ? ` · ${item.aux}` : ''} (click to expand)`}</title>
      {item.kind === 'series' && <rect x={box.x + 4} y={box.y + 4} width={box.width} height={box.height} rx={6} className="gv-stack" />}
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={6} className="gv-group-body" />
      {labels && <BoxLabels box={box} label={item.label} sub={sub} top={16} gap={15} subClass="gv-sub gv-count" />}
    </g>
  );
}

/** A box's two centred lines: its name and, smaller, what it is (op type or op count). */
function BoxLabels({ box, label, sub, top, gap, subClass }: { box: DrawBox; label: string; sub: string; top: number; gap: number; subClass: string }) {
  const cx = box.x + box.width / 2;
  return (
    <>
      <text x={cx} y={box.y + top} textAnchor="middle" className="gv-label">
        {fitText(label, box.width - 12)}
      </text>
      <text x={cx} y={box.y + top + gap} textAnchor="middle" className={subClass}>
        {fitText(sub, box.width - 12)}
      </text>
    </>
  );
}

function OpNode({ box, h, selected, labels }: { box: DrawBox; h: Hierarchy; selected: string | null; labels: boolean }) {
  const item = h.items[box.id] as HierarchyItem;
  const node = h.graph.nodes[item.node];
  if (!node) return null;
  const select = () => actions.selectNode(node.name);
  const isSelected = selected === node.name;
  return (
    <g
      className={`gv-op fam-${node.family}${node.pipeline ? ' gv-queue' : ''}${box.side ? ' gv-side' : ''}${isSelected ? ' gv-selected' : ''}`}
      data-node-name={node.name}
      role="button"
      tabIndex={0}
      aria-pressed={isSelected}
      aria-label={`${node.name} (${node.op})`}
      onClick={select}
      onKeyDown={onActivate(select)}
    >
      <title>{`${node.name}\n${node.op}${node.pipeline ? ' · queue pipeline' : ''}`}</title>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={10} className="gv-op-body" />
      {labels && <BoxLabels box={box} label={item.label} sub={node.op} top={14} gap={13} subClass="gv-sub" />}
    </g>
  );
}

function Edge({ edge }: { edge: DrawEdge }) {
  const controlOnly = edge.edge.data === 0;
  const width = controlOnly ? 1 : Math.min(3, 1 + Math.log2(edge.edge.data) * 0.5);
  return (
    <path d={edgePathD(edge.points)} className={`gv-edge${controlOnly ? ' gv-control' : ''}`} strokeWidth={width} markerEnd="url(#gv-arrow)">
      <title>{`${edge.edge.data} data, ${edge.edge.control} control`}</title>
    </path>
  );
}

/** The element's content size, kept current by a ResizeObserver. */
function useElementSize(el: Element | null): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    if (!el) return undefined;
    const observer = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize((s) => (s.width === r.width && s.height === r.height ? s : { width: r.width, height: r.height }));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return size;
}
