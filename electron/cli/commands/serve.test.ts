/**
 * `frost serve` as a command: in-process with a captured io and an AbortSignal (quick, always
 * stopped), and as a real process (bin/frost.js) stopped by SIGTERM and by SIGINT.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo, OpenedSource, Result } from '../../../shared/ipc/contract.js';
import { fixture, repoRoot } from '../../../test/fixtures.js';
import { frost } from '../../../test/cli-helpers.js';
import { runServe, type ServeHooks } from './serve.js';

const simple = fixture('simple-model-freeze-oracle');
const LINE = /^Frost is serving (.+) at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))$/;

interface Running {
  out: string[];
  err: string[];
  url: string;
  port: number;
  token: string;
  served: string;
  stop(): Promise<number>;
}

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Starts `frost serve ARGS` in-process; resolves once it printed its line. */
async function serve(argv: string[], hooks: ServeHooks = {}): Promise<Running> {
  const out: string[] = [];
  const err: string[] = [];
  const abort = new AbortController();
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const done = runServe(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, { ...hooks, signal: abort.signal, onListening: () => listening() });
  done.catch(() => listening());
  const stop = async (): Promise<number> => {
    abort.abort();
    return done;
  };
  stops.push(stop);
  await Promise.race([ready, done]);
  const m = LINE.exec(out[0] ?? '');
  if (!m) throw new Error(`frost serve printed ${JSON.stringify(out)} / ${JSON.stringify(err)}`);
  return { out, err, url: m[2] ?? '', port: Number(m[3]), token: m[4] ?? '', served: m[1] ?? '', stop };
}

async function api<T>(r: { port: number; token: string }, channel: string, req: unknown): Promise<Result<T>> {
  const res = await fetch(`http://127.0.0.1:${r.port}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${r.token}` }, body: JSON.stringify(req) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result<T>;
}

describe('frost serve (in-process)', () => {
  it('prints exactly one line with a working URL, serves PATH, and stops cleanly', async () => {
    const opened: string[] = [];
    const sigintListeners = process.listenerCount('SIGINT');
    const r = await serve([simple, '--no-open', '--port', '0'], { openBrowser: (u) => opened.push(u) });
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners + 1);
    expect(r.out).toEqual([`Frost is serving ${simple} at ${r.url}`]);
    expect(r.err).toEqual([]);
    expect(opened).toEqual([]);
    expect(r.port).toBeGreaterThan(0);

    const page = await fetch(r.url);
    expect([200, 503]).toContain(page.status); // 503 = the renderer is not built yet
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");

    const info = await api<AppInfo>(r, 'app:info', {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'serve', initialPath: simple } });
    const open = await api<OpenedSource>(r, 'source:open', { path: simple });
    expect(open.ok && open.value.report.variables.length).toBe(2);
    const outside = await api<OpenedSource>(r, 'source:open', { path: join(simple, '..', 'small-frozen-47k') });
    expect(outside.ok).toBe(false);

    expect(await r.stop()).toBe(0);
    await expect(fetch(r.url)).rejects.toThrow();
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('serves the folder of a file PATH and opens the browser unless --no-open', async () => {
    const opened: string[] = [];
    const file = join(simple, 'frozen_model.pb');
    const r = await serve([file], { openBrowser: (u) => opened.push(u) });
    expect(r.served).toBe(file);
    expect(opened).toEqual([r.url]);
    expect((await api<AppInfo>(r, 'app:info', {})).ok && true).toBe(true);
    const sibling = await api<OpenedSource>(r, 'source:open', { path: simple });
    expect(sibling.ok).toBe(true);
    expect(await r.stop()).toBe(0);
  });

  it('without PATH serves the current folder', async () => {
    const r = await serve(['--no-open']);
    expect(r.served).toBe(process.cwd());
    const info = await api<AppInfo>(r, 'app:info', {});
    expect(info.ok && info.value.initialPath).toBeUndefined();
    expect(await r.stop()).toBe(0);
  });

  it('uses --port', async () => {
    const first = await serve(['--no-open', simple]);
    await first.stop();
    // The port just freed is very likely still free.
    const r = await serve(['--no-open', '--port', String(first.port), simple]);
    expect(r.port).toBe(first.port);
    expect(await r.stop()).toBe(0);
  });

  it('exits 2 on usage errors and 1 on a missing PATH', async () => {
    expect((await frost('serve', simple, 'extra')).code).toBe(2);
    expect((await frost('serve', '--port', '70000')).code).toBe(2);
    expect((await frost('serve', '--port', 'x')).code).toBe(2);
    expect((await frost('serve', '--bogus')).code).toBe(2);
    const missing = await frost('serve', join(simple, 'no', 'such', 'thing'), '--no-open');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('does not exist');
    expect((await frost('serve', '--help')).out).toContain('Usage: frost serve');
  });
});

// The real binary runs the compiled CLI: bring dist/ up to date first (incremental, well under a
// second when nothing changed). Skipped only where `npm run build` never ran (no generated decoders).
const generated = join(repoRoot, 'dist', 'electron', 'core', 'proto', 'generated', 'tf.js');

describe.skipIf(!existsSync(generated))('node bin/frost.js serve (the real process; needs one `npm run build`)', () => {
  beforeAll(() => {
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(repoRoot, 'electron', 'cli')], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc -b electron/cli failed:\n${tsc.stdout}${tsc.stderr}`);
  });

  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints one line with a working URL and exits 0 on ${signal}`, async () => {
      const proc = spawn(process.execPath, [join(repoRoot, 'bin', 'frost.js'), 'serve', simple, '--no-open', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let out = '';
      let err = '';
      proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        proc.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out);
        });
        void exited.then((code) => reject(new Error(`frost serve exited (${code}) early: ${err}`)));
      });
      const m = LINE.exec(line.trimEnd());
      expect(m, line).not.toBeNull();
      const port = Number(m?.[3]);
      const token = m?.[4] ?? '';
      const info = await api<AppInfo>({ port, token }, 'app:info', {});
      expect(info).toMatchObject({ ok: true, value: { mode: 'serve', initialPath: simple } });
      proc.kill(signal);
      expect(await exited).toBe(0);
      expect(out.trimEnd().split('\n')).toHaveLength(1);
      expect(err).toBe('');
    });
  }
});
