/**
 * Verify (issue #6): runs the original graph (variables from the checkpoint, dequeues fed)
 * and the frozen graph on the same inputs with tfjs, in a worker thread so the app stays
 * responsive and a Cancel can stop it at once (the worker is terminated), and reports the
 * largest absolute difference per output.
 */
import { Worker } from 'node:worker_threads';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import type { VerifyFreezeResult, VerifyOptions } from '../../../shared/model/verify-freeze.js';
import { FrostError } from '../errors.js';
import type { Source } from '../source/open-source.js';
import { prepareVerify, type GraphTask } from './prepare.js';
import type { GraphRunRequest, RunGraphsRequest, RunGraphsResponse } from './run-graphs.js';
import { workerEntry } from './unpacked-path.js';

export interface VerifyRunOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number, message: string): void;
  /** Run tfjs on this thread instead of a worker (tests from TypeScript sources, where no compiled worker exists). */
  inline?: boolean;
}

/** Old-generation heap of the worker: the weights live in the wasm heap, the JS side holds copies while loading. */
const WORKER_HEAP_MB = 2048;
const STEPS = 5;

function wire(t: GraphTask): GraphRunRequest {
  return { artifacts: t.model.artifacts, feeds: t.feeds, fedNodes: t.fedNodes, problems: t.problems };
}

function cancelled(): FrostError {
  return new FrostError('CANCELLED', 'Verify was cancelled.');
}

/** The compiled worker beside this module, when there is one. */
const workerFile = (): URL | undefined => workerEntry(new URL('./verify-worker.js', import.meta.url));

function inWorker(file: URL, req: RunGraphsRequest, signal: AbortSignal | undefined, onStep: (m: string) => void): Promise<RunGraphsResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    // No inherited node flags: some (e.g. --input-type from `node -e`) stop a worker starting.
    const worker = new Worker(file, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => finish(() => reject(cancelled()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { step?: string; ok?: boolean; value?: RunGraphsResponse; message?: string }) => {
      if (m.step !== undefined) onStep(m.step);
      else if (m.ok) finish(() => resolve(m.value as RunGraphsResponse));
      else finish(() => reject(new FrostError('INVALID_GRAPH', `Verify failed: ${m.message ?? 'unknown error'}.`)));
    });
    worker.on('error', (e) => finish(() => reject(new FrostError('INVALID_GRAPH', `Verify failed: ${e.message}.`, { cause: e }))));
    worker.on('exit', (code) => finish(() => reject(new FrostError('INVALID_GRAPH', `Verify stopped unexpectedly (worker exit ${code}); the model may be too large.`))));
    worker.postMessage(req);
  });
}

/** Verifies the freeze described by `manifest`, whose frozen graph is at `pbPath`. */
export async function verifyFreeze(source: Source, manifest: FreezeManifest, pbPath: string, options: VerifyOptions = {}, run: VerifyRunOptions = {}): Promise<VerifyFreezeResult> {
  const started = performance.now();
  let step = 0;
  const progress = (message: string): void => run.onProgress?.(Math.min(++step, STEPS - 1), STEPS, message);
  run.onProgress?.(0, STEPS, 'Preparing both graphs…');
  const task = await prepareVerify(source, manifest, pbPath, options);
  if (run.signal?.aborted) throw cancelled();
  const req: RunGraphsRequest = { frozen: wire(task.frozen), original: wire(task.original), outputs: task.outputs, tolerance: task.tolerance };
  const file = run.inline ? undefined : workerFile();
  let res: RunGraphsResponse;
  if (file) res = await inWorker(file, req, run.signal, progress);
  else {
    const { runGraphs } = await import('./run-graphs.js');
    res = await runGraphs(req, (m) => {
      if (run.signal?.aborted) throw cancelled();
      progress(m);
    });
  }
  if (run.signal?.aborted) throw cancelled();
  run.onProgress?.(STEPS, STEPS, 'Compared');
  const pass = res.frozen.ran && res.original.ran && res.outputs.length > 0 && res.outputs.every((o) => o.pass);
  return {
    backend: res.backend,
    ...(res.backendNote ? { backendNote: res.backendNote } : {}),
    ranIn: file ? 'worker' : 'inline',
    tolerance: task.tolerance,
    seed: task.seed,
    batchSize: task.batchSize,
    inputs: task.inputs,
    outputs: res.outputs,
    frozen: res.frozen,
    original: res.original,
    pass,
    ms: Math.round(performance.now() - started),
  };
}
