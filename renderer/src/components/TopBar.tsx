import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { actions, useFrost, type ThemeChoice } from '../state/index.js';
import { Icon, type IconName } from './Icon.js';
import { baseName } from './format.js';
import { CompareButton } from './CompareDialog.js';

export const PATH_FIELD_ID = 'frost-path';

const THEME_LABEL: Record<ThemeChoice, { text: string; icon: IconName; next: string }> = {
  system: { text: 'Auto', icon: 'auto', next: 'light' },
  light: { text: 'Light', icon: 'sun', next: 'dark' },
  dark: { text: 'Dark', icon: 'moon', next: 'follow the system' },
};

/** The app name, the path field that opens sources, the recent list and the theme switch. */
export function TopBar() {
  const path = useFrost((s) => s.path);
  const phase = useFrost((s) => s.phase);
  const info = useFrost((s) => s.appInfo);
  const theme = useFrost((s) => s.theme);
  // The field starts with the open path and follows it when another source opens, unless edited.
  const [draft, setDraft] = useState<{ text: string; forPath: string | null }>({ text: '', forPath: null });
  const text = draft.forPath === path ? draft.text : (path ?? '');
  const loading = phase === 'loading';

  function submit(e: FormEvent) {
    e.preventDefault();
    void actions.openSource(text);
  }

  const t = THEME_LABEL[theme];
  return (
    <header className="topbar" role="banner">
      <div className="brand">
        <span className="brand-mark">
          <Icon name="logo" size={18} />
        </span>
        <span className="brand-name">Frost</span>
      </div>
      <form className="open-form" aria-label="Open a source" onSubmit={submit}>
        <label htmlFor={PATH_FIELD_ID} className="visually-hidden">
          Path to open{info?.mode === 'serve' ? ' (on the server)' : ''}
        </label>
        <Icon name="folder" className="field-icon" />
        <input
          id={PATH_FIELD_ID}
          className="path-field mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="Path to a checkpoint folder, .meta, .pb, .pbtxt or SavedModel — Enter opens"
          value={text}
          onChange={(e) => setDraft({ text: e.target.value, forPath: path })}
          aria-keyshortcuts="Control+O"
        />
        <button type="submit" className="button primary" disabled={loading || text.trim() === ''}>
          Open…
        </button>
        <RecentMenu />
      </form>
      <CompareButton />
      <div className="topbar-end">
        {info && (
          <span className="chip" title={`Frost ${info.version} on ${info.platform}`}>
            {info.mode === 'serve' ? 'browser' : 'desktop'} · v{info.version}
          </span>
        )}
        <button type="button" className="button ghost theme-toggle" onClick={actions.cycleTheme} aria-label={`Theme: ${t.text}. Switch to ${t.next}`} title={`Theme: ${t.text}`}>
          <Icon name={t.icon} />
          <span>{t.text}</span>
        </button>
      </div>
      {loading && <div className="progress-strip" aria-hidden="true" />}
    </header>
  );
}

function RecentMenu() {
  const recent = useFrost((s) => s.recent);
  const menu = useRef<HTMLDivElement>(null);
  const open = (p: string) => {
    menu.current?.hidePopover();
    void actions.openSource(p);
  };
  // Menu keyboard: arrows move between items (Escape closes: native popover behaviour).
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : null;
    if (next === null || items.length === 0) return;
    e.preventDefault();
    items[(next + items.length) % items.length]?.focus();
  }
  function onToggle(e: { newState?: string; currentTarget: HTMLDivElement }) {
    if (e.newState === 'open') e.currentTarget.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }
  return (
    <>
      <button type="button" className="button recent-button" popoverTarget="frost-recent" aria-haspopup="menu" onClick={() => void actions.loadRecent()}>
        <Icon name="clock" />
        <span>Recent</span>
      </button>
      <div id="frost-recent" ref={menu} popover="auto" className="recent-menu" role="menu" aria-label="Recent sources" onKeyDown={onKeyDown} onToggle={onToggle}>
        {recent.length === 0 ? (
          <p className="muted recent-empty">Nothing opened yet.</p>
        ) : (
          recent.map((r) => (
            <button type="button" role="menuitem" key={r.path} className="recent-item" onClick={() => open(r.path)} title={r.path}>
              <span className="recent-name">{baseName(r.path)}</span>
              <span className="recent-path mono">{r.path}</span>
              <time className="recent-time" dateTime={new Date(r.openedAt).toISOString()}>
                {new Date(r.openedAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })}
              </time>
            </button>
          ))
        )}
      </div>
    </>
  );
}
