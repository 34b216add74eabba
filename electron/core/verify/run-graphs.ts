/**
 * The tfjs half of Verify, run in a worker thread (verify-worker.ts) or inline: starts the
 * wasm backend (@tensorflow/tfjs-backend-cpu as the named fallback), loads both graphs from memory,
 * names the ops tfjs lacks instead of failing on the first, runs both graphs on the same feeds
 * and compares every output. tfjs is imported lazily so that merely importing the core does
 * not load it.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as TfCoreModule from '@tensorflow/tfjs-core';
import type * as TfConverterModule from '@tensorflow/tfjs-converter';
import type { io, Tensor } from '@tensorflow/tfjs-core';
import type { VerifyGraphJSON, VerifyOutputJSON } from '../../../shared/model/verify-freeze.js';
import type { TfjsTensorValue } from './tfjs-artifacts.js';
import { unpackedPath } from './unpacked-path.js';

type TfCore = typeof TfCoreModule;

export interface GraphRunRequest {
  artifacts: io.ModelArtifacts;
  feeds: Record<string, TfjsTensorValue>;
  fedNodes: string[];
  problems: string[];
}

export interface RunGraphsRequest {
  frozen: GraphRunRequest;
  original: GraphRunRequest;
  outputs: string[];
  tolerance: number;
}

export interface RunGraphsResponse {
  backend: 'wasm' | 'cpu';
  backendNote?: string;
  frozen: VerifyGraphJSON;
  original: VerifyGraphJSON;
  outputs: VerifyOutputJSON[];
}

interface OutputValue {
  dtype: string;
  shape: number[];
  values: ArrayLike<number> | Uint8Array[];
}

/** The converter's parsed graph: a node whose op tfjs does not know has no category (tfjs-converter 4.22 operation_mapper). */
interface ExecutorPeek {
  executor?: { graph?: { nodes?: Record<string, { op: string; category?: string }> } };
}

let backendReady: Promise<{ backend: 'wasm' | 'cpu'; note?: string }> | undefined;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** wasm first; if it cannot start, the cpu backend, and the reason is reported with the result. */
async function startBackend(tf: TfCore): Promise<{ backend: 'wasm' | 'cpu'; note?: string }> {
  let note: string;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the backend reads its .wasm file from this folder (node_modules/.../dist/).
    const dist = unpackedPath(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')));
    wasm.setWasmPaths(`${dist}${sep}`);
    if (await tf.setBackend('wasm')) return { backend: 'wasm' };
    note = 'the tfjs wasm backend did not initialise';
  } catch (e) {
    note = `the tfjs wasm backend could not start (${message(e)})`;
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error(`${note}, and neither could the cpu backend`);
  return { backend: 'cpu', note: `${note}; the cpu backend ran instead` };
}

function tensorOf(tf: TfCore, v: TfjsTensorValue): Tensor {
  if (v.dtype === 'string') return tf.tensor(v.data as Uint8Array[], v.shape, 'string');
  return tf.tensor(v.data as Float32Array | Int32Array | Uint8Array, v.shape, v.dtype);
}

async function runOne(tf: TfCore, converter: typeof TfConverterModule, req: GraphRunRequest, outputs: string[]): Promise<{ json: VerifyGraphJSON; values?: Map<string, OutputValue> }> {
  if (req.problems.length > 0) return { json: { ran: false, unsupported: [], error: req.problems.join('; ') } };
  let model: Awaited<ReturnType<typeof converter.loadGraphModel>>;
  try {
    model = await converter.loadGraphModel(tf.io.fromMemory(req.artifacts));
  } catch (e) {
    return { json: { ran: false, unsupported: [], error: `tfjs could not load the graph: ${message(e)}` } };
  }
  try {
    const fed = new Set(req.fedNodes);
    const nodes = (model as unknown as ExecutorPeek).executor?.graph?.nodes ?? {};
    const unsupported = [...new Set(Object.entries(nodes).filter(([name, n]) => n.category === undefined && !fed.has(name)).map(([, n]) => n.op))].sort();
    if (unsupported.length > 0) return { json: { ran: false, unsupported, error: `tfjs has no ${unsupported.join(', ')}` } };
    const feeds: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(req.feeds)) feeds[name] = tensorOf(tf, v);
    try {
      let result: Tensor | Tensor[];
      try {
        result = model.execute(feeds, outputs);
      } catch (e) {
        // Control flow and dynamic shapes need the async executor (tfjs says so in its error).
        if (!/executeAsync/.test(message(e))) throw e;
        result = await model.executeAsync(feeds, outputs);
      }
      const list = Array.isArray(result) ? result : [result];
      const values = new Map<string, OutputValue>();
      for (let i = 0; i < outputs.length; i++) {
        const t = list[i] as Tensor;
        const data = t.dtype === 'string' ? ((await t.data()) as unknown as Uint8Array[]) : ((await t.data()) as ArrayLike<number>);
        values.set(outputs[i] as string, { dtype: t.dtype, shape: [...t.shape], values: data });
      }
      tf.dispose(list);
      return { json: { ran: true, unsupported: [] }, values };
    } catch (e) {
      // A kernel the backend lacks is an unsupported op, said by name.
      const kernel = /Kernel '([^']+)' not registered for backend/.exec(message(e));
      if (kernel) return { json: { ran: false, unsupported: [`${kernel[1]} (no ${tf.getBackend()} kernel)`], error: message(e) } };
      // v2 control flow (While / If / PartitionedCall) runs function bodies from the graph's
      // library, which the tfjs artifacts do not carry: tfjs then fails deep inside its
      // executor. Say what it is instead of tfjs's internal TypeError.
      if (/executeFunctionAsync|functionExecutorMap|Cannot find function/i.test(message(e))) {
        return { json: { ran: false, unsupported: ['function bodies of v2 control flow (While/If/PartitionedCall)'], error: 'tfjs cannot run this graph: its While/If/PartitionedCall ops call functions of the graph library, which Verify does not hand to tfjs' } };
      }
      return { json: { ran: false, unsupported: [], error: `tfjs failed to run the graph: ${message(e)}` } };
    } finally {
      tf.dispose(Object.values(feeds));
    }
  } finally {
    model.dispose();
  }
}

/** Largest |a − b|; NaN against NaN counts as equal, NaN against a number as Infinity. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const d = Math.abs(x - y);
    if (Number.isNaN(d)) return Infinity;
    if (d > max) max = d;
  }
  return max;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function compareOutput(name: string, frozen: OutputValue | undefined, original: OutputValue | undefined, tolerance: number): VerifyOutputJSON {
  const shown = frozen ?? original;
  const base: VerifyOutputJSON = {
    name,
    ...(shown ? { dtype: shown.dtype, shape: shown.shape } : {}),
    ranFrozen: frozen !== undefined,
    ranOriginal: original !== undefined,
    maxAbsDiff: null,
    pass: false,
  };
  if (!frozen || !original) return { ...base, note: `the ${!frozen ? 'frozen' : 'original'} graph did not run` };
  if (frozen.dtype !== original.dtype) return { ...base, note: `dtypes differ: ${frozen.dtype} (frozen) vs ${original.dtype} (original)` };
  if (frozen.shape.length !== original.shape.length || frozen.shape.some((d, i) => d !== original.shape[i])) {
    return { ...base, note: `shapes differ: [${frozen.shape.join(', ')}] (frozen) vs [${original.shape.join(', ')}] (original)` };
  }
  if (frozen.dtype === 'string') {
    const a = frozen.values as Uint8Array[];
    const b = original.values as Uint8Array[];
    const equal = a.every((s, i) => sameBytes(s, b[i] as Uint8Array));
    return { ...base, maxAbsDiff: equal ? 0 : null, pass: equal, ...(equal ? {} : { note: 'strings differ' }) };
  }
  const d = maxAbsDiff(frozen.values as ArrayLike<number>, original.values as ArrayLike<number>);
  if (!Number.isFinite(d)) return { ...base, note: 'one graph gives NaN or infinity where the other does not' };
  return { ...base, maxAbsDiff: d, pass: d <= tolerance, ...(d <= tolerance ? {} : { note: `differs by more than ${tolerance}` }) };
}

export async function runGraphs(req: RunGraphsRequest, onStep: (message: string) => void = () => undefined): Promise<RunGraphsResponse> {
  const tf = await import('@tensorflow/tfjs-core');
  const converter = await import('@tensorflow/tfjs-converter');
  onStep('Starting tfjs…');
  backendReady ??= startBackend(tf);
  const backend = await backendReady;
  onStep('Running the frozen graph…');
  const frozen = await runOne(tf, converter, req.frozen, req.outputs);
  onStep('Running the original graph…');
  const original = await runOne(tf, converter, req.original, req.outputs);
  const outputs = req.outputs.map((o) => compareOutput(o, frozen.values?.get(o), original.values?.get(o), req.tolerance));
  return { backend: backend.backend, ...(backend.note ? { backendNote: backend.note } : {}), frozen: frozen.json, original: original.json, outputs };
}
