/**
 * Worker-thread entry of Verify: receives one RunGraphsRequest, answers with step messages
 * and then the result. tfjs's console chatter (e.g. the cpu backend's "install tfjs-node"
 * banner) would land in the CLI's stdout, so the worker keeps console quiet.
 */
import { parentPort } from 'node:worker_threads';
import { runGraphs, type RunGraphsRequest } from './run-graphs.js';

const quiet = (): void => undefined;
console.log = quiet;
console.warn = quiet;
console.info = quiet;

parentPort?.once('message', (req: RunGraphsRequest) => {
  runGraphs(req, (step) => parentPort?.postMessage({ step }))
    .then((value) => parentPort?.postMessage({ ok: true, value }))
    .catch((e: unknown) => parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }));
});
