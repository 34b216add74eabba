import type { ProgressEvent, Res, Result } from '../../../../shared/ipc/contract.js';
import { ALL_KINDS } from '../../graph/diff-index.js';
import type { NodeDiffKind } from '../../../../shared/model/diff.js';
import type { CompareFilter, CompareJob, CompareSlice, CompareTarget, CompareView } from '../types.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';
import type { SelectionActions } from './selection.js';
import { randomJobId } from './jobs.js';

export const compareFilterInitial = (): CompareFilter => ({ kinds: [...ALL_KINDS], text: '', scope: null });
export const compareInitial = (): CompareSlice => ({ compare: null, compareView: 'nodes', compareFilter: compareFilterInitial(), compareSelection: null });

export type CompareActions = ReturnType<typeof createCompareActions>;

const isRunning = (job: CompareJob | null): job is CompareJob => job !== null && (job.status === 'opening' || job.status === 'running' || job.status === 'cancelling');

/** The step of the open checkpoint (the one its report's prefix names), if it has one. */
function openStep(s: ReturnType<ActionContext['get']>): number | undefined {
  return s.report?.checkpoints.find((c) => c.prefix === s.report?.prefix)?.step;
}

const withStep = (label: string, step: number | undefined): string => (step === undefined ? label : `${label} (step ${step})`);

/**
 * Compare (issue #7): the open source is A; B is another path, another step of the open
 * folder, or the frozen graph of the last freeze. B is opened as a source of its own, then
 * `diff:run` compares the two as a long job (progress events, `job:cancel`). B stays open while
 * the comparison is shown (its graph feeds the B pane) and is closed with it, or when another
 * source replaces A.
 */
export function createCompareActions(ctx: ActionContext, app: () => AppActions, selection: () => SelectionActions, newJobId: () => string = randomJobId) {
  const current = (jobId: string): CompareJob | null => {
    const job = ctx.get().compare;
    return job?.jobId === jobId ? job : null;
  };
  const update = (jobId: string, patch: Partial<CompareJob>): CompareJob | null => {
    const job = current(jobId);
    if (!job) return null;
    const next = { ...job, ...patch };
    ctx.set({ compare: next });
    return next;
  };
  const closeSource = (sourceId: string | null): void => {
    if (sourceId !== null) void ctx.client.call('source:close', { sourceId });
  };

  /** Opens B and compares the open source with it; resolves when the comparison has ended. */
  async function startCompare(target: CompareTarget): Promise<void> {
    const s = ctx.get();
    if (s.sourceId === null || s.path === null) return;
    if (target.kind === 'path' && target.path.trim() === '') return;
    stopComparison();
    const jobId = newJobId();
    const aSourceId = s.sourceId;
    const aLabel = withStep(s.report?.path ?? s.path, openStep(s));
    ctx.set({
      compare: { jobId, target, aSourceId, aLabel, bLabel: null, bSourceId: null, bReport: null, bGraph: null, status: 'opening', done: 0, total: 0, message: 'Opening B…' },
      compareFilter: compareFilterInitial(),
      compareSelection: null,
      compareView: 'nodes',
      centreTab: 'compare',
    });

    let opened: Result<Res<'source:open'>>;
    let what: string;
    if (target.kind === 'frozen') {
      what = 'the frozen graph';
      opened = await ctx.client.call('freeze:open', { downloadId: target.downloadId });
    } else {
      const path = target.kind === 'step' ? s.path : target.path.trim();
      const step = target.kind === 'step' ? target.step : target.step;
      what = withStep(path, step);
      opened = await ctx.client.call('source:open', step === undefined ? { path } : { path, step });
    }
    if (!current(jobId)) {
      // Closed or replaced while B opened: B is nobody's now.
      if (opened.ok) closeSource(opened.value.sourceId);
      return;
    }
    if (!opened.ok) {
      update(jobId, { status: 'failed', problem: opened.error });
      app().reportProblem(`Could not open ${what} to compare`, opened.error);
      return;
    }
    const { sourceId: bSourceId, report: bReport } = opened.value;
    const bStep = bReport.checkpoints.find((c) => c.prefix === bReport.prefix)?.step;
    update(jobId, { bSourceId, bReport, bLabel: withStep(bReport.path, target.kind === 'frozen' ? undefined : bStep), status: 'running', message: 'Comparing…' });

    // B's graph loads beside the diff job (the panes need it, the list does not wait for it).
    const graphLoad = bReport.graph === undefined ? Promise.resolve(null) : ctx.client.call('graph:get', { sourceId: bSourceId });
    const res = await ctx.client.call('diff:run', { a: aSourceId, b: bSourceId, jobId });
    const graph = await graphLoad;
    if (!current(jobId)) return;
    if (graph?.ok) update(jobId, { bGraph: graph.value });
    else if (graph) app().reportProblem(`Could not load the graph of ${bReport.path}`, graph.error);
    if (res.ok) {
      const job = current(jobId)!;
      update(jobId, { status: 'done', done: Math.max(job.total, 1), total: Math.max(job.total, 1), message: '', result: res.value });
      // Two steps of one run have the same graph: the weights are the news.
      if (!res.value.graph?.nodes.length && res.value.checkpoint) ctx.set({ compareView: 'weights' });
    } else if (res.error.code === 'CANCELLED') {
      update(jobId, { status: 'cancelled' });
    } else {
      update(jobId, { status: 'failed', problem: res.error });
      app().reportProblem(`Could not compare with ${bReport.path}`, res.error);
    }
  }

  /** Compares the open checkpoint folder's current step with step `step`. */
  const compareStep = (step: number): Promise<void> => startCompare({ kind: 'step', step });

  /** "Original vs frozen": compares the open source with the frozen graph of the last freeze. */
  async function compareFrozen(): Promise<void> {
    const freeze = ctx.get().freeze;
    if (freeze?.status !== 'done' || !freeze.result) return;
    await startCompare({ kind: 'frozen', downloadId: freeze.result.downloadId });
  }

  /** Asks the core to stop the running diff (B stays open until the comparison is closed). */
  async function cancelCompare(): Promise<void> {
    const job = ctx.get().compare;
    if (job?.status !== 'running') return;
    ctx.set({ compare: { ...job, status: 'cancelling' } });
    const res = await ctx.client.call('job:cancel', { jobId: job.jobId });
    if (!res.ok) app().reportProblem('Could not cancel the comparison', res.error);
  }

  /** Forgets the comparison: a running diff is cancelled and B's source closed. */
  function stopComparison(): void {
    const job = ctx.get().compare;
    if (!job) return;
    if (job.status === 'running') void ctx.client.call('job:cancel', { jobId: job.jobId });
    closeSource(job.bSourceId);
    ctx.set(compareInitial());
  }

  /** Closes the comparison and goes back to the drawn graph. */
  function closeCompare(): void {
    stopComparison();
    if (ctx.get().centreTab === 'compare') ctx.set({ centreTab: 'graph' });
  }

  /** Another source replaced A: the comparison of the old one ends (called by the store). */
  function sourceChanged(sourceId: string | null): void {
    const job = ctx.get().compare;
    if (job && job.aSourceId !== sourceId) closeCompare();
  }

  function applyCompareProgress(e: ProgressEvent): void {
    const job = ctx.get().compare;
    if (!isRunning(job) || e.jobId !== job.jobId) return;
    ctx.set({ compare: { ...job, done: e.done, total: e.total, message: e.message } });
  }

  /** Shows or hides one kind in the list (a chip of the header). */
  function toggleCompareKind(kind: NodeDiffKind): void {
    const f = ctx.get().compareFilter;
    const kinds = f.kinds.includes(kind) ? f.kinds.filter((k) => k !== kind) : ALL_KINDS.filter((k) => k === kind || f.kinds.includes(k));
    ctx.set({ compareFilter: { ...f, kinds } });
  }

  const setCompareView = (compareView: CompareView): void => ctx.set({ compareView });
  const setCompareText = (text: string): void => ctx.set({ compareFilter: { ...ctx.get().compareFilter, text } });
  const setCompareScope = (scope: string | null): void => ctx.set({ compareFilter: { ...ctx.get().compareFilter, scope } });
  const resetCompareFilter = (): void => ctx.set({ compareFilter: compareFilterInitial() });

  /**
   * Picks a diff entry: its A node becomes the selected node (properties, tensor), or, for a
   * node only B has, the entry alone is remembered (the properties panel shows B's node).
   */
  function selectDiffEntry(entry: { a?: string | undefined; b?: string | undefined }): void {
    const a = entry.a ?? null;
    const b = entry.b ?? null;
    if (a !== null) selection().selectNode(a);
    else selection().clearSelection();
    ctx.set({ compareSelection: { a, b } });
  }

  return {
    startCompare,
    compareStep,
    compareFrozen,
    cancelCompare,
    closeCompare,
    sourceChanged,
    applyCompareProgress,
    toggleCompareKind,
    setCompareView,
    setCompareText,
    setCompareScope,
    resetCompareFilter,
    selectDiffEntry,
  };
}
