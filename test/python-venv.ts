/**
 * The optional Python test oracle: `.venv-tf/bin/python` with tensorflow and numpy (CI makes
 * it with `python3 -m venv .venv-tf && .venv-tf/bin/pip install tensorflow-cpu numpy` when
 * that works). Tests that need it skip, visibly, when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './fixtures.js';

/** `.venv-tf/bin/python` in the repo, or FROST_VENV_PYTHON when set (another venv; a bad path forces the skip). */
export const venvPython = process.env['FROST_VENV_PYTHON'] ?? join(repoRoot, '.venv-tf', 'bin', 'python');

export interface PythonOracle {
  /** The interpreter, when usable; otherwise undefined and `reason` says why. */
  python: string | undefined;
  reason: string;
  version: string;
}

const cache = new Map<string, PythonOracle>();

/** Checks once per module list that `.venv-tf/bin/python` exists and can import `modules`. */
export function findPython(modules: readonly string[]): PythonOracle {
  const id = modules.join(',');
  const known = cache.get(id);
  if (known) return known;
  let found: PythonOracle;
  if (!existsSync(venvPython)) {
    found = { python: undefined, reason: `${venvPython} does not exist (create .venv-tf with ${modules.join(' + ')} to run these tests)`, version: '' };
  } else {
    const code = `import sys\n${modules.map((m) => `import ${m}`).join('\n')}\nprint(" ".join(m + " " + getattr(sys.modules[m], "__version__", "?") for m in ${JSON.stringify(modules)}))`;
    const r = spawnSync(venvPython, ['-c', code], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    if (r.status === 0) {
      found = { python: venvPython, reason: '', version: r.stdout.trim() };
    } else {
      const why = (r.error?.message ?? r.stderr.trim().split('\n').pop() ?? '').slice(0, 200);
      found = { python: undefined, reason: `${venvPython} cannot import ${modules.join(', ')} (${why})`, version: '' };
    }
  }
  cache.set(id, found);
  return found;
}
