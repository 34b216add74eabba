/**
 * Starts the real `frost serve` on the iris fixture (any free port) for the browser specs and
 * stops it afterwards. The page URL, token included, reaches the specs as FROST_E2E_URL.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { irisFixture, repoDir } from './paths.js';

const SERVING = /^Frost is serving (.+) at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)\s*$/m;
const START_TIMEOUT_MS = 30_000;

export function waitForUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(`frost serve printed no "Frost is serving …" line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}.\nstdout: ${out.trim() || '(none)'}\nstderr: ${err.trim() || '(none)'}`));
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = SERVING.exec(out);
      if (m?.[2]) {
        clearTimeout(timer);
        resolve(m[2]);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code, signal) => fail(`frost serve exited early (${signal ?? `code ${code}`})`));
    child.on('error', (e) => fail(`frost serve could not start: ${e.message}`));
  });
}

/** Starts `frost serve PATH` on a free port; resolves with its URL (token included) and a stop(). */
export async function startServe(path: string, env: Record<string, string> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(repoDir, 'bin', 'frost.js'), 'serve', path, '--no-open', '--port', '0'], {
    cwd: repoDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as unknown as ChildProcessWithoutNullStreams;
  const url = await waitForUrl(child);
  child.removeAllListeners('exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { url, stop };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const [file, fix] of [
    [join(repoDir, 'dist', 'renderer', 'index.html'), 'run `npm run build` first'],
    [join(repoDir, 'dist', 'electron', 'cli', 'main.js'), 'run `npm run build` first'],
    [irisFixture, 'set FROST_FIXTURES to the folder holding iris-estimator-queues-2shards'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`e2e: ${file} is missing: ${fix}.`);
  }
  const server = await startServe(irisFixture);
  process.env.FROST_E2E_URL = server.url;
  process.env.FROST_E2E_FIXTURE = irisFixture;
  return server.stop;
}
