import { useState } from 'react';
import type { VerifyFreezeResult } from '../../../shared/model/verify-freeze.js';
import { actions, useFrost } from '../state/index.js';
import { formatShape, plural } from './format.js';

/** A difference as a short number: 0, 3.2e-7, 0.0123. */
function formatDiff(d: number | null): string {
  if (d === null) return '—';
  if (d === 0) return '0';
  return d < 1e-3 ? d.toExponential(1) : String(Number(d.toPrecision(3)));
}

/**
 * Verify after a freeze: runs the original graph (variables from the checkpoint, dequeues fed)
 * and the frozen graph with tfjs on the same random inputs, with progress and Cancel, and shows
 * the largest absolute difference per output against the stated tolerance.
 */
export function VerifyFreeze() {
  const freeze = useFrost((s) => s.freeze);
  const job = useFrost((s) => s.freezeVerify);
  const [batchText, setBatchText] = useState('');
  const parsed = Number(batchText);
  const batch = batchText.trim() !== '' && Number.isSafeInteger(parsed) && parsed >= 1 && parsed <= 4096 ? parsed : undefined;
  if (freeze?.status !== 'done' || !freeze.result) return null;
  const running = job?.status === 'running' || job?.status === 'cancelling';
  const current = job?.downloadId === freeze.result.downloadId ? job : null;
  return (
    <div className="freeze-verify" role="region" aria-label="Verify">
      <div className="freeze-actions">
        <button type="button" className="button small" disabled={running} onClick={() => void actions.runFreezeVerify(batch === undefined ? {} : { batchSize: batch })} title="Run the original and the frozen graph with tfjs on the same random inputs and compare the outputs">
          Verify
        </button>
        <label className="muted small">
          batch{' '}
          <input
            type="number"
            className="freeze-verify-batch small"
            min={1}
            max={4096}
            placeholder="auto"
            aria-label="Verify batch size"
            title="Size of unknown input dimensions; empty: the batch the training graph recorded"
            value={batchText}
            disabled={running}
            onChange={(e) => setBatchText(e.target.value)}
          />
        </label>
      </div>
      {current && (current.status === 'running' || current.status === 'cancelling') && (
        <div className="verify-status" aria-live="polite">
          <div className="verify-bar" role="progressbar" aria-label="Verifying" aria-valuemin={0} aria-valuemax={current.total} aria-valuenow={current.done} aria-valuetext={current.message}>
            <div className="verify-bar-fill" style={{ width: `${current.total > 0 ? Math.min(100, (100 * current.done) / current.total) : 0}%` }} />
          </div>
          <span className="muted small">{current.status === 'cancelling' ? 'Cancelling…' : current.message}</span>
          <button type="button" className="button small" disabled={current.status === 'cancelling'} onClick={() => void actions.cancelFreezeVerify()}>
            Cancel
          </button>
        </div>
      )}
      {current?.status === 'cancelled' && <p className="muted small">Verify cancelled.</p>}
      {current?.status === 'failed' && <p className="verify-bad small">Verify failed{current.problem ? `: ${current.problem.message}` : '.'}</p>}
      {current?.status === 'done' && current.result && <VerifyResultView result={current.result} />}
    </div>
  );
}

function VerifyResultView({ result }: { result: VerifyFreezeResult }) {
  const graphs = [
    ['frozen', result.frozen],
    ['original', result.original],
  ] as const;
  return (
    <div className="freeze-verify-result">
      <p className={`small ${result.pass ? 'verify-ok' : 'verify-bad'}`} aria-label="Verify summary">
        {result.pass
          ? `All ${plural(result.outputs.length, 'output')} match within ${result.tolerance}`
          : `Not verified: ${result.outputs.filter((o) => !o.pass).length} of ${plural(result.outputs.length, 'output')} differ or did not run`}{' '}
        <span className="muted">
          (tfjs {result.backend}, {plural(result.inputs.length, 'random input')}, {result.ms} ms)
        </span>
      </p>
      {result.backendNote && <p className="muted small">{result.backendNote}</p>}
      {graphs.map(([which, g]) =>
        g.ran ? null : (
          <p key={which} className="verify-bad small" aria-label={`The ${which} graph did not run`}>
            The {which} graph did not run: {g.unsupported.length > 0 ? `tfjs lacks ${g.unsupported.join(', ')}` : g.error}
          </p>
        ),
      )}
      <table className="verify-table small" aria-label="Verify results">
        <thead>
          <tr>
            <th scope="col">Output</th>
            <th scope="col">dtype</th>
            <th scope="col">shape</th>
            <th scope="col">max abs diff</th>
            <th scope="col">result</th>
          </tr>
        </thead>
        <tbody>
          {result.outputs.map((o) => (
            <tr key={o.name} data-pass={o.pass}>
              <td className="mono">{o.name}</td>
              <td>{o.dtype ?? '—'}</td>
              <td className="mono">{o.shape ? formatShape(o.shape) : '—'}</td>
              <td className="mono">{formatDiff(o.maxAbsDiff)}</td>
              <td className={o.pass ? 'verify-ok' : 'verify-bad'} title={o.note}>
                {o.pass ? 'pass' : 'fail'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.inputs.length > 0 && (
        <p className="muted small">
          Fed: {result.inputs.map((i) => `${i.name} ${i.dtype}${formatShape(i.shape)}${i.original !== i.name ? ` (original: ${i.original})` : ''}`).join('; ')}
        </p>
      )}
    </div>
  );
}
