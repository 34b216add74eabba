import type { DiffResult, KindCounts } from '../../../shared/model/diff.js';
import { ALL_KINDS } from '../graph/diff-index.js';
import { actions, useFrost, type CompareJob, type CompareView as CompareViewName } from '../state/index.js';
import { NodeList } from './CompareNodeList.js';
import { CompareOverlay, ComparePanes } from './ComparePanes.js';
import { WeightTable } from './CompareWeights.js';
import { formatCount, plural } from './format.js';
import './compare.css';

/** The Compare tab: A and B, the diff job's progress, counts per kind (filters), the node list and the weight table. */
export function CompareView() {
  const job = useFrost((s) => s.compare);
  if (!job) return <p className="muted panel-note">Nothing is being compared. Use “Compare…” in the top bar, or “Compare original vs frozen” after a freeze.</p>;
  return (
    <section className="compare-view" aria-label="Compare">
      <CompareHeader job={job} />
      {job.result && <CompareBody result={job.result} aLabel={job.aLabel} bLabel={job.bLabel} />}
    </section>
  );
}

function CompareHeader({ job }: { job: CompareJob }) {
  const running = job.status === 'opening' || job.status === 'running' || job.status === 'cancelling';
  return (
    <header className="compare-head">
      <dl className="compare-sides" aria-label="Compared sources">
        <div>
          <dt className="side-badge side-a">A</dt>
          <dd className="mono break" title={job.aLabel}>
            {job.aLabel}
          </dd>
        </div>
        <div>
          <dt className="side-badge side-b">B</dt>
          <dd className="mono break" title={job.bLabel ?? ''}>
            {job.bLabel ?? <span className="muted">opening…</span>}
          </dd>
        </div>
      </dl>
      <div className="compare-head-end">
        {running && <CompareProgress job={job} />}
        {job.status === 'cancelled' && (
          <span className="muted small" role="status">
            Comparison cancelled.
          </span>
        )}
        {job.status === 'failed' && (
          <span className="verify-bad small" role="status">
            Not compared{job.problem ? `: ${job.problem.message}` : '.'}
          </span>
        )}
        <button type="button" className="button small" onClick={actions.closeCompare}>
          Close comparison
        </button>
      </div>
    </header>
  );
}

function CompareProgress({ job }: { job: CompareJob }) {
  const percent = job.total > 0 ? Math.min(100, (100 * job.done) / job.total) : 0;
  return (
    <span className="verify-status compare-progress" aria-live="polite">
      <span className="verify-bar" role="progressbar" aria-label="Comparing" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done} aria-valuetext={job.message}>
        <span className="verify-bar-fill" style={{ width: `${percent}%` }} />
      </span>
      <span className="muted small">{job.status === 'cancelling' ? 'Cancelling…' : job.message}</span>
      {job.status !== 'opening' && (
        <button type="button" className="button small" disabled={job.status === 'cancelling'} onClick={() => void actions.cancelCompare()}>
          Cancel
        </button>
      )}
    </span>
  );
}

const VIEWS: { id: CompareViewName; label: string }[] = [
  { id: 'nodes', label: 'Nodes' },
  { id: 'weights', label: 'Weights' },
  { id: 'panes', label: 'Side by side' },
  { id: 'overlay', label: 'Overlay' },
];

/** A note of the core, with B's private temp path (a frozen graph) replaced by the name the user knows. */
function readableNote(note: string, result: DiffResult, bLabel: string | null): string {
  return bLabel && result.b.path !== bLabel ? note.split(result.b.path).join(bLabel) : note;
}

function CompareBody({ result, aLabel, bLabel }: { result: DiffResult; aLabel: string; bLabel: string | null }) {
  const view = useFrost((s) => s.compareView);
  const drawable = useFrost((s) => s.graph !== null && (s.compare?.bGraph ?? null) !== null);
  const views = VIEWS.filter((v) => (v.id === 'weights' ? result.checkpoint !== undefined : v.id === 'nodes' ? result.graph !== undefined : result.graph !== undefined && drawable));
  const shown = views.some((v) => v.id === view) ? view : views[0]?.id;
  return (
    <>
      {result.graph && <KindChips counts={result.graph.counts} freezing={result.graph.freezing} nodes={[result.graph.nodesA, result.graph.nodesB]} />}
      {result.notes.length > 0 && (
        <ul className="compare-notes small muted" aria-label="Comparison notes">
          {result.notes.map((n, i) => (
            <li key={i} title={readableNote(n, result, bLabel)}>
              {readableNote(n, result, bLabel)}
            </li>
          ))}
        </ul>
      )}
      {views.length > 0 && (
        <div className="compare-views" role="tablist" aria-label="Compare views">
          {views.map((v) => (
            <button key={v.id} type="button" role="tab" className="centre-tab" aria-selected={shown === v.id} onClick={() => actions.setCompareView(v.id)}>
              {v.label}
              {v.id === 'weights' && result.checkpoint ? <span className="count">{result.checkpoint.totals.changed}</span> : null}
            </button>
          ))}
        </div>
      )}
      {shown === 'nodes' && result.graph && <NodeList result={result} />}
      {shown === 'weights' && result.checkpoint && <WeightTable result={result} />}
      {shown === 'panes' && <ComparePanes result={result} labels={[aLabel, bLabel ?? 'B']} />}
      {shown === 'overlay' && <CompareOverlay result={result} />}
    </>
  );
}

/** The counts per kind; each (but `unchanged`) is a toggle that shows or hides that kind in the list. */
function KindChips({ counts, freezing, nodes }: { counts: KindCounts; freezing: boolean; nodes: [number, number] }) {
  const shownKinds = useFrost((s) => s.compareFilter.kinds);
  return (
    <div className="compare-chips" role="toolbar" aria-label="Change kinds">
      <span className="small muted">
        {formatCount(nodes[0])} → {plural(nodes[1], 'node')}
        {freezing ? ' · B is a frozen form of A' : ''}
      </span>
      {ALL_KINDS.map((k) => (
        <button
          key={k}
          type="button"
          className={`kind-chip kind-${k}`}
          aria-pressed={shownKinds.includes(k)}
          disabled={counts[k] === 0}
          onClick={() => actions.toggleCompareKind(k)}
          title={`Show or hide ${k} nodes`}
        >
          <span className="kind-dot" aria-hidden="true" />
          {k} <span className="kind-count">{formatCount(counts[k])}</span>
        </button>
      ))}
      <span className="kind-chip kind-unchanged static">
        unchanged <span className="kind-count">{formatCount(counts.unchanged)}</span>
      </span>
    </div>
  );
}

