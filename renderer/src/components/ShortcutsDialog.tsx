import { useEffect, useRef } from 'react';
import { SHORTCUT_HELP } from '../app/shortcuts.js';
import { actions, useFrost } from '../state/index.js';

/** The keyboard shortcuts, in a modal dialog (Ctrl+/ or Help → Keyboard Shortcuts). */
export function ShortcutsDialog() {
  const open = useFrost((s) => s.shortcutsOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="shortcuts-title" onClose={() => actions.setShortcutsOpen(false)}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl className="shortcut-list">
        {SHORTCUT_HELP.map((s) => (
          <div key={s.keys} className="shortcut-row">
            <dt>
              {s.keys.split(' ').map((k) => (
                <kbd key={k} className="kbd">
                  {k}
                </kbd>
              ))}
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="button" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
