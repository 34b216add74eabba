import { useEffect, useState, type KeyboardEvent } from 'react';
import type { FrozenInputJSON } from '../../../shared/model/freeze-manifest.js';
import { actions, useFrost } from '../state/index.js';
import { formatBytes, formatCount, formatShape, parseShapeText, plural } from './format.js';

/** Wait this long after the last change of outputs or placeholders before asking for a preview. */
const PREVIEW_DEBOUNCE_MS = 250;

/** The dtypes a placeholder can be given here (TensorFlow's Python names). */
const DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'int16', 'int8', 'uint8', 'uint16', 'bool', 'string'];

/**
 * The live preview of the chosen outputs: counts, the placeholders Frost will create (dtype and
 * shape editable; edits go to the preview and to Freeze), the cuts and the warnings in plain
 * words. Recomputed (debounced) whenever the outputs or an edit change.
 */
export function FreezePreview({ disabled }: { disabled: boolean }) {
  const sourceId = useFrost((s) => s.sourceId);
  const outputs = useFrost((s) => s.freezeOutputs);
  const inputs = useFrost((s) => s.freezeInputs);
  const preview = useFrost((s) => s.freezePreview);

  useEffect(() => {
    const timer = setTimeout(() => void actions.loadFreezePreview(), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [sourceId, outputs, inputs]);

  if (outputs.length === 0 || !preview) return null;
  const v = preview.value;
  return (
    <div className="freeze-preview" role="region" aria-label="Freeze preview" aria-busy={preview.status === 'loading'}>
      {preview.status === 'error' && <p className="verify-bad small">No preview: {preview.problem?.message}</p>}
      {v && (
        <>
          <p className="small freeze-counts" aria-label="Preview counts">
            Keeps {formatCount(v.nodes.kept)} of {formatCount(v.nodes.before)} nodes ({formatCount(v.nodes.dropped)} dropped) · {plural(v.variablesFrozen, 'variable')} frozen · {formatBytes(v.bytes)}
            {preview.status === 'loading' ? <span className="muted"> · updating…</span> : null}
          </p>
          {v.inputs.length > 0 && (
            <>
              <h4 className="small muted">Inputs</h4>
              <ul className="plain-list small freeze-placeholders" aria-label="Placeholders">
                {v.inputs.map((i) => (
                  <PlaceholderRow key={`${i.name}|${i.dtype}|${formatShape(i.shape)}`} input={i} disabled={disabled} />
                ))}
              </ul>
            </>
          )}
          {v.cut.length > 0 && (
            <ul className="plain-list small muted" aria-label="Planned cuts">
              {v.cut.map((c) => (
                <li key={c.dequeue}>
                  Cut at <span className="mono">{c.dequeue}</span> ({c.op}){c.queue ? <> of <span className="mono">{c.queue}</span></> : null}: component{c.placeholders.length === 1 ? '' : 's'} {c.placeholders.map((p) => p.component).join(', ')} become{c.placeholders.length === 1 ? 's a placeholder' : ' placeholders'}
                </li>
              ))}
            </ul>
          )}
          {v.warnings.length > 0 && (
            <ul className="warnings small" aria-label="Preview warnings">
              {v.warnings.map((w, i) => (
                <li key={i} data-kind={w.kind}>
                  {w.message} <span className="muted">→ {w.action}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** One placeholder: its name, what it replaces, and its dtype and shape, editable (keyed by them, so a new preview resets the text). */
function PlaceholderRow({ input, disabled }: { input: FrozenInputJSON; disabled: boolean }) {
  const tensor = input.replaces ?? input.name;
  const [shapeText, setShapeText] = useState(formatShape(input.shape).replace(/\?/g, '-1'));
  const [bad, setBad] = useState(false);
  const commitShape = (): void => {
    const shape = parseShapeText(shapeText);
    setBad(shape === undefined);
    if (shape === undefined) return;
    if (JSON.stringify(shape) !== JSON.stringify(input.shape)) actions.setFreezeInput({ tensor, dtype: input.dtype, shape });
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') commitShape();
  };
  return (
    <li className="freeze-placeholder">
      <span className="mono">{input.name}</span>
      {input.replaces ? <span className="muted"> replaces {input.replaces}</span> : null}
      <span className="freeze-placeholder-edit">
        <select aria-label={`dtype of ${input.name}`} value={input.dtype} disabled={disabled} onChange={(e) => actions.setFreezeInput({ tensor, dtype: e.target.value, shape: input.shape })}>
          {(DTYPES.includes(input.dtype) ? DTYPES : [input.dtype, ...DTYPES]).map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <input
          type="text"
          className={`mono small${bad ? ' invalid' : ''}`}
          aria-label={`shape of ${input.name}`}
          aria-invalid={bad}
          title="Dimensions like [-1, 64]; -1 is any size, ? an unknown rank. Enter to apply."
          value={shapeText}
          disabled={disabled}
          onChange={(e) => setShapeText(e.target.value)}
          onBlur={commitShape}
          onKeyDown={onKey}
        />
      </span>
    </li>
  );
}
