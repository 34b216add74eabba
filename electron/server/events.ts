/**
 * `GET /api/events`: the progress of long jobs as Server-Sent Events, one `progress` event per
 * ProgressEvent of the server's FrostService, sent to every connected stream. `EventSource`
 * cannot set headers, so this one route also takes the token from `?token=` (the site checks
 * still apply: the Host must be this server and an Origin must be our own). A comment line
 * every 15 s keeps proxies and idle timers from cutting a quiet stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProgressEvent } from '../../shared/ipc/contract.js';
import { checkToken } from './request-guard.js';
import { sendProblem } from './responses.js';

export const KEEP_ALIVE_MS = 15_000;
/** More streams than any number of open tabs needs; past this, 503. */
export const MAX_STREAMS = 32;
/** How long the browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2_000;

export interface EventHub {
  /** Sends `event` to every connected stream. */
  broadcast(event: ProgressEvent): void;
  /** Answers `GET /api/events` (token, method, limits) and keeps the stream until it closes. */
  handle(req: IncomingMessage, res: ServerResponse, token: string): void;
  /** Connected streams (tests). */
  readonly size: number;
  /** Ends every stream and stops the keep-alive timer. */
  close(): void;
}

/** The tokens `?token=` carries in a request target (every occurrence, so a duplicate cannot hide a wrong one). */
export function queryTokens(target: string | undefined): string[] {
  const query = (target ?? '').split('#', 1)[0]?.split('?').slice(1).join('?') ?? '';
  return new URLSearchParams(query).getAll('token').filter((t) => t !== '');
}

export function createEventHub(keepAliveMs = KEEP_ALIVE_MS): EventHub {
  const streams = new Set<ServerResponse>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const write = (chunk: string): void => {
    for (const res of streams) res.write(chunk);
  };
  const stop = (res: ServerResponse): void => {
    streams.delete(res);
    if (streams.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    get size() {
      return streams.size;
    },
    broadcast(event) {
      if (streams.size > 0) write(`event: progress\ndata: ${JSON.stringify(event)}\n\n`);
    },
    handle(req, res, token) {
      const refused = checkToken(req.headers, token, queryTokens(req.url));
      if (refused) {
        const extra: Record<string, string> = refused.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="frost"' } : {};
        sendProblem(res, refused.status, refused.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', refused.message, extra);
        return;
      }
      if (req.method !== 'GET') {
        sendProblem(res, 405, 'METHOD_NOT_ALLOWED', 'Subscribe to events with GET.', { Allow: 'GET' });
        return;
      }
      if (streams.size >= MAX_STREAMS) {
        sendProblem(res, 503, 'TOO_MANY_STREAMS', `This Frost server already has ${MAX_STREAMS} event streams open.`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      streams.add(res);
      res.on('close', () => stop(res));
      req.socket.setKeepAlive(true);
      timer ??= setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
      timer.unref();
    },
    close() {
      for (const res of streams) res.end();
      streams.clear();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
