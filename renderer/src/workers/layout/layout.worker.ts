/**
 * Web Worker entry for graph layout. Only worker-safe APIs: the typed scope below, dagre,
 * performance and setTimeout (the workers tsconfig compiles this with the WebWorker lib only).
 * Created by LayoutClient via `new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' })`.
 */
import dagre from '@dagrejs/dagre';
import type { LayoutWorkerReq, LayoutWorkerResp } from './protocol.js';
import { createLayoutHandler } from './worker-handler.js';

/** The part of the dedicated worker scope used here (typed so DOM and WebWorker libs both accept it). */
interface WorkerScope {
  postMessage(message: LayoutWorkerResp): void;
  addEventListener(type: 'message', listener: (event: { data: LayoutWorkerReq }) => void): void;
}

const scope = self as unknown as WorkerScope;
const handle = createLayoutHandler({ dagre, post: (resp) => scope.postMessage(resp) });
scope.addEventListener('message', (event) => handle(event.data));
