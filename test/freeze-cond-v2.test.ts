/**
 * A variable update inside a functional If branch (control flow v2: a batch-norm-like moving
 * average under tf.cond(training)) cannot be frozen; the refusal says why and what to do,
 * instead of naming only the node. The graph is written by TensorFlow (skips without it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frost } from './cli-helpers.js';
import { repoRoot } from './fixtures.js';
import { findPython } from './python-venv.js';

const tf = findPython(['tensorflow']);
const tmp = mkdtempSync(join(tmpdir(), 'frost-condv2-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!tf.python)(`freezing an update inside a functional If (${tf.version || tf.reason})`, () => {
  it('refuses with the reason and the way out, naming the branch function and the update', async () => {
    const made = spawnSync(tf.python as string, [join(repoRoot, 'conformance', 'make_cond_v2_update.py'), tmp], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, timeout: 120_000 });
    expect(made.status, made.stderr).toBe(0);
    const r = await frost('freeze', tmp, '--outputs', 'probs', '--out', join(tmp, 'f.pb'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the outputs reach variable updates inside a function .*save the inference graph with training fixed to False.*: cond_true_\d+: node AssignVariableOp \(AssignVariableOp\) writes to a variable/);
  });
});
