import type { ProgressEvent } from '../../../../shared/ipc/contract.js';
import type { FreezeInputOverride } from '../../../../shared/model/freeze-preview.js';
import type { FreezeJob, FreezeSlice, FreezeVerifyJob } from '../types.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';
import { randomJobId } from './jobs.js';

export const freezeInitial = (): FreezeSlice => ({ freezeOutputs: [], freezeSuggestions: null, freeze: null, freezeInputs: [], freezePreview: null, freezeVerify: null });

export type FreezeActions = ReturnType<typeof createFreezeActions>;

/** Every name scope above the given node names: `a/b/c` → `a`, `a/b`. */
export function scopesOf(names: readonly string[]): Set<string> {
  const scopes = new Set<string>();
  for (const n of names) {
    for (let i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) scopes.add(n.slice(0, i));
  }
  return scopes;
}

const isRunning = <J extends { status: FreezeJob['status'] }>(job: J | null): job is J => job !== null && (job.status === 'running' || job.status === 'cancelling');

/**
 * Click-to-freeze: the outputs chosen in the UI, the ranked suggestions of the core
 * (`freeze:suggest`), and the freeze itself as a long job (`freeze:run`, cancellable with
 * `job:cancel`, progress from its events). A finished freeze is delivered at once: saved through
 * the Save dialog in Electron (`freeze:save`), downloaded by the browser in serve mode.
 */
export function createFreezeActions(ctx: ActionContext, app: () => AppActions, newJobId: () => string = randomJobId) {
  function setOutputs(outputs: readonly string[]): void {
    ctx.set({ freezeOutputs: outputs });
  }

  function addFreezeOutput(name: string): void {
    const n = name.trim();
    const cur = ctx.get().freezeOutputs;
    if (n === '' || cur.includes(n)) return;
    setOutputs([...cur, n]);
  }

  function removeFreezeOutput(name: string): void {
    const cur = ctx.get().freezeOutputs;
    if (cur.includes(name)) setOutputs(cur.filter((o) => o !== name));
  }

  /** "Use as output": adds the node, or removes it when it is already chosen. */
  function toggleFreezeOutput(name: string): void {
    if (ctx.get().freezeOutputs.includes(name)) removeFreezeOutput(name);
    else addFreezeOutput(name);
  }

  /** Loads the ranked outputs of the open source, once per source (again after a failure). */
  async function loadFreezeSuggestions(): Promise<void> {
    const { sourceId, report, freezeSuggestions } = ctx.get();
    if (sourceId === null || report?.graph === undefined) return;
    if (freezeSuggestions?.sourceId === sourceId && freezeSuggestions.status !== 'error') return;
    ctx.set({ freezeSuggestions: { sourceId, status: 'loading', outputs: [], inputs: [] } });
    const res = await ctx.client.call('freeze:suggest', { sourceId });
    if (ctx.get().freezeSuggestions?.sourceId !== sourceId) return;
    if (res.ok) ctx.set({ freezeSuggestions: { sourceId, status: 'ready', outputs: res.value.outputs, inputs: res.value.inputs } });
    else ctx.set({ freezeSuggestions: { sourceId, status: 'error', outputs: [], inputs: [], problem: res.error } });
  }

  /** Freezes the open source to the chosen outputs; resolves when the job (and its delivery) has ended. */
  async function runFreeze(): Promise<void> {
    const { sourceId, freezeOutputs, freeze, path } = ctx.get();
    if (sourceId === null || freezeOutputs.length === 0 || isRunning(freeze)) return;
    const jobId = newJobId();
    const outputs = [...freezeOutputs];
    const inputs = [...ctx.get().freezeInputs];
    ctx.set({ freeze: { jobId, sourceId, outputs, status: 'running', done: 0, total: 0, message: 'Starting…' }, freezeVerify: null });
    const res = await ctx.client.call('freeze:run', { sourceId, outputs, jobId, ...(inputs.length > 0 ? { inputs } : {}) });
    const cur = ctx.get().freeze;
    // Another source opened meanwhile (or another freeze started): this answer is stale.
    if (cur?.jobId !== jobId) return;
    if (res.ok) {
      const total = Math.max(cur.total, res.value.manifest.bytes);
      ctx.set({ freeze: { ...cur, status: 'done', done: total, total, message: '', result: res.value } });
      await deliverFrozen();
    } else if (res.error.code === 'CANCELLED') {
      ctx.set({ freeze: { ...cur, status: 'cancelled' } });
    } else {
      ctx.set({ freeze: { ...cur, status: 'failed', problem: res.error } });
      app().reportProblem(`Could not freeze ${path ?? 'the graph'}`, res.error);
    }
  }

  /** Asks the core to stop the running freeze. */
  async function cancelFreeze(): Promise<void> {
    const job = ctx.get().freeze;
    if (!isRunning(job) || job.status === 'cancelling') return;
    ctx.set({ freeze: { ...job, status: 'cancelling' } });
    const res = await ctx.client.call('job:cancel', { jobId: job.jobId });
    if (!res.ok) app().reportProblem('Could not cancel the freeze', res.error);
  }

  /** Hands the finished freeze to the user: Save dialog (Electron) or two browser downloads. */
  async function deliverFrozen(): Promise<void> {
    const job = ctx.get().freeze;
    if (job?.status !== 'done' || !job.result || job.delivery?.status === 'saving') return;
    const { downloadId } = job.result;
    const update = (delivery: FreezeJob['delivery']): void => {
      const cur = ctx.get().freeze;
      if (cur?.jobId === job.jobId) ctx.set({ freeze: { ...cur, ...(delivery ? { delivery } : {}) } });
    };
    if (ctx.client.transport !== 'electron') {
      update({ status: ctx.client.downloadFrozen(downloadId) ? 'downloaded' : 'failed' });
      return;
    }
    update({ status: 'saving' });
    const res = await ctx.client.call('freeze:save', { downloadId });
    if (!res.ok) {
      update({ status: 'failed' });
      app().reportProblem('Could not save the frozen graph', res.error);
    } else if (res.value.saved) {
      update({ status: 'saved', ...(res.value.path === undefined ? {} : { path: res.value.path }) });
    } else {
      update({ status: 'not-saved' });
    }
  }

  /** The key of a preview: the outputs and the placeholder edits it depends on. */
  function previewKey(): string {
    const { sourceId, freezeOutputs, freezeInputs } = ctx.get();
    return JSON.stringify([sourceId, freezeOutputs, freezeInputs]);
  }

  /**
   * Recomputes the live preview for the chosen outputs (the panel calls it debounced). With no
   * output there is nothing to preview; an answer for outputs since changed is dropped.
   */
  async function loadFreezePreview(): Promise<void> {
    const { sourceId, freezeOutputs, freezeInputs, freezePreview } = ctx.get();
    if (sourceId === null || freezeOutputs.length === 0) {
      if (freezePreview !== null) ctx.set({ freezePreview: null });
      return;
    }
    const key = previewKey();
    if (freezePreview?.key === key && freezePreview.status !== 'error') return;
    // While it loads, the last preview stays on screen (no flicker of the dimmed graph).
    const last = freezePreview?.status === 'ready' ? { value: freezePreview.value, kept: freezePreview.kept, keptScopes: freezePreview.keptScopes } : {};
    ctx.set({ freezePreview: { key, status: 'loading', ...last } });
    const res = await ctx.client.call('freeze:preview', { sourceId, outputs: [...freezeOutputs], ...(freezeInputs.length > 0 ? { inputs: [...freezeInputs] } : {}) });
    if (previewKey() !== key) return;
    if (res.ok) ctx.set({ freezePreview: { key, status: 'ready', value: res.value, kept: new Set(res.value.kept), keptScopes: scopesOf(res.value.kept) } });
    else ctx.set({ freezePreview: { key, status: 'error', problem: res.error } });
  }

  /** Sets the dtype / shape of one placeholder for the next preview and freeze (replacing an earlier edit of it). */
  function setFreezeInput(edit: FreezeInputOverride): void {
    const rest = ctx.get().freezeInputs.filter((i) => i.tensor !== edit.tensor);
    ctx.set({ freezeInputs: [...rest, edit] });
  }

  /**
   * Runs Verify on the last finished freeze; resolves when the job has ended. Without a batch
   * size the core uses the batch the training graph recorded (else 2).
   */
  async function runFreezeVerify(options: { batchSize?: number } = {}): Promise<void> {
    const { freeze, freezeVerify } = ctx.get();
    if (freeze?.status !== 'done' || !freeze.result || isRunning(freezeVerify)) return;
    const jobId = newJobId();
    const { downloadId } = freeze.result;
    ctx.set({ freezeVerify: { jobId, downloadId, status: 'running', done: 0, total: 0, message: 'Starting…' } });
    const res = await ctx.client.call('freeze:verify', { sourceId: freeze.sourceId, downloadId, jobId, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) });
    const cur = ctx.get().freezeVerify;
    if (cur?.jobId !== jobId) return;
    if (res.ok) ctx.set({ freezeVerify: { ...cur, status: 'done', done: cur.total, message: '', result: res.value } });
    else if (res.error.code === 'CANCELLED') ctx.set({ freezeVerify: { ...cur, status: 'cancelled' } });
    else {
      ctx.set({ freezeVerify: { ...cur, status: 'failed', problem: res.error } });
      app().reportProblem('Could not verify the frozen graph', res.error);
    }
  }

  async function cancelFreezeVerify(): Promise<void> {
    const job = ctx.get().freezeVerify;
    if (!isRunning(job) || job.status === 'cancelling') return;
    ctx.set({ freezeVerify: { ...job, status: 'cancelling' } });
    const res = await ctx.client.call('job:cancel', { jobId: job.jobId });
    if (!res.ok) app().reportProblem('Could not cancel Verify', res.error);
  }

  function applyVerifyProgress(e: ProgressEvent): void {
    const job: FreezeVerifyJob | null = ctx.get().freezeVerify;
    if (!isRunning(job) || e.jobId !== job.jobId) return;
    ctx.set({ freezeVerify: { ...job, done: e.done, total: e.total, message: e.message } });
  }

  /** Moves the bar of the running freeze (or Verify); events of other jobs are ignored. */
  function applyFreezeProgress(e: ProgressEvent): void {
    applyVerifyProgress(e);
    const job = ctx.get().freeze;
    if (!isRunning(job) || e.jobId !== job.jobId) return;
    if (e.total === job.total && e.done < job.done) return;
    ctx.set({ freeze: { ...job, done: e.done, total: e.total, message: e.message } });
  }

  return {
    addFreezeOutput,
    removeFreezeOutput,
    toggleFreezeOutput,
    loadFreezeSuggestions,
    runFreeze,
    cancelFreeze,
    deliverFrozen,
    applyFreezeProgress,
    loadFreezePreview,
    setFreezeInput,
    runFreezeVerify,
    cancelFreezeVerify,
  };
}
