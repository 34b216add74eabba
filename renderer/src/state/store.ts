/**
 * Creates the state store and binds its actions. The store is zustand's vanilla store, so
 * tests drive the actions and read the state without React (see *.test.ts here).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FrostClient } from '../ipc/client.js';
import { loadPrefs, serializePrefs, STORAGE_KEY, UI_DEFAULTS, type KeyValueStorage } from './persist.js';
import { appInitial, createAppActions, type AppActions } from './slices/app.js';
import type { ActionContext } from './slices/context.js';
import { createGraphViewActions, graphViewInitial, type GraphViewActions } from './slices/graph-view.js';
import { createFreezeActions, freezeInitial, type FreezeActions } from './slices/freeze.js';
import { createJobsActions, jobsInitial, type JobsActions } from './slices/jobs.js';
import { createSelectionActions, selectionInitial, type SelectionActions } from './slices/selection.js';
import { createSourceActions, sourceInitial, type SourceActions } from './slices/source.js';
import { compareInitial, createCompareActions, type CompareActions } from './slices/compare.js';
import { createUiActions, type UiActions } from './slices/ui.js';
import type { FrostState, UiSlice } from './types.js';

export type FrostActions = AppActions & SourceActions & SelectionActions & UiActions & JobsActions & GraphViewActions & FreezeActions & CompareActions;

export interface Frost {
  store: StoreApi<FrostState>;
  actions: FrostActions;
  /** Stops saving preferences (tests). */
  dispose(): void;
}

export interface FrostOptions {
  client: FrostClient;
  /** Where preferences live; null keeps them in memory only. */
  storage: KeyValueStorage | null;
  /** Delay before preferences are written (dragging a splitter changes them often). */
  saveDelayMs?: number;
  /** Makes the id of a new long job (tests pass a predictable one). */
  newJobId?: () => string;
}

export function createFrost({ client, storage, saveDelayMs = 150, newJobId }: FrostOptions): Frost {
  const store = createStore<FrostState>()(() => ({
    ...appInitial(),
    ...sourceInitial(),
    ...selectionInitial(),
    ...jobsInitial(),
    ...graphViewInitial(),
    ...freezeInitial(),
    ...compareInitial(),
    ...UI_DEFAULTS,
    ...loadPrefs(storage),
  }));
  const ctx: ActionContext = { get: store.getState, set: (patch) => store.setState(patch), client };

  // The slices call each other lazily (an open reports problems; start-up opens a source).
  const app: AppActions = createAppActions(ctx, () => source);
  const source: SourceActions = createSourceActions(ctx, () => app);
  const selection: SelectionActions = createSelectionActions(ctx, () => app);
  const ui = createUiActions(ctx);
  const jobs: JobsActions = createJobsActions(ctx, () => app, newJobId);
  const graphView = createGraphViewActions(ctx);
  const freeze: FreezeActions = createFreezeActions(ctx, () => app, newJobId);
  const compare: CompareActions = createCompareActions(ctx, () => app, () => selection, newJobId);
  // A comparison belongs to the source it compared (A): it ends when another source opens.
  const unsubscribeCompare = store.subscribe((s, prev) => {
    if (s.sourceId !== prev.sourceId) compare.sourceChanged(s.sourceId);
  });
  // One progress subscription for every long job (checksums, freeze).
  const listenToProgress = (): (() => void) =>
    client.onProgress((e) => {
      jobs.applyProgress(e);
      freeze.applyFreezeProgress(e);
      compare.applyCompareProgress(e);
    });

  // Persist preferences when they change (debounced).
  let saved = serializePrefs(store.getState() as UiSlice);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = store.subscribe((state) => {
    if (!storage) return;
    const text = serializePrefs(state);
    if (text === saved) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      saved = text;
      try {
        storage.setItem(STORAGE_KEY, text);
      } catch {
        // Storage full or disabled: preferences just do not persist.
      }
    }, saveDelayMs);
  });

  return {
    store,
    actions: { ...app, ...source, ...selection, ...ui, ...jobs, ...graphView, ...freeze, ...compare, listenToProgress },
    dispose() {
      unsubscribe();
      unsubscribeCompare();
      clearTimeout(timer);
    },
  };
}
