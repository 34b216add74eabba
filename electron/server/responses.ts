/** Response helpers shared by the static and API routes; every response carries the security headers. */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

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
function acceptsGzip(res: ServerResponse): boolean {
  const header = res.req.headers['accept-encoding'];
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
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(res)) {
    body = gzipSync(body, { level: 1 });
    extra['Content-Encoding'] = 'gzip';
    extra['Vary'] = 'Accept-Encoding';
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...extra, ...headers });
  res.end(body);
}

/** Transport-level refusals (401, 403, 404, …) in the same shape as a failed Result. */
export function sendProblem(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJSON(res, status, { ok: false, error: { code, message } }, headers);
}
