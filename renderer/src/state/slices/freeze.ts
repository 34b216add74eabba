import type { ProgressEvent } from '../../../../shared/ipc/contract.js';
import type { FreezeJob, FreezeSlice } from '../types.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';
import { randomJobId } from './jobs.js';

export const freezeInitial = (): FreezeSlice => ({ freezeOutputs: [], freezeSuggestions: null, freeze: null });

export type FreezeActions = ReturnType<typeof createFreezeActions>;

const isRunning = (job: FreezeJob | null): job is FreezeJob => job !== null && (job.status === 'running' || job.status === 'cancelling');

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
    ctx.set({ freeze: { jobId, sourceId, outputs, status: 'running', done: 0, total: 0, message: 'Starting…' } });
    const res = await ctx.client.call('freeze:run', { sourceId, outputs, jobId });
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

  /** Moves the bar of the running freeze; events of other jobs are ignored. */
  function applyFreezeProgress(e: ProgressEvent): void {
    const job = ctx.get().freeze;
    if (!isRunning(job) || e.jobId !== job.jobId) return;
    if (e.total === job.total && e.done < job.done) return;
    ctx.set({ freeze: { ...job, done: e.done, total: e.total, message: e.message } });
  }

  return { addFreezeOutput, removeFreezeOutput, toggleFreezeOutput, loadFreezeSuggestions, runFreeze, cancelFreeze, deliverFrozen, applyFreezeProgress };
}
