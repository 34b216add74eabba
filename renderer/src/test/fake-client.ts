/** A scripted FrostClient for state tests: answers per channel, records calls, can hold replies. */
import type { AppEvent, AppEvents, Channel, ProgressEvent, Req, Res, Result } from '../../../shared/ipc/contract.js';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import type { InspectReport } from '../../../shared/model/inspect-report.js';
import type { FrostClient } from '../ipc/client.js';

type Handler<C extends Channel> = (req: Req<C>) => Result<Res<C>> | Promise<Result<Res<C>>>;

export interface FakeClient extends FrostClient {
  calls: { channel: Channel; req: unknown }[];
  on<C extends Channel>(channel: C, handler: Handler<C>): void;
  callsTo(channel: Channel): unknown[];
  /** Pushes a main-process event to the subscribers. */
  emit<E extends AppEvent>(event: E, payload: AppEvents[E]): void;
  /** Pushes a job's progress event to the subscribers. */
  progress(event: ProgressEvent): void;
  /** How many progress listeners are subscribed. */
  readonly progressListeners: number;
  /** Download ids passed to downloadFrozen. */
  downloads: string[];
}

export function fakeClient(transport: FrostClient['transport'] = 'http'): FakeClient {
  const handlers = new Map<Channel, Handler<Channel>>();
  const calls: { channel: Channel; req: unknown }[] = [];
  const listeners = new Map<AppEvent, ((p: unknown) => void)[]>();
  const progressListeners = new Set<(e: ProgressEvent) => void>();
  const downloads: string[] = [];
  return {
    transport,
    calls,
    downloads,
    on(channel, handler) {
      handlers.set(channel, handler as unknown as Handler<Channel>);
    },
    callsTo: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.req),
    async call(channel, req) {
      calls.push({ channel, req });
      const h = handlers.get(channel);
      if (!h) return { ok: false, error: { code: 'NO_HANDLER', message: `no fake handler for ${channel}` } };
      return (await h(req as never)) as never;
    },
    onProgress(listener) {
      const entry = (e: ProgressEvent): void => listener(e);
      progressListeners.add(entry);
      return () => void progressListeners.delete(entry);
    },
    progress(event) {
      for (const l of [...progressListeners]) l(event);
    },
    get progressListeners() {
      return progressListeners.size;
    },
    onEvent(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (p: unknown) => void);
      listeners.set(event, list);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    pathForFile: (file) => (file as { path?: string }).path ?? null,
    downloadUrl: (id, part) => (transport === 'http' ? `/api/download/${id}${part === 'manifest' ? '/manifest' : ''}?token=t` : null),
    downloadFrozen(id) {
      if (transport !== 'http') return false;
      downloads.push(id);
      return true;
    },
    downloadFile(id) {
      if (transport !== 'http') return false;
      downloads.push(id);
      return true;
    },
  };
}

/** A promise with its resolver, to hold a reply until the test releases it. */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function report(overrides: Partial<InspectReport> = {}): InspectReport {
  return {
    path: '/data/train',
    format: 'checkpoint-folder',
    checkpointFormat: 'v2',
    prefix: '/data/train/model.ckpt-20',
    checkpoints: [
      { prefix: '/data/train/model.ckpt-10', step: 10, present: true, latest: false },
      { prefix: '/data/train/model.ckpt-20', step: 20, present: true, latest: true },
    ],
    variables: [
      { name: 'dense/kernel', dtype: 'float32', shape: [4, 10], bytes: 160 },
      { name: 'dense/bias', dtype: 'float32', shape: [10], bytes: 40 },
      { name: 'global_step', dtype: 'int64', shape: [], bytes: 8 },
    ],
    totalBytes: 208,
    graph: { file: '/data/train/model.ckpt-20.meta', nodeCount: 5, ops: {}, functionCount: 0, collections: [], queueRunners: [], signatures: [] },
    warnings: [],
    ...overrides,
  };
}

export function graph(): GraphIR {
  const node = (name: string, op: string, family: GraphIR['nodes'][number]['family'], inputs: string[] = [], extra: Partial<GraphIR['nodes'][number]> = {}) => ({
    name,
    op,
    family,
    inputs,
    controlInputs: [],
    attrs: {},
    ...extra,
  });
  return {
    file: '/data/train/model.ckpt-20.meta',
    functions: [],
    nodes: [
      node('x', 'Placeholder', 'input'),
      node('dense/kernel', 'VariableV2', 'variable', [], { checkpointKey: 'dense/kernel' }),
      node('dense/MatMul', 'MatMul', 'math', ['x', 'dense/kernel']),
      node('global_step', 'VariableV2', 'variable', [], { checkpointKey: 'global_step' }),
      node('queue/fifo', 'FIFOQueueV2', 'queue', [], { pipeline: true }),
    ],
  };
}
