import { useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from 'react';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import { buildHierarchy, defaultExpansion, isExpandable, type Hierarchy, type HierarchyItem } from '../graph/hierarchy.js';
import { cullScene, edgePathD, fitText, visibleWorld, type DrawBox, type DrawEdge, type Size, type Viewport, flattenLayout, pointAtDistance } from '../graph/view-geometry.js';
import { edgeLabel } from '../graph/edge-labels.js';
import { focusView, queueCutEdges } from '../graph/focus.js';
import { actions, useFrost, useGraphView, ZOOM_STEP } from '../state/index.js';
import { CentreState } from './GraphOutline.js';
import { formatCount, plural } from './format.js';
import { preloadLayout, useViewLayout } from './useViewLayout.js';
import { GraphSearch } from './GraphSearch.js';
import { Legend } from './Legend.js';
import { Minimap } from './Minimap.js';
import { downloadBlob, exportName, serializeSvg, svgToPng } from './graph-export.js';
import { useGraphJump } from './useGraphJump.js';

/** Items this far (screen px) outside the canvas are still rendered, so a short pan shows no gap. */
const CULL_MARGIN = 200;
/** Below this zoom labels are left out (unreadable anyway, and cheaper). */
const LABEL_MIN_ZOOM = 0.35;
/** Pointer travel (px) that turns a press into a drag instead of a click. */
const DRAG_THRESHOLD = 4;
/** Below this zoom edge shape labels are left out (they would crowd the edges). */
const EDGE_LABEL_MIN_ZOOM = 0.8;
/** Focus mode opens the groups of at most this many neighbours (more would open half a big graph). */
const FOCUS_REVEAL_MAX = 60;
/** Arrow-key pan step (screen px). */
const KEY_PAN = 80;
/** "Expand all" is offered up to this many ops (a whole 30k-node graph drawn at once would not read, nor stay fast). */
const EXPAND_ALL_MAX = 3000;

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

/**
 * Draws `graph` in the view the context binds (the Graph tab's, or a Compare pane's: see
 * state/graph-view-binding.ts). `compact` keeps only the zoom controls in the toolbar (panes).
 */
export function GraphView({ graph, compact = false }: { graph: GraphIR; compact?: boolean }) {
  const view = useGraphView();
  const va = view.actions;
  // Drawn again when the graph's details arrive: edge labels show the outputs' shapes.
  useFrost((s) => s.graphDetail);
  const expanded = view.use((s) => s.graphExpanded);
  const viewport = view.use((s) => s.graphViewport);
  const selected = view.use((s) => s.selectedNode);
  // The worker gets the graph first, so it builds its hierarchy while this thread builds this
  // one (which also lays out the first view when that is small: workers/layout/first-view.ts).
  const hierarchy = useMemo(() => {
    preloadLayout(graph);
    const h = buildHierarchy(graph);
    performance.mark('frost:hierarchy-built');
    return h;
  }, [graph]);
  useEffect(() => va.initGraphExpansion(defaultExpansion(hierarchy)), [va, hierarchy]);

  const lv = useViewLayout(graph, hierarchy, expanded);
  const scene = useMemo(() => (lv.layout ? flattenLayout(lv.layout, hierarchy) : null), [lv.layout, hierarchy]);

  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  const size = useElementSize(svg);
  // A resized canvas (panel drag, toolbar wrapping) keeps the same world point in its centre.
  const lastSize = useRef(size);
  useEffect(() => {
    const prev = lastSize.current;
    lastSize.current = size;
    // Not a gesture: a linked pane resizes by itself and must not move twice.
    if (viewport && prev.width > 0 && prev.height > 0 && (prev.width !== size.width || prev.height !== size.height)) {
      va.revealViewport({ ...viewport, x: viewport.x + (size.width - prev.width) / 2, y: viewport.y + (size.height - prev.height) / 2 });
    }
    // Only a new size acts (the viewport it shifts is the one drawn with it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size]);
  const focus = view.use((s) => s.graphFocus);
  const [showLegend, setShowLegend] = useState(false);
  const [showMinimap, setShowMinimap] = useState(true);
  const jump = useGraphJump(hierarchy, scene, viewport, size, expanded, selected);
  const cuts = useMemo(() => queueCutEdges(hierarchy), [hierarchy]);
  const focusNode = focus ? hierarchy.nodeByName.get(focus.node) : undefined;
  const focused = useMemo(() => (focus && focusNode !== undefined ? focusView(hierarchy, focusNode, focus.hops) : null), [hierarchy, focus, focusNode]);
  // Entering focus (or changing its hops) opens the groups of the neighbours and centres the node.
  useEffect(() => {
    if (!focused || !focus) return;
    const names = [...focused.nodes].slice(0, FOCUS_REVEAL_MAX).map((i) => hierarchy.graph.nodes[i]?.name ?? '');
    jump(focus.node, 'always', names);
    // Only a new focus acts: `jump` changes with every expansion, which must not re-centre.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focused]);
  useDrawnMark(scene);
  const tooBig = graph.nodes.length > EXPAND_ALL_MAX;
  // Nothing left to open: every group is open already (or there are none).
  const allOpen = useMemo(() => {
    const open = new Set(expanded ?? []);
    return hierarchy.items.every((it) => !isExpandable(it) || open.has(it.name));
  }, [hierarchy, expanded]);
  const canExpandAll = !tooBig && !allOpen;
  // After "Expand all", the next layout is fitted to the canvas.
  const fitNext = useRef(false);
  useEffect(() => {
    if (!fitNext.current || !scene || lv.pending || size.width === 0) return;
    fitNext.current = false;
    va.fitGraph(scene.bounds, size);
  }, [va, scene, lv.pending, size]);

  // The first layout of a source (or after a reset) is fitted to the canvas.
  useEffect(() => {
    if (scene && viewport === null && size.width > 0 && size.height > 0) va.fitGraph(scene.bounds, size);
  }, [va, scene, viewport, size]);

  // View-menu zoom and fit (Electron menu accelerators) act on the canvas centre.
  const command = view.use((s) => s.graphCommand);
  const handled = useRef(0);
  useEffect(() => {
    if (!command || command.seq === handled.current || size.width === 0) return;
    handled.current = command.seq;
    if (command.kind === 'fit') {
      if (scene) va.fitGraph(scene.bounds, size);
    } else va.zoomGraph(command.kind === 'zoom-in' ? ZOOM_STEP : 1 / ZOOM_STEP, size.width / 2, size.height / 2);
  }, [va, command, scene, size]);

  // Wheel: pan, or zoom around the pointer with Ctrl/⌘ (a non-passive listener, to keep the page still).
  useEffect(() => {
    if (!svg) return undefined;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      if (e.ctrlKey || e.metaKey) {
        const r = svg.getBoundingClientRect();
        va.zoomGraph(Math.exp(-e.deltaY * unit * 0.002), e.clientX - r.left, e.clientY - r.top);
      } else {
        va.panGraph(-e.deltaX * unit, -e.deltaY * unit);
      }
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [va, svg]);

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
    va.setGraphViewport({ x: d.vp.x + dx, y: d.vp.y + dy, k: d.vp.k });
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
  const edgeLabels = (viewport?.k ?? 1) >= EDGE_LABEL_MIN_ZOOM;
  const centre = (): [number, number] => [size.width / 2, size.height / 2];
  const dimmed = (id: number): boolean => focused !== null && focused.lit[id] !== 1;
  const cutMarked = new Set<number>();

  // Keyboard on the canvas itself: arrows pan, +/− zoom, 0 fits, Escape leaves focus mode.
  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && focus) {
      va.setGraphFocus(null);
      e.stopPropagation();
      return;
    }
    if (e.target !== svg || e.ctrlKey || e.metaKey || e.altKey) return;
    const pan: Record<string, [number, number]> = { ArrowLeft: [KEY_PAN, 0], ArrowRight: [-KEY_PAN, 0], ArrowUp: [0, KEY_PAN], ArrowDown: [0, -KEY_PAN] };
    const step = pan[e.key];
    if (step) va.panGraph(...step);
    else if (e.key === '+' || e.key === '=') va.zoomGraph(ZOOM_STEP, ...centre());
    else if (e.key === '-') va.zoomGraph(1 / ZOOM_STEP, ...centre());
    else if (e.key === '0' && scene) va.fitGraph(scene.bounds, size);
    else return;
    e.preventDefault();
  };

  // Two drawings on one page (the Compare panes) each need their own arrowhead id.
  const markerId = view.id === 'main' ? 'gv-arrow' : `gv-arrow-${view.id}`;

  const exportView = async (kind: 'svg' | 'png') => {
    if (!svg) return;
    try {
      const doc = serializeSvg(svg);
      const blob = kind === 'svg' ? new Blob([doc.text], { type: 'image/svg+xml' }) : await svgToPng(doc, window.devicePixelRatio || 1);
      downloadBlob(blob, exportName(graph.file, kind));
    } catch (e) {
      actions.reportProblem(`Could not export the view as ${kind.toUpperCase()}`, { code: 'EXPORT_FAILED', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="graph-canvas" onKeyDown={onCanvasKey}>
      <div className="graph-toolbar">
        {!compact && (
          <GraphSearch
            graph={graph}
            onPick={(name) => {
              jump(name, 'always');
              va.selectNode(name);
            }}
          />
        )}
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
          {!compact && (
            <>
              <button
                type="button"
                className="button ghost small"
                disabled={selected === null && !focus}
                aria-pressed={focus !== null}
                title="Show only the selected node's neighbourhood (double-click a node)"
                onClick={() => va.setGraphFocus(focus ? null : selected)}
              >
                Focus
              </button>
              <button type="button" className="button ghost small" aria-pressed={showLegend} onClick={() => setShowLegend((v) => !v)}>
                Legend
              </button>
              <button type="button" className="button ghost small" aria-pressed={showMinimap} onClick={() => setShowMinimap((v) => !v)}>
                Minimap
              </button>
              <button type="button" className="button ghost small" aria-label="Export SVG" title="Save the current view as SVG" disabled={!scene} onClick={() => void exportView('svg')}>
                SVG
              </button>
              <button type="button" className="button ghost small" aria-label="Export PNG" title="Save the current view as PNG" disabled={!scene} onClick={() => void exportView('png')}>
                PNG
              </button>
            </>
          )}
          <button type="button" className="button ghost small" aria-label="Zoom out" title="Zoom out (−)" disabled={!viewport} onClick={() => va.zoomGraph(1 / ZOOM_STEP, ...centre())}>
            −
          </button>
          <span className="small muted zoom-level" aria-label="Zoom level">
            {viewport ? `${Math.round(viewport.k * 100)}%` : ''}
          </span>
          <button type="button" className="button ghost small" aria-label="Zoom in" title="Zoom in (+)" disabled={!viewport} onClick={() => va.zoomGraph(ZOOM_STEP, ...centre())}>
            +
          </button>
          {!compact && (
            <button
              type="button"
              className="button ghost small"
              title={tooBig ? `Too big to open at once (over ${formatCount(EXPAND_ALL_MAX)} ops): open groups one by one` : allOpen ? 'Every group is open' : 'Open every group'}
              disabled={!canExpandAll}
              onClick={() => {
                performance.mark('frost:graph-expand');
                va.setGraphExpanded(hierarchy.items.filter((it) => isExpandable(it)).map((it) => it.name));
                fitNext.current = true;
              }}
            >
              Expand all
            </button>
          )}
          <button type="button" className="button ghost small" title="Fit the graph in view" disabled={!scene} onClick={() => scene && va.fitGraph(scene.bounds, size)}>
            Fit
          </button>
        </div>
      </div>
      <div className="graph-stage">
      <svg
        ref={setSvg}
        className="graph-svg"
        role="img"
        aria-label={view.label}
        tabIndex={0}
        aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown + - 0"
        aria-busy={lv.pending}
        data-state={scene ? 'drawn' : 'layout'}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <defs>
          <marker id={markerId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="gv-arrowhead" />
          </marker>
        </defs>
        {viewport && visible && (
          <g transform={`translate(${viewport.x},${viewport.y}) scale(${viewport.k})`}>
            {frames.map((b) => (
              <Frame key={b.id} box={b} item={hierarchy.items[b.id] as HierarchyItem} labels={labels} dim={dimmed(b.id)} />
            ))}
            <g className="gv-edges">
              {visible.edges.map((e) => {
                const key = `${e.edge.from}>${e.edge.to}`;
                const cut = cuts.has(key);
                // Edges leaving one box share their first stretch: one cut mark there is enough.
                const firstCut = cut && !cutMarked.has(e.edge.from);
                if (cut) cutMarked.add(e.edge.from);
                return (
                  <Edge
                    key={e.key}
                    edge={e}
                    label={edgeLabels ? edgeLabel(hierarchy, e.edge) : null}
                    cut={cut}
                    cutMark={firstCut}
                    dim={focused !== null && !focused.edges.has(key)}
                    marker={markerId}
                  />
                );
              })}
            </g>
            {leaves.map((b) =>
              b.kind === 'op' ? (
                <OpNode key={b.id} box={b} h={hierarchy} selected={selected} labels={labels} dim={dimmed(b.id)} />
              ) : (
                <GroupBox key={b.id} box={b} item={hierarchy.items[b.id] as HierarchyItem} labels={labels} dim={dimmed(b.id)} />
              ),
            )}
          </g>
        )}
      </svg>
      {showMinimap && !compact && scene && viewport && size.width > 0 && <Minimap scene={scene} viewport={viewport} size={size} />}
      {showLegend && <Legend graph={graph} />}
      {focus && (
        <div className="gv-focus-bar" role="status" aria-label="Focus mode">
          <span className="small">
            Focus on <b className="mono">{focus.node}</b>: {plural(focused?.nodes.size ?? 0, 'node')} within
          </span>
          <button type="button" className="button ghost small" aria-label="Fewer hops" disabled={focus.hops <= 1} onClick={() => va.setGraphFocus(focus.node, focus.hops - 1)}>
            −
          </button>
          <span className="small">{plural(focus.hops, 'hop')}</span>
          <button type="button" className="button ghost small" aria-label="More hops" disabled={focus.hops >= 5} onClick={() => va.setGraphFocus(focus.node, focus.hops + 1)}>
            +
          </button>
          <button type="button" className="button small" onClick={() => va.setGraphFocus(null)}>
            Exit focus (Esc)
          </button>
        </div>
      )}
      </div>
    </div>
  );
}

/**
 * Performance marks for measurement (e2e prints them; no test asserts a time): `frost:graph-drawn`
 * once each new layout has been committed and painted (rAF, then the task after the paint).
 */
function useDrawnMark(scene: unknown): void {
  useEffect(() => {
    if (!scene) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const raf = requestAnimationFrame(() => {
      timer = setTimeout(() => performance.mark('frost:graph-drawn'), 0);
    });
    return () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }, [scene]);
}

/** Enter/Space run `fn`; `more` maps other keys (→ opens a group, ← closes one). */
function onActivate(fn: () => void, more: Record<string, () => void> = {}) {
  return (e: KeyboardEvent) => {
    const run = e.key === 'Enter' || e.key === ' ' ? fn : more[e.key];
    if (!run) return;
    e.preventDefault();
    e.stopPropagation();
    run();
  };
}

/** An open group: a framed container whose header closes it. */
function Frame({ box, item, labels, dim }: { box: DrawBox; item: HierarchyItem; labels: boolean; dim: boolean }) {
  const va = useGraphView().actions;
  const collapse = () => va.collapseGraphGroup(item.name);
  return (
    <g className={`gv-frame${box.side ? ' gv-side' : ''}${item.depth % 2 === 0 ? ' gv-even' : ''}${dim ? ' gv-unfocused' : ''}`} data-group={item.name} data-open="true">
      {/* Double-clicking an open group's background closes it too. */}
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} className="gv-frame-body" onDoubleClick={collapse} />
      <g className="gv-frame-header" role="button" tabIndex={0} aria-expanded="true" aria-label={`Collapse ${item.name}`} onClick={collapse} onKeyDown={onActivate(collapse, { ArrowLeft: collapse })}>
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
function GroupBox({ box, item, labels, dim }: { box: DrawBox; item: HierarchyItem; labels: boolean; dim: boolean }) {
  // The freeze preview: a closed scope without any kept node is dropped whole, so it is dimmed.
  const view = useGraphView();
  const dropped = view.use((s) => item.kind === 'group' && s.freezePreview?.keptScopes !== undefined && !s.freezePreview.keptScopes.has(item.name) && !s.freezePreview.kept?.has(item.name));
  const extra = view.groupClass?.(item.name);
  const expand = () => {
    performance.mark('frost:graph-expand');
    view.actions.expandGraphGroup(item.name);
  };
  const count = `+${formatCount(item.nodeCount)}`;
  const sub = item.seriesSize > 0 ? `×${item.seriesSize} · ${count} ops` : `${count} ops`;
  return (
    <g
      className={`gv-group${item.kind === 'series' ? ' gv-series' : ''}${box.side ? ' gv-side' : ''}${item.aux === 'pipeline' ? ' gv-queue' : ''}${dim ? ' gv-unfocused' : ''}${dropped ? ' gv-dropped' : ''}${extra ? ` ${extra}` : ''}`}
      data-group={item.name}
      data-open="false"
      role="button"
      tabIndex={0}
      aria-expanded="false"
      aria-label={`Expand ${item.name}`}
      onClick={expand}
      onKeyDown={onActivate(expand, { ArrowRight: expand })}
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

function OpNode({ box, h, selected, labels, dim }: { box: DrawBox; h: Hierarchy; selected: string | null; labels: boolean; dim: boolean }) {
  // The freeze preview's kept set: nodes the frozen graph drops are drawn dimmed.
  const view = useGraphView();
  const kept = view.use((s) => s.freezePreview?.kept);
  const item = h.items[box.id] as HierarchyItem;
  const node = h.graph.nodes[item.node];
  // Chosen freeze outputs (`node` or `node:k`) are marked on the drawing.
  const isOutput = view.use((s) => node !== undefined && s.freezeOutputs.some((o) => o === node.name || (o.startsWith(`${node.name}:`) && /^\d+$/.test(o.slice(node.name.length + 1)))));
  if (!node) return null;
  const va = view.actions;
  const select = () => va.selectNode(node.name);
  const focusHere = () => va.setGraphFocus(node.name);
  const parent = h.items[item.parent] as HierarchyItem;
  const collapseParent = () => parent.kind !== 'root' && va.collapseGraphGroup(parent.name);
  const isSelected = selected === node.name;
  const deco = view.decorate?.(node);
  const heat = deco?.heat ?? 0;
  return (
    <g
      className={`gv-op fam-${node.family}${node.pipeline ? ' gv-queue' : ''}${box.side ? ' gv-side' : ''}${isSelected ? ' gv-selected' : ''}${dim ? ' gv-unfocused' : ''}${kept && !kept.has(node.name) ? ' gv-dropped' : ''}${deco?.className ? ` ${deco.className}` : ''}${heat > 0 ? ' gv-heat' : ''}${isOutput ? ' gv-output' : ''}`}
      style={heat > 0 ? ({ '--gv-heat': `${Math.round(15 + heat * 70)}%` } as CSSProperties) : undefined}
      data-node-name={node.name}
      data-output={isOutput ? 'true' : undefined}
      role="button"
      tabIndex={0}
      aria-pressed={isSelected}
      aria-label={`${node.name} (${node.op})`}
      // Shift+click picks freeze outputs on the Graph tab's drawing (several in a row); a plain
      // click selects. Compare panes only select.
      onClick={(e) => (e.shiftKey && view.id === 'main' ? actions.toggleFreezeOutput(node.name) : select())}
      onDoubleClick={focusHere}
      onKeyDown={onActivate(select, { f: focusHere, ArrowLeft: collapseParent })}
    >
      <title>{`${node.name}\n${node.op}${node.pipeline ? ' · queue pipeline' : ''}${deco?.note ? `\n${deco.note}` : ''}`}</title>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={10} className="gv-op-body" />
      {labels && <BoxLabels box={box} label={item.label} sub={node.op} top={14} gap={13} subClass="gv-sub" />}
      {isOutput && (
        <g className="gv-output-badge" aria-hidden="true">
          <rect x={box.x + box.width - 34} y={box.y - 9} width={34} height={16} rx={8} />
          <text x={box.x + box.width - 17} y={box.y + 3} textAnchor="middle">
            out
          </text>
        </g>
      )}
    </g>
  );
}

/**
 * An aggregated edge. Its shape label sits just above the arrowhead, in the gap between ranks
 * (so it never lies on a box); a queue cut is a red bar across the edge just below the dequeue.
 */
function Edge({ edge, label, cut, cutMark, dim, marker }: { edge: DrawEdge; label: string | null; cut: boolean; cutMark: boolean; dim: boolean; marker: string }) {
  const controlOnly = edge.edge.data === 0;
  const width = controlOnly ? 1 : Math.min(3, 1 + Math.log2(edge.edge.data) * 0.5);
  const end = edge.points[edge.points.length - 1];
  const before = edge.points[edge.points.length - 2];
  const fromLeft = end !== undefined && before !== undefined && before.x <= end.x;
  const cutAt = cutMark ? pointAtDistance(edge.points, 9) : null;
  return (
    <g className={`gv-edge-g${dim ? ' gv-unfocused' : ''}`} data-cut={cut ? 'true' : undefined}>
      <path d={edgePathD(edge.points)} className={`gv-edge${controlOnly ? ' gv-control' : ''}`} strokeWidth={width} markerEnd={`url(#${marker})`}>
        <title>{`${edge.edge.data} data, ${edge.edge.control} control${cut ? ' · cut here by freezing (the dequeue becomes a placeholder)' : ''}`}</title>
      </path>
      {label !== null && end && (
        <text x={end.x + (fromLeft ? -5 : 5)} y={end.y - 7} textAnchor={fromLeft ? 'end' : 'start'} className="gv-edge-label">
          {label}
        </text>
      )}
      {cutAt && (
        <g className="gv-cut" transform={`translate(${cutAt.x},${cutAt.y})`}>
          <title>Freezing cuts the graph here: the dequeue's output becomes a placeholder.</title>
          <line x1={-9} y1={0} x2={9} y2={0} className="gv-cut-bar" />
          <text x={11} y={4} className="gv-cut-glyph">
            ✂
          </text>
        </g>
      )}
    </g>
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
