/** The window's keyboard shortcuts, as a pure mapping (tested without a DOM). */
export type Shortcut = 'focus-path' | 'focus-search' | 'clear-selection' | 'toggle-left-panel' | 'toggle-right-panel' | 'shortcuts';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Every shortcut as shown to the user (the shortcuts dialog and the welcome screen). */
export const SHORTCUT_HELP: readonly { keys: string; what: string }[] = [
  { keys: 'Ctrl O', what: 'Focus the path field' },
  { keys: 'Ctrl F', what: 'Search nodes' },
  { keys: 'Esc', what: 'Clear the selection' },
  { keys: '↑ ↓ Home End', what: 'Move in the variables table or the graph outline' },
  { keys: '← →', what: 'Collapse or expand a group in the outline' },
  { keys: 'Shift click', what: 'Use a node of the drawn graph as a freeze output (again: remove it)' },
  { keys: 'Ctrl B', what: 'Show or hide the source panel' },
  { keys: 'Ctrl I', what: 'Show or hide the properties panel' },
  { keys: 'Ctrl /', what: 'Keyboard shortcuts' },
];

const WITH_MOD: Record<string, Shortcut> = { o: 'focus-path', f: 'focus-search', b: 'toggle-left-panel', i: 'toggle-right-panel', '/': 'shortcuts' };

/**
 * Ctrl (Cmd on macOS) + O/F/B/I// as listed in SHORTCUT_HELP, and Escape to clear the
 * selection unless a text field is being edited (there Escape belongs to the field).
 */
export function shortcutFor(e: KeyLike, inTextField: boolean): Shortcut | null {
  const mod = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
  if (mod) return WITH_MOD[e.key.toLowerCase()] ?? null;
  if (e.key === 'Escape' && !inTextField && !e.ctrlKey && !e.metaKey && !e.altKey) return 'clear-selection';
  return null;
}
