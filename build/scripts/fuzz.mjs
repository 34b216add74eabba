// `npm run fuzz [-- --iterations N] [--seed S] [--target a,b] [--timeout-ms T] [--corpus DIR]`
//
// Seeded mutation fuzzing of every reader and of the freezer (issue #8). For each target the
// driver loads the seeds (real fixtures and outputs of Frost's writers), mutates one file of a
// seed per input (electron/core/fuzz/mutate.ts: bit flips, byte insertions/deletions,
// truncations, inflated varint and fixed-width size fields, swapped/duplicated blocks, and
// parser tokens for text formats) and runs it in a worker thread. Allowed outcomes: success or
// a FrostError. Failures: any other exception, an allocation over the bound of run-case.ts
// (checked before it happens), a heap blow-up of the worker, or no answer within the time
// bound (the worker is terminated and replaced). Every failing input is saved to the
// regression corpus (test/fuzz-regressions/<target>/<hash>.bin + .json), which
// test/fuzz-regressions.test.ts replays on every `npm test`. Exit code 1 when anything failed.
//
// Drives the compiled core in dist/ (built by `npm run build`, which `npm ci` runs).
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fuzzDir = join(root, 'dist', 'electron', 'core', 'fuzz');
if (!existsSync(join(fuzzDir, 'targets.js'))) {
  console.error('npm run fuzz needs the compiled core: run `npm run build` (or `npx tsc -b`) first.');
  process.exit(2);
}
const { TARGETS, loadSeeds, mutateMember } = await import(pathToFileURL(join(fuzzDir, 'targets.js')).href);
const { Rng } = await import(pathToFileURL(join(fuzzDir, 'mutate.js')).href);

function parseArgs(argv) {
  const o = { iterations: 1000, seed: 1, targets: TARGETS.map((t) => t.name), timeoutMs: 5000, corpus: join(root, 'test', 'fuzz-regressions'), heapMb: 512 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) usage(`${a} needs a value`);
      return x;
    };
    if (a === '--iterations') o.iterations = int(v(), a);
    else if (a === '--seed') o.seed = int(v(), a);
    else if (a === '--target') o.targets = v().split(',').filter(Boolean);
    else if (a === '--timeout-ms') o.timeoutMs = int(v(), a);
    else if (a === '--heap-mb') o.heapMb = int(v(), a);
    else if (a === '--corpus') o.corpus = resolve(v());
    else usage(`unknown option ${a}`);
  }
  for (const t of o.targets) if (!TARGETS.some((x) => x.name === t)) usage(`unknown target ${t} (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
  return o;
}
function int(s, flag) {
  if (!/^\d+$/.test(s)) usage(`${flag} needs a whole number, not ${s}`);
  return Number(s);
}
function usage(why) {
  console.error(`npm run fuzz: ${why}\nusage: npm run fuzz -- [--iterations N per target] [--seed S] [--target ${TARGETS.map((t) => t.name).join(',')}] [--timeout-ms T] [--heap-mb M] [--corpus DIR]`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const fixtures = process.env.FROST_FIXTURES ?? resolve(root, '..', 'shared', 'fixtures');
const scratchRoot = join(tmpdir(), `frost-fuzz-${process.pid}`);

/** A worker for `target`, restartable after a hang or a heap blow-up. */
class Runner {
  constructor(target, scratch) {
    this.target = target;
    this.scratch = scratch;
    this.nextId = 1;
  }
  async start() {
    this.worker = new Worker(join(root, 'build', 'scripts', 'fuzz-worker.mjs'), {
      workerData: { root, target: this.target, fixtures, scratch: this.scratch },
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMb },
    });
    this.pending = undefined;
    this.dead = undefined;
    this.worker.on('message', (m) => {
      if (m.ready) this.onReady?.();
      else if (this.pending && m.id === this.pending.id) this.pending.resolve(m.outcome);
    });
    this.worker.on('error', (e) => {
      this.dead = e;
      this.onReady?.(e);
      this.pending?.resolve({ kind: 'crash', error: `worker died: ${e.code ?? ''} ${e.message}` });
    });
    this.worker.on('exit', (code) => {
      if (!this.dead) this.pending?.resolve({ kind: 'crash', error: `worker exited with code ${code}` });
      this.dead ??= new Error('exited');
    });
    await new Promise((res, rej) => {
      this.onReady = (e) => (e ? rej(e) : res());
    });
    this.onReady = undefined;
  }
  async run(seedIndex, member, bytes) {
    if (this.dead) await this.start();
    const id = this.nextId++;
    let timer;
    const outcome = await new Promise((res) => {
      this.pending = { id, resolve: res };
      timer = setTimeout(() => res({ kind: 'hang', error: `no answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
      this.worker.postMessage({ id, seedIndex, member, bytes });
    });
    clearTimeout(timer);
    this.pending = undefined;
    if (outcome.kind === 'hang' || (outcome.kind === 'crash' && this.dead)) {
      this.dead ??= new Error('terminated');
      await this.worker.terminate();
    }
    return outcome;
  }
  async stop() {
    if (!this.dead) await this.worker.terminate();
  }
}

function save(target, seed, member, bytes, outcome, ops) {
  const hash = createHash('sha256').update(target).update('\0').update(seed.id).update('\0').update(member).update('\0').update(bytes).digest('hex').slice(0, 16);
  const dir = join(opts.corpus, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${hash}.bin`), bytes);
  writeFileSync(join(dir, `${hash}.json`), `${JSON.stringify({ target, seed: seed.id, member, ops, found: outcome.kind, error: outcome.error.split('\n')[0] }, null, 2)}\n`);
  return join(dir, `${hash}.bin`);
}

const rows = [];
let failures = 0;
const started = performance.now();
for (const [ti, target] of opts.targets.entries()) {
  const scratch = join(scratchRoot, target);
  const seeds = await loadSeeds(target, fixtures, join(scratch, 'driver-seeds'));
  const runner = new Runner(target, scratch);
  await runner.start();
  const rng = new Rng((opts.seed * 1000003 + ti * 7919) >>> 0);
  const def = TARGETS.find((t) => t.name === target);
  const row = { target, inputs: 0, ok: 0, typed: {}, failures: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < opts.iterations; i++) {
    const seedIndex = rng.int(seeds.length);
    const seed = seeds[seedIndex];
    const member = seed.members[rng.int(seed.members.length)];
    const { bytes, ops } = await mutateMember(def, seed, member, rng);
    const outcome = await runner.run(seedIndex, member, bytes);
    row.inputs++;
    if (outcome.kind === 'ok') row.ok++;
    else if (outcome.kind === 'typed') row.typed[outcome.code] = (row.typed[outcome.code] ?? 0) + 1;
    else {
      row.failures++;
      failures++;
      const file = save(target, seed, member, bytes, outcome, ops);
      console.log(`FAIL ${target} (${outcome.kind}) seed ${seed.id} member ${member} ops ${ops.join('+')}: ${outcome.error.split('\n')[0]}\n  saved ${file}`);
      if (process.env.FUZZ_VERBOSE) console.log(outcome.error);
    }
  }
  row.ms = performance.now() - t0;
  await runner.stop();
  rows.push(row);
  const typed = Object.entries(row.typed).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  console.log(`${target.padEnd(13)} inputs ${String(row.inputs).padStart(6)}  ok ${String(row.ok).padStart(6)}  failures ${row.failures}  ${(row.inputs / (row.ms / 1000)).toFixed(0).padStart(5)} inputs/s  typed errors: ${typed}`);
}
rmSync(scratchRoot, { recursive: true, force: true });
const total = rows.reduce((s, r) => s + r.inputs, 0);
console.log(`fuzz: ${total} inputs over ${rows.length} targets (seed ${opts.seed}, ${opts.iterations} per target, time bound ${opts.timeoutMs} ms/input) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${failures === 0 ? 'no crashes, hangs or over-allocations' : `${failures} FAILURES (saved to ${opts.corpus})`}`);
process.exit(failures === 0 ? 0 : 1);
