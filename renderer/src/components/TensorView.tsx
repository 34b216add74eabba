import type { TensorView as TensorViewState } from '../state/index.js';
import { actions, useFrost } from '../state/index.js';
import { Histogram } from './Histogram.js';
import { formatBytes, formatCount, formatNumber, formatShape } from './format.js';

/** A tensor's value: statistics, histogram and the numpy-style preview. */
export function TensorView({ tensor }: { tensor: TensorViewState | null }) {
  if (!tensor) return null;
  if (tensor.status === 'loading') {
    return (
      <section className="tensor" aria-busy="true" aria-label="Tensor value">
        <p className="muted">
          <span className="spinner" aria-hidden="true" /> Reading {tensor.name}…
        </p>
      </section>
    );
  }
  if (tensor.status === 'error' || !tensor.summary) {
    return (
      <section className="tensor" aria-label="Tensor value">
        <p className="muted">Could not read this tensor: {tensor.problem?.message ?? 'unknown error'}</p>
      </section>
    );
  }
  const t = tensor.summary;
  const s = t.stats;
  return (
    <section className="tensor" aria-labelledby="tensor-heading">
      <h3 id="tensor-heading" className="section-title">
        Value <span className="muted small">{t.origin === 'checkpoint' ? 'from the checkpoint' : 'graph constant'}</span>
      </h3>
      <dl className="stats" aria-label="Tensor statistics">
        <Stat label="dtype" value={t.dtype} />
        <Stat label="shape" value={formatShape(t.shape)} />
        <Stat label="elements" value={formatCount(t.elements)} />
        <Stat label="bytes" value={formatBytes(t.bytes)} />
        {s && (
          <>
            <Stat label="min" value={formatNumber(s.min)} />
            <Stat label="max" value={formatNumber(s.max)} />
            <Stat label="mean" value={formatNumber(s.mean)} />
            <Stat label="std" value={formatNumber(s.std)} />
            <Stat label="zeros" value={`${formatCount(s.zeros)}${s.count > 0 ? ` (${formatNumber((100 * s.zeros) / s.count)}%)` : ''}`} />
            {(s.nan > 0 || s.inf > 0) && <Stat label="nan / inf" value={`${formatCount(s.nan)} / ${formatCount(s.inf)}`} warn />}
          </>
        )}
      </dl>
      {s?.sampled && <p className="muted small">Statistics from a sample of {formatCount(s.count)} values.</p>}
      {t.histogram && t.histogram.counts.length > 0 && <Histogram histogram={t.histogram} />}
      <SaveNpy name={t.name} />
      <h3 className="section-title">Preview</h3>
      <pre className="preview mono" tabIndex={0} aria-label={`Values of ${t.name}`}>
        {t.preview}
      </pre>
    </section>
  );
}

const SAVE_TEXT = { saving: 'Writing the .npy…', downloaded: 'Downloaded.', saved: 'Saved', 'not-saved': 'Not saved.', failed: 'Could not save it.' } as const;

/** "Save as .npy" (bfloat16 / float8 widened to float32, int4 to int8, as `frost tensor --npy`). */
function SaveNpy({ name }: { name: string }) {
  const save = useFrost((s) => (s.tensorSave?.name === name ? s.tensorSave : null));
  return (
    <p className="small">
      <button type="button" className="button" disabled={save?.status === 'saving'} onClick={() => void actions.saveTensorNpy(name)}>
        Save as .npy
      </button>{' '}
      {save && (
        <span className="muted" role="status">
          {SAVE_TEXT[save.status]}
          {save.path ? ` ${save.path}` : ''}
        </span>
      )}
    </p>
  );
}

function Stat({ label, value, warn }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className={`stat${warn ? ' warn' : ''}`}>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </div>
  );
}
