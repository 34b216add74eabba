import { useEffect, useMemo, useRef } from 'react';
import { formatChangedPercent, formatCosine, formatDelta, variableStatusText } from '../../../shared/diff-format.js';
import type { DiffResult, GraphNodeDiff, VariableDiff, WeightDelta } from '../../../shared/model/diff.js';
import { diffIndex, weightHeat } from '../graph/diff-index.js';
import { graphIndex } from '../graph/graph-index.js';
import { actions, useFrost } from '../state/index.js';
import { heatStyle } from './CompareWeights.js';
import { formatCount, formatShape } from './format.js';

/**
 * The properties panel's "Comparison" section while a comparison is shown: the selected node's
 * diff entry (kind, its name in B, each change before → after, a frozen value's check) and the
 * weight deltas of its checkpoint key, or those of the selected variable.
 */
export function CompareProperties() {
  const result = useFrost((s) => s.compare?.result);
  const selectedNode = useFrost((s) => s.selectedNode);
  const selectedVariable = useFrost((s) => s.selectedVariable);
  const pick = useFrost((s) => s.compareSelection);
  const aGraph = useFrost((s) => s.graph);
  const ref = useRef<HTMLElement>(null);
  // The panel may be scrolled down to the freeze result: bring a new pick's entry into view.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selectedNode, selectedVariable, pick]);
  if (!result) return null;
  const index = diffIndex(result);
  const bOnly = selectedNode === null && pick?.a === null ? pick.b : null;
  const entry = selectedNode !== null ? index.byA.get(selectedNode) : bOnly !== null ? index.byB.get(bOnly) : undefined;
  const aNode = selectedNode !== null && aGraph ? graphIndex(aGraph).byName.get(selectedNode) : undefined;
  const key = entry?.checkpointKey ?? aNode?.checkpointKey ?? (selectedNode === null ? selectedVariable : null) ?? null;
  if (selectedNode === null && bOnly === null && key === null) return null;
  return (
    <section ref={ref} className="prop-section diff-props" aria-label="Comparison">
      <h3 className="section-title">Comparison</h3>
      {(selectedNode !== null || bOnly !== null) && result.graph && <NodeDiffDetails entry={entry} />}
      {key !== null && <WeightDetails result={result} checkpointKey={key} />}
      {bOnly !== null && entry && <BNodeDetails name={bOnly} result={result} />}
    </section>
  );
}

function NodeDiffDetails({ entry }: { entry: GraphNodeDiff | undefined }) {
  if (!entry) {
    return <p className="small muted">Unchanged in B (same op, inputs, attrs and device).</p>;
  }
  return (
    <>
      <p className="small">
        <span className={`kind-tag kind-${entry.kind}`}>{entry.kind}</span>{' '}
        {entry.b !== undefined && entry.a !== undefined && entry.b !== entry.a ? (
          <>
            in B as <span className="mono">{entry.b}</span>
          </>
        ) : null}
        {entry.kind === 'added' ? 'only in B' : entry.kind === 'removed' ? 'only in A' : null}
      </p>
      <dl className="kv">
        {(entry.opA ?? entry.opB) !== undefined && (
          <>
            <dt>op</dt>
            <dd className="mono">{entry.opA && entry.opB && entry.opA !== entry.opB ? `${entry.opA} → ${entry.opB}` : (entry.opA ?? entry.opB)}</dd>
          </>
        )}
        {entry.matchedBy && (
          <>
            <dt>matched by</dt>
            <dd>{entry.matchedBy === 'name' ? 'name' : 'structure (op and matched inputs)'}</dd>
          </>
        )}
        {entry.value && (
          <>
            <dt>value</dt>
            <dd>{entry.value === 'same' ? 'equals the checkpoint' : entry.value === 'differs' ? 'differs from the checkpoint' : 'not checked (no checkpoint value)'}</dd>
          </>
        )}
      </dl>
      {entry.changes && entry.changes.length > 0 && (
        <ul className="diff-changes" aria-label="Changes">
          {entry.changes.map((c, i) => (
            <li key={i}>
              <span className="mono muted">{c.key ? `${c.field} ${c.key}` : c.field}</span>: <span className="mono before">{c.before || '∅'}</span> → <span className="mono after">{c.after || '∅'}</span>
            </li>
          ))}
        </ul>
      )}
      {entry.weights && <DeltaList delta={entry.weights} label="Const vs checkpoint" />}
      {entry.note && <p className="small muted">{entry.note}</p>}
    </>
  );
}

function DeltaList({ delta, label }: { delta: WeightDelta; label: string }) {
  return (
    <dl className="kv" aria-label={label}>
      <dt>max abs Δ</dt>
      <dd className="mono">{formatDelta(delta.maxAbs)}</dd>
      <dt>mean abs Δ</dt>
      <dd className="mono">{formatDelta(delta.meanAbs)}</dd>
      <dt>rel L2</dt>
      <dd className="mono">{formatDelta(delta.relL2)}</dd>
      <dt>cosine</dt>
      <dd className="mono">{formatCosine(delta.cosine)}</dd>
      <dt>changed</dt>
      <dd className="mono">
        {formatChangedPercent(delta)} ({formatCount(delta.changed)} of {formatCount(delta.elements)})
      </dd>
    </dl>
  );
}

function WeightDetails({ result, checkpointKey }: { result: DiffResult; checkpointKey: string }) {
  const index = diffIndex(result);
  if (!result.checkpoint) return null;
  const v: VariableDiff | undefined = index.variables.get(checkpointKey);
  const only = index.onlyIn.get(checkpointKey);
  return (
    <div className="diff-weights">
      <h4 className="small muted">
        <span className="heat-swatch" style={heatStyle(weightHeat(v))} aria-hidden="true" />
        Weights of <span className="mono">{checkpointKey}</span>
      </h4>
      {only ? (
        <p className="small">Only in {only.toUpperCase()}’s checkpoint.</p>
      ) : !v ? (
        <p className="small muted">Not in either checkpoint.</p>
      ) : v.status !== 'compared' || !v.delta ? (
        <p className="small warn-text">
          {variableStatusText(v)}: {v.dtypeA} {formatShape(v.shapeA)} → {v.dtypeB} {formatShape(v.shapeB)}
        </p>
      ) : (
        <DeltaList delta={v.delta} label="Weight deltas" />
      )}
    </div>
  );
}

/** A node only B has: what B's graph says about it (A's panels cannot show it). */
function BNodeDetails({ name, result }: { name: string; result: DiffResult }) {
  const bGraph = useFrost((s) => s.compare?.bGraph ?? null);
  const node = useMemo(() => (bGraph ? graphIndex(bGraph).byName.get(name) : undefined), [bGraph, name]);
  if (!node) return null;
  return (
    <dl className="kv">
      <dt>node in B</dt>
      <dd className="mono break">{node.name}</dd>
      <dt>inputs</dt>
      <dd className="mono break">
        {node.inputs.length === 0
          ? '–'
          : node.inputs.map((i, k) => (
              <span key={k}>
                {k > 0 ? ', ' : ''}
                <button type="button" className="link mono" onClick={() => actions.selectDiffEntry(entryFor(result, i))}>
                  {i}
                </button>
              </span>
            ))}
      </dd>
    </dl>
  );
}

/** The entry to pick for input `input` of a B node: B's name, with its A name when it has one. */
function entryFor(result: DiffResult, input: string): { a?: string; b: string } {
  const b = input.replace(/^\^/, '').replace(/:\d+$/, '');
  const entry = diffIndex(result).byB.get(b);
  // No entry: an unchanged node, the same name on both sides.
  if (!entry) return { a: b, b };
  return entry.a === undefined ? { b } : { a: entry.a, b };
}
