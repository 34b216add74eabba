import { useEffect } from 'react';
import type { FreezeJob } from '../state/index.js';
import { actions, useFrost } from '../state/index.js';
import { getClient } from '../ipc/client.js';
import { outputTensorName } from '../../../shared/model/output-ranking.js';
import { formatBytes, formatCount, formatShape, plural } from './format.js';
import { FreezePreview } from './FreezePreview.js';
import { VerifyFreeze } from './VerifyFreeze.js';

/** "Use as output" for the selected node: a toggle button (aria-pressed). */
export function UseAsOutputButton({ name }: { name: string }) {
  const chosen = useFrost((s) => s.freezeOutputs.includes(name));
  return (
    <button type="button" className={`button small${chosen ? ' primary' : ''}`} aria-pressed={chosen} onClick={() => actions.toggleFreezeOutput(name)} title="Freeze the graph down to this node">
      Use as output
    </button>
  );
}

/**
 * Click-to-freeze: the chosen outputs (removable), the ranked suggestions of the core (click to
 * add), the live preview with editable placeholders, the Freeze button with progress and
 * Cancel, the result of the last freeze, and Verify.
 */
export function FreezePanel() {
  const sourceId = useFrost((s) => s.sourceId);
  const hasGraph = useFrost((s) => s.report?.graph !== undefined);
  const outputs = useFrost((s) => s.freezeOutputs);
  const suggestions = useFrost((s) => s.freezeSuggestions);
  const job = useFrost((s) => s.freeze);
  // Suggestions wait for the graph: both run on the one core thread, and the drawn graph is
  // what the user looks at first (on a 30k-node graph asking at once delayed it by ~0.8 s).
  // After the full graph (not its quick structure): the server builds that meanwhile.
  const graphSettled = useFrost((s) => s.graphStatus !== 'loading' && s.graphDetail === 'full');

  useEffect(() => {
    if (sourceId !== null && hasGraph && graphSettled) void actions.loadFreezeSuggestions();
  }, [sourceId, hasGraph, graphSettled]);

  if (sourceId === null || !hasGraph) return null;
  const running = job?.status === 'running' || job?.status === 'cancelling';
  const offered = (suggestions?.outputs ?? []).map((o) => ({ ...o, tensor: outputTensorName(o) })).filter((o) => !outputs.includes(o.tensor)).slice(0, 5);

  return (
    <section className="freeze-panel" aria-labelledby="freeze-heading">
      <h3 id="freeze-heading" className="section-title">
        Freeze
      </h3>
      {outputs.length === 0 ? (
        <p className="muted small">Choose the outputs: select a node and click “Use as output”, or pick a suggestion.</p>
      ) : (
        <ul className="plain-list freeze-outputs" aria-label="Chosen outputs">
          {outputs.map((o) => (
            <li key={o} className="freeze-output">
              <span className="mono small">{o}</span>
              <button type="button" className="button ghost small" aria-label={`Remove output ${o}`} disabled={running} onClick={() => actions.removeFreezeOutput(o)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {suggestions?.status === 'loading' && <p className="muted small">Looking for likely outputs…</p>}
      {suggestions?.status === 'error' && <p className="verify-bad small">No suggestions: {suggestions.problem?.message}</p>}
      {offered.length > 0 && (
        <div className="freeze-suggestions">
          <h4 className="small muted">Suggested outputs</h4>
          <ul className="plain-list" aria-label="Suggested outputs">
            {offered.map((o) => (
              <li key={o.tensor}>
                <button type="button" className="link mono small" aria-label={`Add output ${o.tensor}`} disabled={running} onClick={() => actions.addFreezeOutput(o.tensor)}>
                  + {o.tensor}
                </button>{' '}
                <span className="muted small">
                  {o.op}
                  {o.dtype ? ` · ${o.dtype}` : ''}
                  {o.shape !== undefined ? ` ${formatShape(o.shape)}` : ''}
                </span>
                {o.reasons.length > 0 && <div className="muted small freeze-reasons">{o.reasons.join('; ')}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <FreezePreview disabled={running} />
      <div className="freeze-actions">
        <button type="button" className="button primary small" disabled={outputs.length === 0 || running} onClick={() => void actions.runFreeze()}>
          Freeze
        </button>
      </div>
      {job && <FreezeStatus job={job} />}
      <VerifyFreeze />
    </section>
  );
}

function FreezeStatus({ job }: { job: FreezeJob }) {
  const { status, done, total } = job;
  if (status === 'running' || status === 'cancelling') {
    const percent = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    return (
      <div className="verify-status" aria-live="polite">
        <div className="verify-bar" role="progressbar" aria-label="Freezing" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-valuetext={job.message}>
          <div className="verify-bar-fill" style={{ width: `${percent}%` }} />
        </div>
        <span className="muted small">{status === 'cancelling' ? 'Cancelling…' : job.message}</span>
        <button type="button" className="button small" disabled={status === 'cancelling'} onClick={() => void actions.cancelFreeze()}>
          Cancel
        </button>
      </div>
    );
  }
  if (status === 'cancelled') {
    return (
      <p className="muted small" role="status">
        Freeze cancelled.
      </p>
    );
  }
  if (status === 'failed') {
    return (
      <p className="verify-bad small" role="status">
        The graph could not be frozen{job.problem ? `: ${job.problem.message}` : '.'}
      </p>
    );
  }
  const result = job.result;
  if (!result) return null;
  const m = result.manifest;
  return (
    <div className="freeze-result" role="region" aria-label="Freeze result">
      <p className="verify-ok small" role="status">
        Frozen: {formatCount(m.nodes.before)} → {formatCount(m.nodes.after)} nodes, {plural(m.variablesFrozen, 'variable')} frozen, {formatBytes(m.bytes)}
      </p>
      {m.inputs.length > 0 && (
        <>
          <h4 className="small muted">Inputs</h4>
          <ul className="plain-list small" aria-label="Frozen graph inputs">
            {m.inputs.map((i) => (
              <li key={i.name} className="mono">
                {i.name} {i.dtype} {formatShape(i.shape)}
                {i.replaces ? <span className="muted"> replaces {i.replaces}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
      {m.cut.length > 0 && (
        <>
          <h4 className="small muted">Cuts</h4>
          <ul className="plain-list small" aria-label="Input pipeline cuts">
            {m.cut.map((c) => (
              <li key={c.dequeue}>
                <span className="mono">{c.dequeue}</span> ({c.op}) → {c.placeholders.map((p) => p.name).join(', ')}; {plural(c.removed, 'pipeline node')} removed
              </li>
            ))}
          </ul>
        </>
      )}
      {m.warnings.length > 0 && (
        <>
          <h4 className="small muted">Warnings</h4>
          <ul className="warnings small" aria-label="Freeze warnings">
            {m.warnings.map((w, i) => (
              <li key={i}>
                {w.message} <span className="mono muted">{w.code}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <Delivery job={job} />
      <p className="small">
        <button type="button" className="button small" onClick={() => void actions.compareFrozen()}>
          Compare original vs frozen
        </button>
      </p>
    </div>
  );
}

function Delivery({ job }: { job: FreezeJob }) {
  const result = job.result;
  if (!result) return null;
  const client = getClient();
  const name = result.manifest.output ?? 'frozen.pb';
  if (client.transport === 'http') {
    const pb = client.downloadUrl(result.downloadId, 'pb');
    const manifest = client.downloadUrl(result.downloadId, 'manifest');
    return (
      <p className="small freeze-delivery">
        {job.delivery?.status === 'downloaded' ? `Downloading ${name}. ` : ''}
        {pb && (
          <a href={pb} download>
            Download .pb
          </a>
        )}
        {' · '}
        {manifest && (
          <a href={manifest} download>
            Download manifest
          </a>
        )}
      </p>
    );
  }
  const d = job.delivery;
  return (
    <p className="small freeze-delivery">
      {d?.status === 'saved' && d.path ? (
        <>
          Saved to <span className="mono break">{d.path}</span>{' '}
        </>
      ) : null}
      {d?.status === 'not-saved' ? 'Not saved. ' : null}
      <button type="button" className="button small" disabled={d?.status === 'saving'} onClick={() => void actions.deliverFrozen()}>
        Save…
      </button>
    </p>
  );
}
