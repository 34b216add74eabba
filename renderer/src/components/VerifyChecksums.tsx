import { actions, useFrost } from '../state/index.js';
import { formatCount } from './format.js';

/** The "Verify checksums" button of the variables header. */
export function VerifyButton() {
  const verify = useFrost((s) => s.verify);
  const running = verify?.status === 'running' || verify?.status === 'cancelling';
  return (
    <button type="button" className="button small" disabled={running} onClick={() => void actions.verifyChecksums()} title="Check every tensor's stored checksum">
      Verify checksums
    </button>
  );
}

/** While the check runs: a progress bar and Cancel; afterwards: one result line. */
export function VerifyStatus() {
  const verify = useFrost((s) => s.verify);
  if (!verify) return null;
  const { status, done, total } = verify;

  if (status === 'running' || status === 'cancelling') {
    const percent = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    return (
      <div className="verify-status" aria-live="polite">
        <div
          className="verify-bar"
          role="progressbar"
          aria-label="Verifying checksums"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
          aria-valuetext={`Checked ${formatCount(done)} of ${formatCount(total)} tensors`}
        >
          <div className="verify-bar-fill" style={{ width: `${percent}%` }} />
        </div>
        <span className="muted small verify-count">
          {status === 'cancelling' ? 'Cancelling…' : `${formatCount(done)} / ${formatCount(total)}`}
        </span>
        <button type="button" className="button small" disabled={status === 'cancelling'} onClick={() => void actions.cancelVerify()}>
          Cancel
        </button>
      </div>
    );
  }

  if (status === 'cancelled') {
    return (
      <p className="verify-status muted small" role="status">
        Checksum check cancelled after {formatCount(done)} of {formatCount(total)} tensors.
      </p>
    );
  }

  if (status === 'failed') {
    return (
      <p className="verify-status verify-bad small" role="status">
        The checksums could not be checked{verify.problem ? `: ${verify.problem.message}` : '.'}
      </p>
    );
  }

  const result = verify.result;
  if (!result) return null;
  if (result.damaged.length === 0) {
    return (
      <p className="verify-status verify-ok small" role="status">
        {result.tensors === 1 ? 'The 1 tensor matches its checksum' : `All ${formatCount(result.tensors)} tensors match their checksums`}
      </p>
    );
  }
  return (
    <div className="verify-status verify-bad small" role="alert">
      <p>
        {formatCount(result.damaged.length)} of {formatCount(result.tensors)} tensors are damaged:
      </p>
      <ul className="verify-damaged">
        {result.damaged.map((d) => (
          <li key={d.tensor}>
            <code className="mono">
              <bdi>{d.tensor}</bdi>
            </code>
            : {d.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
