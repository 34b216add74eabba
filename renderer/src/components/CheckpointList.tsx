import { actions, useFrost } from '../state/index.js';
import { baseName, formatCount } from './format.js';

/** The checkpoint steps of the open source; a present step re-opens the source at that step. */
export function CheckpointList() {
  const report = useFrost((s) => s.report);
  const loading = useFrost((s) => s.phase === 'loading');
  if (!report || report.checkpoints.length === 0) return null;
  const steps = [...report.checkpoints].reverse();
  return (
    <section className="panel-section checkpoints" aria-labelledby="checkpoints-heading">
      <h2 id="checkpoints-heading" className="section-title">
        Checkpoints <span className="count">{report.checkpoints.length}</span>
      </h2>
      <ul className="step-list">
        {steps.map((c) => {
          const current = c.prefix === report.prefix;
          const label = c.step === undefined ? baseName(c.prefix) : `step ${formatCount(c.step)}`;
          return (
            <li key={c.prefix}>
              <button
                type="button"
                className="step"
                aria-current={current ? 'true' : undefined}
                disabled={!c.present || loading}
                title={c.present ? c.prefix : `${c.prefix}: the files of this step are missing`}
                onClick={() => (c.step === undefined ? void actions.openSource(c.prefix) : void actions.openStep(c.step))}
              >
                <span className="step-dot" aria-hidden="true" />
                <span className="step-label mono">{label}</span>
                <span className="step-file mono">{baseName(c.prefix)}</span>
                {c.latest && <span className="tag">latest</span>}
                {!c.present && <span className="tag warn">files missing</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
