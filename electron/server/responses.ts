/** Response helpers shared by the static and API routes; every response carries the security headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip, gzipSync } from 'node:zlib';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never leak it through Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Replies at least this big are gzipped when the client accepts it. */
const GZIP_MIN_BYTES = 64 * 1024;

/** Whether the request's Accept-Encoding allows gzip (q=0 refuses it). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return coding === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function sendJSON(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  let body = Buffer.from(JSON.stringify(value), 'utf8');
  const extra: Record<string, string> = {};
  // A 30k-node graph is ~9.5 MB of JSON; gzip level 1 shrinks it ~10× in ~60 ms, which is
  // what matters when `frost serve` runs on a remote training box behind an SSH tunnel.
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(res.req)) {
    body = gzipSync(body, { level: 1 });
    extra['Content-Encoding'] = 'gzip';
    extra['Vary'] = 'Accept-Encoding';
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...extra, ...headers });
  res.end(body);
}

/** The UTF-8 JSON of the successful Result holding `value`, as sendJSON would send it. */
const resultBytes = (value: object): Buffer => Buffer.from(JSON.stringify({ ok: true, value }), 'utf8');

/**
 * Big replies encoded once, ahead of their request where possible: a 30k-node graph costs
 * ~60 ms to stringify and ~45 ms to gzip, which a preopened graph pays while the page is still
 * loading (server.ts) and any graph pays only once however often it is asked for (a reload, a
 * Compare pane). Keyed by the reply's value (the service keeps one GraphIR per open source), so
 * a body lives as long as its value; only the gzipped bytes are kept (~0.5 MB for 30k nodes).
 */
const preparedBodies = new WeakMap<object, Promise<Buffer>>();

/**
 * Starts (once) encoding `{ok: true, value}` as gzipped JSON; the gzip runs on libuv's thread
 * pool, after a turn of the event loop. `urgent` (a graph's structure, which the page draws
 * first) encodes at once on this thread instead, so no other work queued meanwhile comes first.
 */
export function prepareResult(value: object, urgent = false): Promise<Buffer> {
  let body = preparedBodies.get(value);
  if (!body && urgent) {
    body = Promise.resolve(gzipSync(resultBytes(value), { level: 1 }));
    preparedBodies.set(value, body);
  }
  if (!body) {
    // After a turn of the event loop, so requests already waiting are answered first.
    body = new Promise<void>((resolve) => setImmediate(resolve)).then(
      () => new Promise<Buffer>((resolve, reject) => gzip(resultBytes(value), { level: 1 }, (e, out) => (e ? reject(e) : resolve(out)))),
    );
    body.catch(() => preparedBodies.delete(value));
    preparedBodies.set(value, body);
  }
  return body;
}

/** Sends `{ok: true, value}` from its prepared gzip body, or as plain JSON to a client that refuses gzip. */
export async function sendPreparedResult(res: ServerResponse, value: object, urgent = false): Promise<void> {
  if (!acceptsGzip(res.req)) {
    sendJSON(res, 200, { ok: true, value });
    return;
  }
  const body = await prepareResult(value, urgent);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  res.end(body);
}

/** Transport-level refusals (401, 403, 404, …) in the same shape as a failed Result. */
export function sendProblem(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJSON(res, status, { ok: false, error: { code, message } }, headers);
}
