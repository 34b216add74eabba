import type { SourceSlice } from '../types.js';
import { documentDefaults } from '../persist.js';
import { selectionInitial } from './selection.js';
import { jobsInitial } from './jobs.js';
import { freezeInitial } from './freeze.js';
import { graphViewDocumentDefaults } from './graph-view.js';
import { mergeGraphDetails } from '../../graph/graph-index.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';

/** Resolves once the next frame has been painted (a timer where there are no frames: tests). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const raf = globalThis.requestAnimationFrame as ((cb: () => void) => number) | undefined;
    if (raf) raf(() => setTimeout(resolve, 0));
    else setTimeout(resolve, 0);
  });
}

export const sourceInitial = (): SourceSlice => ({ sourceId: null, path: null, report: null, graph: null, graphStatus: 'none', graphDetail: 'full', recent: [] });

export type SourceActions = ReturnType<typeof createSourceActions>;

export function createSourceActions(ctx: ActionContext, app: () => AppActions) {
  // A newer open supersedes an older one still in flight: its reply is dropped (and closed).
  let openSeq = 0;

  async function loadRecent(): Promise<void> {
    const res = await ctx.client.call('recent:list', {});
    if (res.ok) ctx.set({ recent: res.value });
  }

  /**
   * Opens `path` (at checkpoint `step` when given): the report first, then the graph. The
   * previous source stays on screen until the new one has opened; if opening fails it stays
   * and the window shows the error phase with a banner. Resolves to whether it opened.
   */
  async function openSource(pathIn: string, step?: number): Promise<boolean> {
    const path = pathIn.trim();
    if (path === '') return false;
    const seq = ++openSeq;
    ctx.set({ phase: 'loading', busy: step === undefined ? `Opening ${path}…` : `Opening step ${step} of ${path}…` });
    const res = await ctx.client.call('source:open', step === undefined ? { path } : { path, step });
    if (seq !== openSeq) {
      if (res.ok) void ctx.client.call('source:close', { sourceId: res.value.sourceId });
      return false;
    }
    if (!res.ok) {
      app().reportProblem(`Could not open ${path}`, res.error);
      ctx.set({ phase: 'error', busy: null });
      return false;
    }
    const previous = ctx.get().sourceId;
    if (previous !== null) void ctx.client.call('source:close', { sourceId: previous });
    const { sourceId, report } = res.value;
    const hasGraph = report.graph !== undefined;
    ctx.set({
      ...documentDefaults(),
      ...graphViewDocumentDefaults(),
      ...selectionInitial(),
      // A check of the previous source ends with it (closing a source cancels its jobs).
      ...jobsInitial(),
      ...freezeInitial(),
      banners: [],
      sourceId,
      path,
      report,
      graph: null,
      graphStatus: hasGraph ? 'loading' : 'absent',
      graphDetail: 'full',
      busy: hasGraph ? `Loading the graph (${report.graph!.nodeCount.toLocaleString('en')} nodes)…` : null,
      phase: hasGraph ? 'loading' : 'ready',
    });
    void loadRecent();
    if (!hasGraph) return true;

    // The structure first (quick: draw it), then the full IR, merged into the same node
    // objects. The server builds the full IR from the open on; it is asked for once the
    // structure is drawn, so parsing it does not hold up the first drawing on this thread.
    const first = await ctx.client.call('graph:get', { sourceId, detail: 'structure' });
    if (seq !== openSeq) return true;
    // Timing marks for the graph-view speed e2e (e2e/graph-perf.spec.ts) and profiling.
    globalThis.performance?.mark?.('frost:graph-received');
    if (first.ok) {
      ctx.set({ graph: first.value, graphStatus: 'ready', graphDetail: 'structure', busy: null, phase: 'ready' });
      await afterNextPaint();
    }
    const rest = await ctx.client.call('graph:get', { sourceId });
    if (seq !== openSeq) return true;
    if (!rest.ok) {
      app().reportProblem(`Could not load the graph of ${path}`, rest.error);
      if (!first.ok) ctx.set({ graphStatus: 'error', busy: null, phase: 'error' });
      return true;
    }
    if (first.ok && mergeGraphDetails(first.value, rest.value)) ctx.set({ graphDetail: 'full' });
    else ctx.set({ graph: rest.value, graphStatus: 'ready', graphDetail: 'full', busy: null, phase: 'ready' });
    globalThis.performance?.mark?.('frost:graph-details');
    return true;
  }

  /** Re-opens the current source at another checkpoint step. */
  function openStep(step: number): Promise<boolean> {
    const { path } = ctx.get();
    return path === null ? Promise.resolve(false) : openSource(path, step);
  }

  /** Opens a file or folder dropped on the window (Electron knows its path; a browser does not). */
  function openDropped(file: object): Promise<boolean> {
    const path = ctx.client.pathForFile(file);
    if (path === null) {
      app().reportProblem('Cannot open a dropped file here', {
        code: 'DROP_UNSUPPORTED',
        message: 'In the browser Frost cannot see where a dropped file lives on disk. Type or paste its path on the server into the path field instead.',
      });
      return Promise.resolve(false);
    }
    return openSource(path);
  }

  return { loadRecent, openSource, openStep, openDropped };
}
