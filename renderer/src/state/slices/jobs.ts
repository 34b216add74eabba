import type { ProgressEvent } from '../../../../shared/ipc/contract.js';
import type { JobsSlice, VerifyJob } from '../types.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';

export const jobsInitial = (): JobsSlice => ({ verify: null });

export type JobsActions = ReturnType<typeof createJobsActions>;

const isRunning = (job: VerifyJob | null): job is VerifyJob => job !== null && (job.status === 'running' || job.status === 'cancelling');

/** A job id nobody else uses: the server keys running jobs (and their cancels) by it. */
export function randomJobId(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Long jobs of the core (style anchors item 7: over the one client). The checksum check runs
 * as `source:verify` with a fresh job id; its progress events move the bar; `job:cancel`
 * stops it, and the verify call then answers CANCELLED.
 */
export function createJobsActions(ctx: ActionContext, app: () => AppActions, newJobId: () => string = randomJobId) {
  /** Checks every tensor's checksum in the open source. Resolves when the job has ended. */
  async function verifyChecksums(): Promise<void> {
    const { sourceId, report, verify, path } = ctx.get();
    if (sourceId === null || isRunning(verify)) return;
    const jobId = newJobId();
    const total = report?.variables.length ?? 0;
    ctx.set({ verify: { jobId, sourceId, status: 'running', done: 0, total, message: 'Starting…' } });
    const res = await ctx.client.call('source:verify', { sourceId, jobId });
    const cur = ctx.get().verify;
    // Another source opened meanwhile (or another check started): this answer is stale.
    if (cur?.jobId !== jobId) return;
    if (res.ok) {
      const n = res.value.tensors;
      ctx.set({ verify: { ...cur, status: 'done', done: n, total: n, message: '', result: res.value } });
    } else if (res.error.code === 'CANCELLED') {
      ctx.set({ verify: { ...cur, status: 'cancelled' } });
    } else {
      ctx.set({ verify: { ...cur, status: 'failed', problem: res.error } });
      app().reportProblem(`Could not verify ${path ?? 'the checksums'}`, res.error);
    }
  }

  /** Asks the core to stop the running check (it stops between two tensors). */
  async function cancelVerify(): Promise<void> {
    const job = ctx.get().verify;
    if (!isRunning(job) || job.status === 'cancelling') return;
    ctx.set({ verify: { ...job, status: 'cancelling' } });
    const res = await ctx.client.call('job:cancel', { jobId: job.jobId });
    if (!res.ok) app().reportProblem('Could not cancel the checksum check', res.error);
  }

  /** Moves the bar of the running job; events of other (or older) jobs are ignored. */
  function applyProgress(e: ProgressEvent): void {
    const job = ctx.get().verify;
    if (!isRunning(job) || e.jobId !== job.jobId || e.done < job.done) return;
    ctx.set({ verify: { ...job, done: e.done, total: e.total, message: e.message } });
  }

  /** Follows the progress events of the client; returns the unsubscribe function. */
  function listenToProgress(): () => void {
    return ctx.client.onProgress(applyProgress);
  }

  return { verifyChecksums, cancelVerify, applyProgress, listenToProgress };
}
