/** `frost serve [PATH] [--port N] [--host H] [--no-open]`: the app in a browser, backed by this process. */
import { spawn } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FrostError } from '../../core/index.js';
import { defaultRendererDir, startServer, type RunningServer } from '../../server/index.js';
import { flag, int, noExtraPositionals, parse, str } from '../args.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { frostVersion } from '../version.js';

export const serveHelp = `Usage: frost serve [PATH] [--port N] [--host H] [--no-open]

Serves Frost's app to a web browser and opens it. PATH (a checkpoint folder, prefix or file)
is opened on start; only files inside its folder (the current folder without PATH) can be
read. The printed URL carries a random token that every request needs. Stop with Ctrl-C.

  --port N    port to listen on (default: a free one)
  --host H    interface to bind (default 127.0.0.1; anything else is reachable from the
              network and protected only by the token)
  --no-open   do not open a browser`;

export interface ServeHooks {
  /** Stops the server like SIGINT does (tests). */
  signal?: AbortSignal;
  /** Called once the server listens (tests). */
  onListening?: (server: RunningServer) => void;
  /** Replaces opening the system browser (tests). */
  openBrowser?: (url: string) => void;
}

interface Target {
  /** The allowed root. */
  root: string;
  /** What the UI opens on start. */
  initialPath?: string;
}

async function servedTarget(arg: string | undefined): Promise<Target> {
  if (arg === undefined) return { root: process.cwd() };
  const path = resolve(arg);
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) return { root: path, initialPath: path };
  // A file: its folder, where the real file lives (a symlinked file must still be inside it).
  if (st) return { root: dirname(await realpath(path)), initialPath: path };
  // Not there: a checkpoint prefix (model.ckpt-2500) names files beside it.
  const parent = await stat(dirname(path)).catch(() => undefined);
  if (parent?.isDirectory()) return { root: dirname(path), initialPath: path };
  throw new FrostError('FILE_NOT_FOUND', `${path} does not exist.`, { file: path });
}

/** Opens the system browser; failures (no browser, headless machine) are ignored. */
export function openBrowser(url: string): void {
  const [command, args]: [string, string[]] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser: the printed URL is enough.
  }
}

/** Resolves on SIGINT, SIGTERM or `signal`; removes its listeners so a second Ctrl-C kills as usual. */
function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

export async function runServe(argv: string[], io: CliIO, hooks: ServeHooks = {}): Promise<number> {
  const p = parse('serve', argv, { port: { type: 'string' }, host: { type: 'string' }, 'no-open': { type: 'boolean' } });
  noExtraPositionals('serve', p, 1);
  const port = int('serve', p, 'port') ?? 0;
  if (port > 65535) throw new UsageError(`frost serve: --port must be 0 to 65535, not ${port}.`);
  const host = str(p, 'host') ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('frost serve: --host needs a host name or address.');
  const target = await servedTarget(p.positionals[0]);
  const server = await startServer({
    paths: [target.root],
    host,
    port,
    rendererDir: defaultRendererDir(),
    version: frostVersion(),
    ...(target.initialPath === undefined ? {} : { initialPath: target.initialPath }),
    warn: (line) => io.err(line),
    // Test-only: the browser e2e slows checksum checks down to watch and cancel one.
    ...(Number(process.env['FROST_TEST_JOB_PACE_MS']) > 0 ? { jobPaceMs: Number(process.env['FROST_TEST_JOB_PACE_MS']) } : {}),
  });
  try {
    io.out(`Frost is serving ${target.initialPath ?? target.root} at ${server.url}`);
    hooks.onListening?.(server);
    if (!flag(p, 'no-open')) (hooks.openBrowser ?? openBrowser)(server.url);
    await untilStopped(hooks.signal);
  } finally {
    await server.close();
  }
  return 0;
}
