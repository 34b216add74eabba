/**
 * Who may talk to a `frost serve`: every request must name the server itself in `Host` (so a
 * DNS-rebound attacker domain is refused), a cross-site `Origin` is refused, and every API
 * call must carry the server's token. A browser page of another site can neither read the
 * token (it is only in the served page's URL) nor set these headers on a simple request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isLoopbackHost(host: string): boolean {
  const h = bare(host).toLowerCase();
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Bound to every interface (0.0.0.0 or ::). */
export function isWildcardHost(host: string): boolean {
  const h = bare(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** A host as it appears in a URL or a Host header: IPv6 addresses in brackets. */
export function urlHost(host: string): string {
  const h = bare(host);
  return isIP(h) === 6 ? `[${h}]` : h;
}

/**
 * The exact `Host` header values this server answers to: the bound host, plus the loopback
 * names when bound to loopback, plus this machine's own addresses and name when bound to
 * every interface. Never a name an attacker's DNS could point here.
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set<string>([bare(boundHost)]);
  if (isLoopbackHost(boundHost) || isWildcardHost(boundHost)) for (const n of ['localhost', '127.0.0.1', '::1']) names.add(n);
  if (isWildcardHost(boundHost)) {
    names.add(hostname());
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.address.includes('%')) names.add(a.address);
    }
  }
  const out = new Set<string>();
  for (const n of names) {
    const h = urlHost(n).toLowerCase();
    out.add(`${h}:${port}`);
    if (port === 80) out.add(h); // browsers leave the default port out
  }
  return out;
}

export type Refusal = { status: 401 | 403; message: string };

/** Host and Origin checks for every request, static or API. Undefined = accepted. */
export function checkSite(headers: IncomingHttpHeaders, hosts: ReadonlySet<string>): Refusal | undefined {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !hosts.has(host)) {
    return { status: 403, message: 'This Frost server only answers requests addressed to itself (unexpected Host header).' };
  }
  const origin = headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, hosts)) {
    return { status: 403, message: 'Requests from other sites are refused (unexpected Origin header).' };
  }
  return undefined;
}

function isOwnOrigin(origin: string, hosts: ReadonlySet<string>): boolean {
  const o = origin.toLowerCase();
  if (!o.startsWith('http://')) return false;
  return hosts.has(o.slice('http://'.length));
}

/** The tokens a request presents: `Authorization: Bearer <t>` and/or `X-Frost-Token: <t>`. */
export function presentedTokens(headers: IncomingHttpHeaders): string[] {
  const tokens: string[] = [];
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1] !== undefined) tokens.push(m[1]);
  }
  const header = headers['x-frost-token'];
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const v of values) if (v.trim() !== '') tokens.push(v.trim());
  return tokens;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison (hashing first makes the time independent of lengths too). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * 401 when no token is presented, 403 when any presented token is wrong. `extra` are tokens
 * from elsewhere (the query string of `GET /api/events`, which EventSource cannot give headers).
 */
export function checkToken(headers: IncomingHttpHeaders, token: string, extra: readonly string[] = []): Refusal | undefined {
  const tokens = [...presentedTokens(headers), ...extra];
  if (tokens.length === 0) {
    return { status: 401, message: 'This Frost server needs its access token: open the full link that `frost serve` printed (it ends in ?token=…).' };
  }
  let ok = true;
  for (const t of tokens) ok = sameSecret(t, token) && ok;
  return ok ? undefined : { status: 403, message: 'The access token does not match this Frost server: open the link printed by the running `frost serve` again.' };
}
