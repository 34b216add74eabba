import { useEffect, type DragEvent } from 'react';
import type { MenuCommand } from '../../../shared/ipc/contract.js';
import { Banners } from '../components/Banners.js';
import { CheckpointList } from '../components/CheckpointList.js';
import { COMPARE_FILTER_ID } from '../components/CompareNodeList.js';
import { CompareView } from '../components/CompareView.js';
import { GraphCanvas } from '../components/GraphCanvas.js';
import { GRAPH_SEARCH_ID, GraphOutline } from '../components/GraphOutline.js';
import { GRAPH_CANVAS_SEARCH_ID } from '../components/GraphSearch.js';
import { warmLayoutWorker } from '../components/useViewLayout.js';
import { PropertiesPanel } from '../components/PropertiesPanel.js';
import { ShortcutsDialog } from '../components/ShortcutsDialog.js';
import { Splitter } from '../components/Splitter.js';
import { StatusBar } from '../components/StatusBar.js';
import { PATH_FIELD_ID, TopBar } from '../components/TopBar.js';
import { VARIABLE_FILTER_ID, VariablesTable } from '../components/VariablesTable.js';
import { baseName } from '../components/format.js';
import { actions, store, useFrost } from '../state/index.js';
import { shortcutFor, type Shortcut } from './shortcuts.js';

function focusField(id: string): void {
  const el = document.getElementById(id);
  if (el instanceof HTMLInputElement && !el.disabled) {
    el.focus();
    el.select();
  }
}

function isTextField(t: EventTarget | null): boolean {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || (t instanceof HTMLElement && t.isContentEditable);
}

/** Ctrl+F: the drawn view's search on the Graph tab, the change list's filter on the Compare tab, the outline's otherwise, the variables filter without a graph. */
function findFieldId(): string {
  const { graph, centreTab } = store.getState();
  if (!graph) return VARIABLE_FILTER_ID;
  if (centreTab === 'compare') return COMPARE_FILTER_ID;
  return centreTab === 'graph' ? GRAPH_CANVAS_SEARCH_ID : GRAPH_SEARCH_ID;
}

/** One place for keyboard shortcuts and Electron menu commands. */
function run(command: Shortcut | MenuCommand): void {
  switch (command) {
    case 'focus-path':
      return focusField(PATH_FIELD_ID);
    case 'find':
    case 'focus-search':
      return focusField(findFieldId());
    case 'clear-selection':
      return actions.clearSelection();
    case 'toggle-theme':
      return actions.cycleTheme();
    case 'toggle-left-panel':
      return actions.togglePanel('left');
    case 'toggle-right-panel':
      return actions.togglePanel('right');
    case 'shortcuts':
      return actions.setShortcutsOpen(true);
    case 'zoom-in':
    case 'zoom-out':
    case 'fit':
      return actions.requestGraphCommand(command);
    default:
      return undefined;
  }
}

function onDragOver(e: DragEvent) {
  if (e.dataTransfer.types.includes('Files')) e.preventDefault();
}

function onDrop(e: DragEvent) {
  const file = e.dataTransfer.files[0];
  if (!file) return;
  e.preventDefault();
  void actions.openDropped(file);
}

const TABS = [
  { id: 'outline', label: 'Outline' },
  { id: 'graph', label: 'Graph' },
  { id: 'compare', label: 'Compare' },
] as const;

/** The centre panel: the name-scope outline, the drawn graph or (while one is open) the comparison, as tabs. */
function CentreTabs() {
  const tab = useFrost((s) => s.centreTab);
  const comparing = useFrost((s) => s.compare !== null);
  const tabs = comparing ? TABS : TABS.filter((t) => t.id !== 'compare');
  return (
    <>
      <div className="centre-tabs" role="tablist" aria-label="Graph views">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`centre-tab-${t.id}`}
            className="centre-tab"
            aria-selected={tab === t.id}
            aria-controls="centre-tabpanel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => actions.setCentreTab(t.id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              e.preventDefault();
              const step = e.key === 'ArrowLeft' ? tabs.length - 1 : 1;
              const next = tabs[(tabs.findIndex((x) => x.id === t.id) + step) % tabs.length]!;
              actions.setCentreTab(next.id);
              document.getElementById(`centre-tab-${next.id}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="centre-tabpanel" role="tabpanel" id="centre-tabpanel" aria-labelledby={`centre-tab-${tab}`}>
        {tab === 'graph' ? <GraphCanvas /> : tab === 'compare' ? <CompareView /> : <GraphOutline />}
      </div>
    </>
  );
}

/** The window: top bar, banners, the three panels and the status line. */
export function App() {
  const phase = useFrost((s) => s.phase);
  const theme = useFrost((s) => s.theme);
  const leftWidth = useFrost((s) => s.leftWidth);
  const rightWidth = useFrost((s) => s.rightWidth);
  const leftOpen = useFrost((s) => s.leftOpen);
  const rightOpen = useFrost((s) => s.rightOpen);
  const hasSource = useFrost((s) => s.report !== null);
  const path = useFrost((s) => s.path);

  useEffect(() => {
    const stop = actions.listenToApp(run);
    // Subscribed from the start, so the progress stream is open before a job begins.
    const stopProgress = actions.listenToProgress();
    void actions.startApp();
    // The graph view's layout worker starts now, so it is ready when a graph arrives.
    warmLayoutWorker();
    return () => {
      stop();
      stopProgress();
    };
  }, []);

  // Explicit state marker for tests (style anchors item 14): await it instead of sleeping.
  useEffect(() => {
    document.body.dataset.state = phase;
  }, [phase]);

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    document.title = path ? `${baseName(path)} — Frost` : 'Frost';
  }, [path]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      const s = shortcutFor(e, isTextField(e.target));
      if (s === null) return;
      e.preventDefault();
      run(s);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const busy = phase === 'loading';
  const columns = [leftOpen ? `${leftWidth}px 5px` : '', 'minmax(320px, 1fr)', rightOpen ? `5px ${rightWidth}px` : ''].join(' ');
  return (
    <div className="app" onDragOver={onDragOver} onDrop={onDrop}>
      <TopBar />
      <Banners />
      <div className="workspace" style={{ gridTemplateColumns: columns }}>
        {leftOpen && (
          <>
            <nav className="panel left" aria-label="Source" aria-busy={busy && !hasSource}>
              {hasSource ? (
                <>
                  <CheckpointList />
                  <VariablesTable />
                </>
              ) : (
                <p className="muted panel-note">Checkpoint steps and variables of the open source appear here.</p>
              )}
            </nav>
            <Splitter side="left" width={leftWidth} label="Resize the source panel" />
          </>
        )}
        <main className="panel centre" aria-label="Graph" aria-busy={busy}>
          <CentreTabs />
        </main>
        {rightOpen && (
          <>
            <Splitter side="right" width={rightWidth} label="Resize the properties panel" />
            <aside className="panel right" aria-label="Properties">
              <PropertiesPanel />
            </aside>
          </>
        )}
      </div>
      <StatusBar />
      <ShortcutsDialog />
    </div>
  );
}
