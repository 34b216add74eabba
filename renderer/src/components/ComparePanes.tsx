import { useMemo } from 'react';
import { formatDelta } from '../../../shared/diff-format.js';
import type { DiffResult, GraphDiff, NodeDiffKind } from '../../../shared/model/diff.js';
import type { GraphIR, GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { diffIndex, weightHeat, type DiffIndex } from '../graph/diff-index.js';
import { overlayGraph, type OverlayGraph } from '../graph/overlay-graph.js';
import { actions, createComparePane, GraphViewProvider, useFrost, type FrostState, type NodeDecoration, type PaneView } from '../state/index.js';
import { NodeList } from './CompareNodeList.js';
import { GraphView } from './GraphCanvas.js';

/** The drawn views of one comparison: A and B side by side (linked), and the merged overlay. */
interface CompareDrawings {
  a: PaneView;
  b: PaneView;
  overlay: PaneView;
  merged: OverlayGraph;
}

// Kept per result, so switching between the Compare views keeps each pane's pan, zoom and open groups.
const drawings = new WeakMap<DiffResult, CompareDrawings>();

/** B's name of A's node `a` (null: B has no such node). */
function bNameOf(index: DiffIndex, a: string): string | null {
  const entry = index.byA.get(a);
  // No entry: unchanged, the same name in B.
  return entry ? (entry.b ?? null) : a;
}

/** A's name of B's node `b` (null: only B has it). */
function aNameOf(index: DiffIndex, b: string): string | null {
  const entry = index.byB.get(b);
  return entry ? (entry.a ?? null) : b;
}

/** Picks the entry of B's node `b` (its A partner becomes the window's selected node). */
function selectB(index: DiffIndex, b: string | null): void {
  if (b === null) return actions.clearSelection();
  const a = aNameOf(index, b);
  actions.selectDiffEntry(a === null ? { b } : { a, b });
}

function selectA(index: DiffIndex, a: string | null): void {
  if (a === null) return actions.clearSelection();
  const b = bNameOf(index, a);
  actions.selectDiffEntry(b === null ? { a } : { a, b });
}

/** Every scope above a node of `names` (a closed group holding a change is outlined). */
function scopesHolding(names: Iterable<string>): Set<string> {
  const scopes = new Set<string>();
  for (const n of names) for (let i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) scopes.add(n.slice(0, i));
  return scopes;
}

/** Colours a node by its change kind, and a variable by the heat of its weight change. */
function decorator(index: DiffIndex, kindOf: (name: string) => NodeDiffKind | undefined) {
  return (node: GraphNodeIR): NodeDecoration | undefined => {
    const kind = kindOf(node.name);
    const v = node.checkpointKey === undefined ? undefined : index.variables.get(node.checkpointKey);
    const heat = weightHeat(v);
    if (kind === undefined && heat === 0) return undefined;
    const notes = [kind ?? 'unchanged', ...(v?.delta && heat > 0 ? [`weights: rel L2 ${formatDelta(v.delta.relL2)}`] : [])];
    return { ...(kind ? { className: `gv-diff gv-diff-${kind}` } : {}), heat, note: notes.join(' · ') };
  };
}

function groupMarker(scopes: ReadonlySet<string>) {
  return (name: string): string | undefined => (scopes.has(name) ? 'gv-diff-holds' : undefined);
}

function createDrawings(result: DiffResult, g: GraphDiff, aGraph: GraphIR, bGraph: GraphIR): CompareDrawings {
  const index = diffIndex(result);
  const merged = overlayGraph(aGraph, bGraph, g);
  const a = createComparePane({
    id: 'pane-a',
    label: 'Graph A drawing',
    selected: (s: FrostState) => s.selectedNode,
    select: (name) => selectA(index, name),
    decorate: decorator(index, (n) => g.sides.a[n]),
    groupClass: groupMarker(scopesHolding(Object.keys(g.sides.a))),
  });
  const b = createComparePane({
    id: 'pane-b',
    label: 'Graph B drawing',
    // B's selection follows the window's: the partner of A's selected node, or a node only B has.
    selected: (s: FrostState) => (s.selectedNode !== null ? bNameOf(index, s.selectedNode) : s.compareSelection?.a === null ? s.compareSelection.b : null),
    select: (name) => selectB(index, name),
    decorate: decorator(index, (n) => g.sides.b[n]),
    groupClass: groupMarker(scopesHolding(Object.keys(g.sides.b))),
  });
  a.linkTo(b);
  b.linkTo(a);
  const overlayOf = new Map([...merged.fromB].map(([overlay, bName]) => [bName, overlay]));
  const overlay = createComparePane({
    id: 'overlay',
    label: 'Overlay drawing',
    selected: (s: FrostState) => {
      if (s.selectedNode !== null) return s.selectedNode;
      const b = s.compareSelection?.a === null ? s.compareSelection.b : null;
      return b === null ? null : (overlayOf.get(b) ?? null);
    },
    select: (name) => {
      const bName = name === null ? undefined : merged.fromB.get(name);
      if (bName !== undefined) selectB(index, bName);
      else selectA(index, name);
    },
    decorate: decorator(index, (n) => merged.kinds.get(n)),
    groupClass: groupMarker(scopesHolding(merged.kinds.keys())),
  });
  return { a, b, overlay, merged };
}

function useDrawings(result: DiffResult): { drawings: CompareDrawings | null; aGraph: GraphIR | null; bGraph: GraphIR | null } {
  const aGraph = useFrost((s) => s.graph);
  const bGraph = useFrost((s) => s.compare?.bGraph ?? null);
  const made = useMemo(() => {
    if (!result.graph || !aGraph || !bGraph) return null;
    let d = drawings.get(result);
    if (!d) drawings.set(result, (d = createDrawings(result, result.graph, aGraph, bGraph)));
    return d;
  }, [result, aGraph, bGraph]);
  return { drawings: made, aGraph, bGraph };
}

const LEGEND: { kind: NodeDiffKind; text: string }[] = [
  { kind: 'added', text: 'added (only in B)' },
  { kind: 'removed', text: 'removed (only in A)' },
  { kind: 'changed', text: 'changed' },
  { kind: 'renamed', text: 'renamed' },
  { kind: 'frozen', text: 'frozen' },
  { kind: 'cut', text: 'cut' },
];

/** What the colours of the compared drawings mean. */
function DiffLegend({ heat }: { heat: boolean }) {
  return (
    <ul className="diff-legend small" aria-label="Change colours">
      {LEGEND.map((l) => (
        <li key={l.kind} className={`kind-${l.kind}`}>
          <span className="kind-dot" aria-hidden="true" /> {l.text}
        </li>
      ))}
      <li className="kind-unchanged">
        <span className="kind-dot" aria-hidden="true" /> unchanged
      </li>
      {heat && (
        <li>
          <span className="heat-ramp" aria-hidden="true" /> weight change (relative L2, 10⁻⁶ … 1)
        </li>
      )}
    </ul>
  );
}

/** A and B drawn side by side: pan, zoom and open groups follow each other; a selection selects its partner. */
export function ComparePanes({ result, labels }: { result: DiffResult; labels: [string, string] }) {
  const { drawings: d, aGraph, bGraph } = useDrawings(result);
  if (!d || !aGraph || !bGraph) return <p className="muted panel-note">Both sides need a graph to be drawn.</p>;
  return (
    <div className="compare-drawn">
      <DiffLegend heat={result.checkpoint !== undefined} />
      <div className="compare-panes">
        <Pane side="a" label={labels[0]} view={d.a} graph={aGraph} />
        <Pane side="b" label={labels[1]} view={d.b} graph={bGraph} />
      </div>
      <ChangesBelow result={result} />
    </div>
  );
}

function Pane({ side, label, view, graph }: { side: 'a' | 'b'; label: string; view: PaneView; graph: GraphIR }) {
  return (
    <section className="compare-pane compare-graph" aria-label={`Pane ${side.toUpperCase()}`}>
      <h3 className="pane-title small" title={label}>
        <span className={`side-badge side-${side}`}>{side.toUpperCase()}</span>
        <span className="mono ellipsis-start">
          <bdi>{label}</bdi>
        </span>
      </h3>
      <GraphViewProvider value={view}>
        <GraphView graph={graph} compact />
      </GraphViewProvider>
    </section>
  );
}

/** The list of changes under a drawing (none when the graphs are the same: the drawing gets the room). */
function ChangesBelow({ result }: { result: DiffResult }) {
  if (!result.graph?.nodes.length) return null;
  return (
    <div className="compare-drawn-list">
      <NodeList result={result} />
    </div>
  );
}

/** One merged drawing: A's nodes and B's added ones, edges of both, coloured by change kind. */
export function CompareOverlay({ result }: { result: DiffResult }) {
  const { drawings: d } = useDrawings(result);
  if (!d) return <p className="muted panel-note">Both sides need a graph to be drawn.</p>;
  return (
    <div className="compare-drawn">
      <DiffLegend heat={result.checkpoint !== undefined} />
      <section className="compare-pane compare-graph compare-overlay" aria-label="Overlay">
        <GraphViewProvider value={d.overlay}>
          <GraphView graph={d.merged.graph} compact />
        </GraphViewProvider>
      </section>
      <ChangesBelow result={result} />
    </div>
  );
}
