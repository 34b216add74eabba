/**
 * Bit-exact oracle: real TensorFlow (`.venv-tf`, test-only) writes a varied set of
 * checkpoints with conformance/make_checkpoints.py and records every variable's value as
 * TF's own reader returns it; Frost must list the same keys, dtypes and shapes and read
 * identical bytes (strings element by element). The checkpoints are built once per version
 * of the script into .cache/oracle/<hash> (or $FROST_ORACLE_CACHE/<hash>) and reused.
 * Without TensorFlow the suite is skipped with a SKIP line saying why.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../electron/core/checkpoint/reader.js';
import { dtypeInfo, dtypeName } from '../electron/core/tensor/dtype.js';
import { repoRoot } from './fixtures.js';
import { findPython } from './python-venv.js';

const SCRIPT = join(repoRoot, 'conformance', 'make_checkpoints.py');
const scriptHash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
const cacheRoot = process.env['FROST_ORACLE_CACHE'] ?? join(repoRoot, '.cache', 'oracle');
const outDir = join(cacheRoot, scriptHash);

const tf = findPython(['tensorflow', 'numpy']);
if (!tf.python) console.warn(`SKIP oracle: TensorFlow is not available, so the bit-exact oracle tests do not run: ${tf.reason}`);

/** The cases make_checkpoints.py writes (checked against its manifest, so a new case is not silently ignored). */
const CASES = [
  'v2_all_dtypes', 'v2_partitioned', 'v2_sharded', 'v1_single', 'v1_sharded', 'resource_vars', 'v2_many_keys', 'tf2_object',
  'v2_raw_exotic_dtypes',
] as const;

interface ExpectedVariable {
  key: string;
  dtype: string;
  shape: number[];
  b64?: string;
  strings_b64?: string[];
  partitions?: number;
  via?: string;
}

interface Expected {
  case: string;
  tf_version: string;
  format: 'v1' | 'v2';
  prefix: string;
  all_prefixes: string[];
  variables: ExpectedVariable[];
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Builds the checkpoints unless a complete build (manifest.json is written last) is cached. */
async function ensureBuilt(python: string): Promise<void> {
  if (existsSync(join(outDir, 'manifest.json'))) return;
  // Builds of earlier versions of the script are stale: drop them.
  for (const old of existsSync(cacheRoot) ? await readdir(cacheRoot) : []) {
    if (/^[0-9a-f]{16}$/.test(old)) await rm(join(cacheRoot, old), { recursive: true, force: true });
  }
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  const { code, output } = await run(python, [SCRIPT, outDir]);
  if (code !== 0 || !existsSync(join(outDir, 'manifest.json'))) {
    throw new Error(`make_checkpoints.py failed (exit ${code}):\n${output.split('\n').slice(-30).join('\n')}`);
  }
  console.log(`oracle: built ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Where two payloads first differ, as an element index with both elements' bytes in hex. */
function firstDifference(frost: Uint8Array, tf: Uint8Array, dtype: number): string {
  const size = Math.max(1, dtypeInfo(dtype)?.itemSize ?? 1);
  const n = Math.min(frost.length, tf.length);
  for (let i = 0; i < n; i++) {
    if (frost[i] !== tf[i]) {
      const e = Math.floor(i / size);
      const hex = (b: Uint8Array): string => Buffer.from(b.subarray(e * size, (e + 1) * size)).toString('hex');
      return `element ${e}: frost ${hex(frost)} vs tf ${hex(tf)} (little-endian bytes)`;
    }
  }
  return `length: frost ${frost.length} bytes vs tf ${tf.length}`;
}

const counts = new Map<string, string>();

describe.skipIf(!tf.python)(`TensorFlow oracle (${tf.version || 'unavailable'})`, () => {
  beforeAll(async () => {
    await ensureBuilt(tf.python as string);
  }, 600_000);

  afterAll(() => {
    if (counts.size > 0) console.log(`oracle (${outDir}):\n${[...counts].map(([c, s]) => `  ${c}: ${s}`).join('\n')}`);
  });

  it('the build lists exactly the known cases', async () => {
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { cases: Record<string, number> };
    expect(Object.keys(manifest.cases).sort()).toEqual([...CASES].sort());
    const dirs = (await readdir(outDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.sort()).toEqual([...CASES].sort());
  });

  for (const name of CASES) {
    it(`${name}: every variable matches TensorFlow bit for bit`, async () => {
      const caseDir = join(outDir, name);
      const expected = JSON.parse(await readFile(join(caseDir, 'expected.json'), 'utf8')) as Expected;
      const reader = await openCheckpoint(join(caseDir, expected.prefix));
      const problems: string[] = [];
      let exact = 0;
      try {
        expect(reader.format).toBe(expected.format);
        const listed = reader.list();
        // Same keys in the same (byte) order as tf.train.list_variables: slice keys hidden,
        // partitioned variables listed once with their full shape.
        expect(listed.map((e) => e.key)).toEqual(expected.variables.map((v) => v.key));
        const byKey = new Map(listed.map((e) => [e.key, e]));
        for (const want of expected.variables) {
          const info = byKey.get(want.key);
          if (!info) continue;
          const where = `${want.key}${want.via ? ` (tf via ${want.via})` : ''}`;
          if (dtypeName(info.dtype) !== want.dtype) problems.push(`${where}: listed dtype ${dtypeName(info.dtype)}, tf ${want.dtype}`);
          if (JSON.stringify(info.shape) !== JSON.stringify(want.shape)) problems.push(`${where}: listed shape ${JSON.stringify(info.shape)}, tf ${JSON.stringify(want.shape)}`);
          if (want.partitions !== undefined && info.partitions !== want.partitions) {
            problems.push(`${where}: listed ${info.partitions ?? 'no'} partitions, tf saved ${want.partitions}`);
          }
          let data;
          try {
            data = await reader.read(want.key);
          } catch (e) {
            problems.push(`${where}: read failed: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          if (dtypeName(data.dtype) !== want.dtype) problems.push(`${where}: read dtype ${dtypeName(data.dtype)}, tf ${want.dtype}`);
          if (JSON.stringify(data.shape) !== JSON.stringify(want.shape)) problems.push(`${where}: read shape ${JSON.stringify(data.shape)}, tf ${JSON.stringify(want.shape)}`);
          let same = false;
          if (want.strings_b64 !== undefined) {
            if (data.kind !== 'string') {
              problems.push(`${where}: read as numeric, tf has strings`);
            } else if (data.strings.length !== want.strings_b64.length) {
              problems.push(`${where}: ${data.strings.length} strings, tf ${want.strings_b64.length}`);
            } else {
              const bad = want.strings_b64.findIndex((s, i) => !Buffer.from(s, 'base64').equals(data.strings[i] as Uint8Array));
              if (bad >= 0) problems.push(`${where}: string element ${bad} differs`);
              else same = true;
            }
          } else if (data.kind !== 'numeric') {
            problems.push(`${where}: read as strings, tf has ${want.dtype}`);
          } else {
            const tfBytes = Buffer.from(want.b64 ?? '', 'base64');
            if (!tfBytes.equals(data.bytes)) problems.push(`${where}: bytes differ at ${firstDifference(data.bytes, tfBytes, data.dtype)}`);
            else same = true;
          }
          if (same && problems.every((p) => !p.startsWith(`${where}:`))) exact++;
        }
        // The older checkpoints the state file still lists open too, with the same keys.
        for (const older of expected.all_prefixes.filter((p) => p !== expected.prefix)) {
          const r = await openCheckpoint(join(caseDir, older));
          try {
            expect(r.list().map((e) => e.key), older).toEqual(expected.variables.map((v) => v.key));
          } finally {
            await r.close();
          }
        }
      } finally {
        await reader.close();
        counts.set(name, `${exact}/${expected.variables.length} tensors bit-exact (${expected.format}, ${expected.prefix})`);
      }
      expect(problems).toEqual([]);
      expect(exact).toBe(expected.variables.length);
    });
  }
});
