// Worker thread of `npm run fuzz`: loads one target's seeds and runs the inputs the driver
// posts, answering with the outcome. It runs in a thread so the driver can terminate it when
// an input hangs, and with a bounded heap so a runaway decode ends as a reported failure.
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { root, target, fixtures, scratch } = workerData;
const fuzzDir = join(root, 'dist', 'electron', 'core', 'fuzz');
const { loadSeeds } = await import(pathToFileURL(join(fuzzDir, 'targets.js')).href);
const { runCase } = await import(pathToFileURL(join(fuzzDir, 'run-case.js')).href);

const seeds = await loadSeeds(target, fixtures, join(scratch, 'seeds'));
parentPort.on('message', async (msg) => {
  const seed = seeds[msg.seedIndex];
  const outcome = await runCase(target, seed, msg.member, msg.bytes, join(scratch, 'case'));
  parentPort.postMessage({ id: msg.id, outcome });
});
parentPort.postMessage({ ready: true });
