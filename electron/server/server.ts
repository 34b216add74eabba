/**
 * `frost serve`: the browser-mode transport. Plain `node:http`, one process, serving the built
 * renderer and `POST /api/<channel>` over the same FrostService as Electron's main process,
 * plus `GET /api/events`, the job progress of that service as server-sent events.
 *
 * Every request passes the site checks (Host names this server, Origin absent or our own);
 * every API call also needs the token; file access goes through the path allow-list
 * (path-guard.ts). Loopback only unless a host is given.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecentEntry } from '../../shared/ipc/contract.js';
import { FrostError } from '../core/index.js';
import { FrostService, type ServiceOptions } from '../core/service/frost-service.js';
import { handleApi } from './api.js';
import { createEventHub } from './events.js';
import { createPathGuard } from './path-guard.js';
import { allowedHosts, checkSite, isLoopbackHost, isWildcardHost, urlHost } from './request-guard.js';
import { prepareResult, sendProblem, sendText, setSecurityHeaders } from './responses.js';
import { preloadStatic, serveStatic } from './static-files.js';

/** How long `frost serve PATH` waits for the page before parsing PATH anyway (a browser can take seconds to start). */
const PREOPEN_GRACE_MS = 300;

export interface ServerOptions {
  /** Allowed roots: only paths whose real location is inside one of these may be opened. */
  paths: string[];
  /** Interface to bind (default 127.0.0.1). Anything but loopback prints a warning. */
  host?: string;
  /** Port (default 0 = any free port). */
  port?: number;
  /** API token (default: 32 random bytes as hex). */
  token?: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  version: string;
  /** What the UI opens on start (app:info's initialPath). */
  initialPath?: string;
  /** Where the one-line network warning goes (default: stderr). */
  warn?: (line: string) => void;
  /** Test-only: per-tensor wait of checksum checks (ServiceOptions.jobPaceMs). */
  jobPaceMs?: number;
}

export interface RunningServer {
  /** `http://host:port/?token=…`: the page to open. */
  url: string;
  token: string;
  port: number;
  host: string;
  /** Stops listening, cuts open connections and closes every open source. Idempotent. */
  close(): Promise<void>;
}

const MAX_RECENT = 20;

/** Recent files of this server run (serve mode keeps them in memory only). */
function memoryRecent(): NonNullable<ServiceOptions['recent']> {
  let entries: RecentEntry[] = [];
  return {
    list: () => entries.map((e) => ({ ...e })),
    add: (path) => {
      entries = [{ path, openedAt: Date.now() }, ...entries.filter((e) => e.path !== path)].slice(0, MAX_RECENT);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: unknown): void => {
      const code = (e as { code?: unknown } | null)?.code;
      const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : e instanceof Error ? e.message : String(e);
      reject(new FrostError('USAGE', `Frost cannot listen on ${urlHost(host)}:${port}: ${why}.`, { cause: e }));
    };
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function validToken(token: string): string {
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) throw new FrostError('USAGE', 'The server token must be 16 to 512 printable ASCII characters without spaces.');
  return token;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FrostError('USAGE', `The port must be 0 to 65535, not ${port}.`);
  const token = validToken(options.token ?? randomBytes(32).toString('hex'));
  const guard = await createPathGuard(options.paths);
  const events = createEventHub();
  // Before the preopen below starts keeping the event loop busy.
  const staticCache = await preloadStatic(options.rendererDir);
  const service = new FrostService({
    mode: 'serve',
    version: options.version,
    ...(options.initialPath === undefined ? {} : { initialPath: options.initialPath }),
    allowPath: (path) => guard.allows(path),
    recent: memoryRecent(),
    onProgress: (e) => events.broadcast(e),
    ...(options.jobPaceMs ? { jobPaceMs: options.jobPaceMs } : {}),
  });
  // The page opens the served path first thing: parse it and encode its graph reply ahead of
  // the page's request. That work keeps the event loop busy for ~0.4 s at a stretch on a big
  // graph, so it starts once the page's script is out (it cannot ask for anything before its
  // script runs), on its first API call, or after PREOPEN_GRACE_MS if no page comes sooner.
  let preopenStarted = options.initialPath === undefined;
  const startPreopen = (): void => {
    if (preopenStarted || options.initialPath === undefined) return;
    preopenStarted = true;
    void service.preopen(options.initialPath).then((made) => {
      if (!made) return;
      prepareResult(made.structure, true).catch(() => undefined);
      prepareResult(made.graph).catch(() => undefined);
    });
  };
  if (!preopenStarted) setTimeout(startPreopen, PREOPEN_GRACE_MS).unref();
  const sentStatic = (pathname: string): void => {
    if (pathname.endsWith('.js')) startPreopen();
  };

  // Filled in once the port is known; until then nothing is accepted.
  let hosts: ReadonlySet<string> = new Set();

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const target = req.url ?? '';
    const pathname = target.split(/[?#]/, 1)[0] ?? '';
    const isApi = pathname === '/api' || pathname.startsWith('/api/');
    const refused = checkSite(req.headers, hosts);
    if (refused) {
      if (isApi) sendProblem(res, refused.status, 'FORBIDDEN', refused.message);
      else sendText(res, refused.status, refused.message);
      return;
    }
    if (isApi) {
      startPreopen();
      await handleApi(req, res, { service, token, events }, pathname.slice('/api/'.length));
    } else await serveStatic(req, res, options.rendererDir, pathname, staticCache, sentStatic);
  };

  const server = createServer((req, res) => {
    dispatch(req, res).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (res.headersSent) res.destroy();
      else sendProblem(res, 500, 'INTERNAL', `Frost hit an internal error: ${message}`);
    });
  });
  await listen(server, port, host);
  const bound = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, bound);

  if (!isLoopbackHost(host)) {
    (options.warn ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `Warning: Frost is listening on ${urlHost(host)}:${bound}, reachable from the network; only the token protects it.`,
    );
  }

  // A wildcard bind is not a place a browser can go; the loopback name is.
  const shownHost = isWildcardHost(host) ? '127.0.0.1' : urlHost(host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}/?token=${token}`,
    token,
    port: bound,
    host,
    close(): Promise<void> {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        events.close();
        server.closeAllConnections();
        await stopped;
        await service.dispose();
      })();
      return closing;
    },
  };
}
