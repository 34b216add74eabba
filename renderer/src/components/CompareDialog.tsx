import { useEffect, useRef, useState, type FormEvent } from 'react';
import { actions, useFrost } from '../state/index.js';
import { formatCount } from './format.js';

const PATH_ID = 'frost-compare-path';

/**
 * "Compare…" in the top bar: a small modal dialog that picks B — a path, or, when the open
 * source is a checkpoint folder with several steps, another step of the same run.
 */
export function CompareButton() {
  const sourceId = useFrost((s) => s.sourceId);
  const loading = useFrost((s) => s.phase === 'loading');
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" disabled={sourceId === null || loading} onClick={() => setOpen(true)} title="Compare the open source with another one">
        Compare…
      </button>
      {open && <CompareDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function CompareDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const report = useFrost((s) => s.report);
  const mode = useFrost((s) => s.appInfo?.mode);
  const current = report?.checkpoints.find((c) => c.prefix === report.prefix);
  const otherSteps = (report?.checkpoints ?? []).filter((c) => c.present && c.step !== undefined && c.prefix !== report?.prefix);
  const [choice, setChoice] = useState<'path' | 'step'>(otherSteps.length > 0 ? 'step' : 'path');
  const [path, setPath] = useState('');
  const [step, setStep] = useState<number | undefined>(otherSteps.at(-1)?.step);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (choice === 'step' && step !== undefined) void actions.compareStep(step);
    else if (choice === 'path' && path.trim() !== '') void actions.startCompare({ kind: 'path', path });
    else return;
    ref.current?.close();
  }

  const canSubmit = choice === 'step' ? step !== undefined : path.trim() !== '';
  return (
    <dialog ref={ref} className="dialog compare-dialog" aria-labelledby="compare-title" onClose={onClose}>
      <form onSubmit={submit} className="compare-form">
        <h2 id="compare-title">Compare with…</h2>
        <p className="muted small">
          A is the open source{current?.step !== undefined ? ` at step ${formatCount(current.step)}` : ''}. Choose B:
        </p>
        {otherSteps.length > 0 && (
          <label className="compare-choice">
            <input type="radio" name="compare-choice" checked={choice === 'step'} onChange={() => setChoice('step')} />
            <span>Another step of this run</span>
            <select aria-label="Step to compare with" value={step ?? ''} disabled={choice !== 'step'} onChange={(e) => setStep(Number(e.target.value))}>
              {otherSteps.map((c) => (
                <option key={c.prefix} value={c.step}>
                  step {formatCount(c.step!)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="compare-choice">
          {otherSteps.length > 0 && <input type="radio" name="compare-choice" checked={choice === 'path'} onChange={() => setChoice('path')} />}
          <span>Another source</span>
        </label>
        <input
          id={PATH_ID}
          className="path-field mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          aria-label={`Path to compare with${mode === 'serve' ? ' (on the server)' : ''}`}
          placeholder="Checkpoint folder, .meta, .pb, .pbtxt or SavedModel"
          value={path}
          autoFocus={otherSteps.length === 0}
          onFocus={() => setChoice('path')}
          onChange={(e) => {
            setPath(e.target.value);
            setChoice('path');
          }}
        />
        <div className="compare-dialog-actions">
          <button type="button" className="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!canSubmit}>
            Compare
          </button>
        </div>
      </form>
    </dialog>
  );
}
