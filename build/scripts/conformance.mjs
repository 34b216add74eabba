// `npm run conformance`: freeze real TF1 checkpoints with TensorFlow's freeze_graph and with
// Frost, run both frozen graphs in TensorFlow, and compare with the original checkpoint's
// outputs. TensorFlow (.venv-tf, test tooling only) builds the cases once per version of the
// scripts into .cache/conformance/<hash> (conformance/freeze_cases.py, which also records
// freeze_graph's verdicts); each run then freezes every case with `frost freeze --json` and lets
// conformance/freeze_check.py judge the .pb files. Prints a table and writes
// .cache/conformance/report.json. Exit 1 if a Frost case fails (TensorFlow failing is expected);
// without a usable .venv-tf it prints "SKIP conformance: <reason>" and exits 0.
//
//   npm run conformance [-- [--build] [CASE...]]
//     --build   run `npm run build` first (picks up CLI changes)
//     CASE      only the variants whose name contains CASE
//   env: FROST_VENV_PYTHON (another interpreter), FROST_FIXTURES (fixtures folder),
//        FROST_CONFORMANCE_CACHE (cache root instead of .cache/conformance)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = performance.now();
const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(1);
const args = process.argv.slice(2);
const wantBuild = args.includes('--build');
const filters = args.filter((a) => !a.startsWith('--'));
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', PYTHONDONTWRITEBYTECODE: '1' };

// ---------------------------------------------------------------- the TensorFlow oracle
const python = process.env.FROST_VENV_PYTHON ?? join(root, '.venv-tf', 'bin', 'python');
function probePython() {
  if (!existsSync(python)) return `${python} does not exist (create .venv-tf with tensorflow-cpu + numpy to run it)`;
  const r = spawnSync(python, ['-c', 'import tensorflow, numpy; print(tensorflow.__version__)'], { encoding: 'utf8', timeout: 180_000, env });
  if (r.status === 0) return '';
  const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? '';
  return `${python} cannot import tensorflow, numpy (${why.slice(0, 200)})`;
}
const skip = probePython();
if (skip) {
  console.log(`SKIP conformance: ${skip}`);
  process.exit(0);
}

function run(cmd, argv, { timeoutMs = 0, cwd = root } = {}) {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs) : undefined;
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.stderr.on('data', (d) => (stderr += d.toString()));
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, ms: Math.round(performance.now() - t0) });
    });
  });
}
const tail = (text, n = 25) => text.trim().split('\n').slice(-n).join('\n');

// ---------------------------------------------------------------- cases (cached per script version)
const scripts = ['freeze_cases.py', 'freeze_common.py', 'make_checkpoints.py'].map((f) => join(root, 'conformance', f));
const fixturesDir = process.env.FROST_FIXTURES ?? resolve(root, '..', 'shared', 'fixtures');
const haveFixtures = existsSync(fixturesDir);
const hash = createHash('sha256');
for (const f of scripts) hash.update(readFileSync(f));
hash.update(`fixtures:${haveFixtures}`);
const cacheRoot = process.env.FROST_CONFORMANCE_CACHE ?? join(root, '.cache', 'conformance');
const outDir = join(cacheRoot, hash.digest('hex').slice(0, 16));
const reportPath = join(cacheRoot, 'report.json');

if (!existsSync(join(outDir, 'manifest.json'))) {
  for (const old of existsSync(cacheRoot) ? readdirSync(cacheRoot) : []) {
    if (/^[0-9a-f]{16}$/.test(old)) rmSync(join(cacheRoot, old), { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
  console.log(`conformance: building the cases with TensorFlow into ${relative(root, outDir)} (once per script version)...`);
  if (!haveFixtures) console.log(`conformance: ${fixturesDir} is missing: the fixture oracle cases are left out`);
  const t0 = performance.now();
  const r = await run(python, [join(root, 'conformance', 'freeze_cases.py'), outDir, ...(haveFixtures ? ['--fixtures', fixturesDir] : [])]);
  process.stdout.write(r.stdout);
  if (r.code !== 0 || !existsSync(join(outDir, 'manifest.json'))) {
    console.error(`conformance: freeze_cases.py failed (exit ${r.code}):\n${tail(r.stderr)}`);
    process.exit(1);
  }
  console.log(`conformance: cases built in ${seconds(t0)} s`);
}
const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
const variants = manifest.variants.filter((v) => filters.length === 0 || filters.some((f) => v.name.includes(f)));
if (variants.length === 0) {
  console.error(`conformance: no case matches ${filters.join(', ')} (cases: ${manifest.variants.map((v) => v.name).join(', ')})`);
  process.exit(2);
}

// ---------------------------------------------------------------- Frost
if (wantBuild) {
  console.log('conformance: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error('conformance: npm run build failed');
    process.exit(1);
  }
}

/** Sources of electron/cli and electron/core newer than their project's last build (its tsbuildinfo, as tsc -b judges). */
function staleSources() {
  const stale = [];
  for (const layer of ['cli', 'core']) {
    const dir = join(root, 'electron', layer);
    const info = join(root, 'dist', 'electron', layer, 'tsconfig.tsbuildinfo');
    if (!existsSync(info)) continue;
    const built = statSync(info).mtimeMs;
    for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true, recursive: true }) : []) {
      if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
      const src = join(e.parentPath, e.name);
      if (statSync(src).mtimeMs > built) stale.push(relative(root, src));
    }
  }
  return stale;
}

async function probeFrost() {
  const cli = join(root, 'dist', 'electron', 'cli', 'main.js');
  if (!existsSync(cli)) return { available: false, reason: 'dist/ is not built: run npm run build' };
  const r = await run(process.execPath, [join(root, 'bin', 'frost.js'), 'freeze', '--help'], { timeoutMs: 60_000 });
  if (r.code !== 0) {
    if (/unknown command "freeze"/.test(r.stderr)) {
      const src = existsSync(join(root, 'electron', 'cli', 'commands', 'freeze.ts'));
      return { available: false, reason: src ? 'the built CLI has no freeze command yet: run npm run build' : 'the CLI has no freeze command yet' };
    }
    const why = r.stderr.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? r.stderr.trim().split('\n')[0] ?? '';
    return { available: false, reason: `\`frost freeze --help\` failed (exit ${r.code}): ${why.slice(0, 200)}` };
  }
  const stale = staleSources();
  if (stale.length > 0) {
    console.log(`conformance: warning: dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` (+${stale.length - 3} more)` : ''};`
      + ' run `npm run conformance -- --build` to test the current sources');
  }
  return { available: true };
}

async function freezeWithFrost(v) {
  const caseDir = join(outDir, v.case);
  const out = join(caseDir, v.frost_out);
  rmSync(out, { force: true });
  const r = await run(process.execPath, [join(root, 'bin', 'frost.js'), 'freeze', caseDir, '--outputs', v.outputs.join(','), '--out', out, '--json'],
    { timeoutMs: 300_000 });
  const result = { available: true, exit: r.timedOut ? 'timeout (300 s)' : r.code, ms: r.ms };
  if (r.code !== 0) result.stderr = r.stderr.trim().split('\n')[0]?.slice(0, 300) ?? '';
  try {
    result.manifest = JSON.parse(r.stdout);
  } catch {
    if (r.code === 0) result.stderr = `stdout is not JSON: ${r.stdout.trim().slice(0, 200)}`;
  }
  writeFileSync(`${out}.stdout.json`, r.stdout);
  return result;
}

const t0 = performance.now();
const frost = await probeFrost();
const results = {};
if (frost.available) {
  // Two at a time (CI machines have two cores).
  const queue = [...variants];
  await Promise.all([0, 1].map(async () => {
    for (let v = queue.shift(); v; v = queue.shift()) results[v.name] = await freezeWithFrost(v);
  }));
} else {
  console.log(`conformance: frost: not available (${frost.reason})`);
}
writeFileSync(join(outDir, 'frost_results.json'), JSON.stringify({
  ...frost, seconds: Number(seconds(t0)), only: variants.map((v) => v.name), variants: results,
}, null, 1));

// ---------------------------------------------------------------- judge + report
const check = await run(python, [join(root, 'conformance', 'freeze_check.py'), outDir, reportPath]);
if (check.code !== 0) {
  console.error(`conformance: freeze_check.py failed (exit ${check.code}):\n${tail(check.stderr)}`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

const clip = (s, n) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
/** A reason for the table: without Python exception class names (report.json keeps them). */
const short = (reason, n = 90) => clip(reason.replace(/\b[A-Z]\w*(Error|Exception): /g, ''), n);
const fmt = (x) => (x === 0 ? '0' : x < 1e-3 || x >= 1e4 ? x.toExponential(1) : x.toPrecision(2));
function tfCell(t) {
  return t.status === 'PASS' ? 'PASS' : `FAIL: ${short(t.reason)}`;
}
function frostCell(f) {
  if (f.status === 'N/A') return 'n/a: not available';
  const all = Object.entries(f.max_abs_diff ?? {});
  const nonzero = all.filter(([, d]) => d !== 0);
  const diffs = all.length > 0 && nonzero.length === 0 ? `0${all.length > 1 ? ` (${all.length} outputs)` : ''}`
    : nonzero.map(([k, d]) => `${k} ${d === null ? '?' : fmt(d)}`).join(', ');
  const time = f.ms !== undefined ? `, ${f.ms} ms` : '';
  if (f.status === 'PASS') return `PASS (max|Δ| ${diffs}${time})`;
  return `FAIL: ${short(f.reason)}${diffs ? ` (max|Δ| ${diffs})` : ''}`;
}
const rows = report.rows.map((r) => [r.case, tfCell(r.tf), frostCell(r.frost)]);
const head = ['case', 'TensorFlow freeze_graph', 'Frost'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`\nFreeze conformance (TensorFlow ${report.tf_version}; cases in ${relative(root, report.cases_dir)})`);
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
const failed = report.rows.filter((r) => r.frost.status === 'FAIL');
if (failed.length > 0) {
  console.log('\nFrost failures:');
  for (const r of failed) console.log(`  ${r.case}: ${r.frost.reason}\n    (case folder ${relative(root, r.folder)})`);
}
const s = report.summary;
console.log(`\nTensorFlow: ${s.tf.PASS} pass, ${s.tf.FAIL} fail (expected: see freezing.md §8).`
  + ` Frost: ${frost.available ? `${s.frost.PASS} pass, ${s.frost.FAIL} fail` : `not available (${frost.reason})`}.`);
console.log(`report: ${relative(root, reportPath)}; ${seconds(started)} s in all`);
process.exit(s.frost.FAIL > 0 ? 1 : 0);
