/**
 * The renderer's only way to the core (style anchors item 7). In Electron the preload exposes a
 * `FrostApi` as `window.frost`; in a browser (`frost serve`) every channel is
 * `POST /api/<channel>` with a JSON body and the page's access token as a bearer token. Either
 * way callers get a `Result`: this module never throws, so every failure reaches the UI as a
 * readable problem.
 */
import type { AppEvent, AppEvents, Channel, FrostApi, ProgressEvent, Req, Res, Result } from '../../../shared/ipc/contract.js';
import type { ProblemJSON } from '../../../shared/model/inspect-report.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    frost?: FrostApi;
  }
}

export interface FrostClient {
  readonly transport: 'electron' | 'http';
  call<C extends Channel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  onProgress(listener: (e: ProgressEvent) => void): () => void;
  /** Events from the Electron main process (menu commands, paths to open); none in browser mode. */
  onEvent<E extends AppEvent>(event: E, listener: (payload: AppEvents[E]) => void): () => void;
  /** The file-system path of a dropped file (Electron only; a browser never reveals it). */
  pathForFile(file: object): string | null;
  /**
   * Browser only: the link of a frozen graph (`pb`) or its manifest on the server, token
   * included (a download link cannot send headers); null in Electron, which saves through `freeze:save`.
   */
  downloadUrl(downloadId: string, part: 'pb' | 'manifest'): string | null;
  /** Browser only: downloads a frozen graph and its manifest (two downloads); false where there is no such thing. */
  downloadFrozen(downloadId: string): boolean;
  /** Browser only: downloads a single-file download (a tensor's .npy); false in Electron (use `freeze:save`). */
  downloadFile(downloadId: string): boolean;
}

/** What the client needs from its surroundings; `browserEnv()` supplies the real ones. */
export interface ClientEnv {
  frost?: FrostApi | undefined;
  /** The page URL (read for `?token=`). */
  href: string;
  /** Rewrites the address bar without navigating (`history.replaceState`). */
  replaceUrl(url: string): void;
  fetch: (input: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>;
  /** Opens a server-sent event stream (`new EventSource(url)`); absent where there is none. */
  eventSource?: ((url: string) => EventStream) | undefined;
  /** Starts a file download of `url` (an `<a download>` clicked); absent where there is none. */
  download?: ((url: string) => void) | undefined;
  /**
   * This tab's memory of the token (sessionStorage): the token leaves the address bar, so a
   * reload finds it here. Per tab and per server origin, gone when the tab closes.
   */
  tokenStore?: { get(): string | null; set(token: string): void } | undefined;
}

/** The part of `EventSource` the client uses. */
export interface EventStream {
  addEventListener(type: 'progress', listener: (e: { data: unknown }) => void): void;
  close(): void;
}

/** The reply text each HTTP result value was parsed from (see resultTextOf). */
const replyTexts = new WeakMap<object, string>();

/**
 * The JSON text of the reply `value` arrived in over HTTP (`{"ok":true,"value":…}`), or
 * undefined (Electron IPC, or a value made here). A string crosses to a worker far faster than
 * the object it parses to: the layout worker parses a 30k-node graph itself from this.
 */
export function resultTextOf(value: object): string | undefined {
  return replyTexts.get(value);
}

const problem = (code: string, message: string): { ok: false; error: ProblemJSON } => ({ ok: false, error: { code, message } });

function isResult(v: unknown): v is Result<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

/**
 * Takes `?token=` out of a page URL. Returns the token and the URL without it (other query
 * parameters and the hash kept), or `url: null` when there was nothing to remove.
 */
export function takeToken(href: string): { token: string | null; url: string | null } {
  const u = new URL(href);
  const token = u.searchParams.get('token');
  if (token === null) return { token: null, url: null };
  u.searchParams.delete('token');
  return { token, url: u.pathname + u.search + u.hash };
}

function isProgressEvent(v: unknown): v is ProgressEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<Record<keyof ProgressEvent, unknown>>;
  return typeof e.jobId === 'string' && typeof e.done === 'number' && typeof e.total === 'number' && typeof e.message === 'string';
}

/**
 * Progress over HTTP: one `GET /api/events` stream (the token in its query string, as
 * EventSource cannot set headers), opened on the first subscription and closed after the
 * last. A dropped stream is reconnected by the browser itself.
 */
function httpProgress(env: ClientEnv, token: string | null): FrostClient['onProgress'] {
  const listeners = new Set<(e: ProgressEvent) => void>();
  let stream: EventStream | null = null;
  return (listener) => {
    // Wrapped, so subscribing the same function twice gives two independent subscriptions.
    const entry = (e: ProgressEvent): void => listener(e);
    listeners.add(entry);
    if (stream === null && env.eventSource) {
      stream = env.eventSource(token === null ? '/api/events' : `/api/events?token=${encodeURIComponent(token)}`);
      stream.addEventListener('progress', (m) => {
        let e: unknown;
        try {
          e = typeof m.data === 'string' ? JSON.parse(m.data) : undefined;
        } catch {
          return;
        }
        if (!isProgressEvent(e)) return;
        for (const l of [...listeners]) l(e);
      });
    }
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && stream !== null) {
        stream.close();
        stream = null;
      }
    };
  };
}

function electronClient(api: FrostApi): FrostClient {
  return {
    transport: 'electron',
    async call(channel, req) {
      try {
        const fn = api[channel] as unknown as (r: typeof req) => Promise<unknown>;
        const res = await fn(req);
        return isResult(res) ? (res as Result<Res<typeof channel>>) : problem('BAD_RESPONSE', `The app answered ${channel} with something that is not a result.`);
      } catch (e) {
        return problem('IPC_FAILED', `The call ${channel} failed inside the app: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    onProgress: (listener) => api.onProgress(listener),
    onEvent: (event, listener) => api.on?.(event, listener) ?? (() => {}),
    pathForFile: (file) => {
      try {
        return api.pathForFile?.(file) || null;
      } catch {
        return null;
      }
    },
    downloadUrl: () => null,
    downloadFrozen: () => false,
    downloadFile: () => false,
  };
}

function httpClient(env: ClientEnv, token: string | null): FrostClient {
  const downloadUrl = (downloadId: string, part: 'pb' | 'manifest'): string => {
    const path = `/api/download/${encodeURIComponent(downloadId)}${part === 'manifest' ? '/manifest' : ''}`;
    return token === null ? path : `${path}?token=${encodeURIComponent(token)}`;
  };
  return {
    transport: 'http',
    async call(channel, req) {
      let res: Awaited<ReturnType<ClientEnv['fetch']>>;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      try {
        // Absolute path: a relative "source:open" would parse as a URL scheme.
        res = await env.fetch(`/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(req) });
      } catch {
        return problem('NETWORK', 'Frost could not reach its server. Is `frost serve` still running?');
      }
      let body: unknown;
      let text = '';
      try {
        text = await res.text();
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (isResult(body)) {
        // Only big replies are worth keeping the text of (a graph: megabytes).
        if (body.ok && typeof body.value === 'object' && body.value !== null && text.length >= 1 << 20) replyTexts.set(body.value, text);
        return body as Result<Res<typeof channel>>;
      }
      if (res.status === 401 || res.status === 403) {
        return problem(
          'UNAUTHORIZED',
          token === null
            ? 'The server needs the access token: open the full link that `frost serve` printed (it ends in ?token=…).'
            : 'The server refused the access token. Open the link printed by the running `frost serve` again.',
        );
      }
      if (!res.ok) return problem(`HTTP_${res.status}`, `The server answered ${channel} with HTTP ${res.status} ${res.statusText}`.trim() + '.');
      return problem('BAD_RESPONSE', `The server answered ${channel} with something that is not a result.`);
    },
    onProgress: httpProgress(env, token),
    onEvent: () => () => {},
    pathForFile: () => null,
    downloadUrl,
    downloadFrozen(downloadId) {
      if (!env.download) return false;
      env.download(downloadUrl(downloadId, 'pb'));
      env.download(downloadUrl(downloadId, 'manifest'));
      return true;
    },
    downloadFile(downloadId) {
      if (!env.download) return false;
      env.download(downloadUrl(downloadId, 'pb'));
      return true;
    },
  };
}

/**
 * Creates the client for `env`: the preload's API when present, HTTP otherwise. In HTTP mode
 * the token is read from the page URL once, kept only in memory and removed from the address
 * bar so it does not end up in screenshots or shared links.
 */
export function createClient(env: ClientEnv): FrostClient {
  if (env.frost) return electronClient(env.frost);
  const { token: fromUrl, url } = takeToken(env.href);
  if (url !== null) env.replaceUrl(url);
  if (fromUrl !== null) env.tokenStore?.set(fromUrl);
  return httpClient(env, fromUrl ?? env.tokenStore?.get() ?? null);
}

const TOKEN_KEY = 'frost.serve.token';

/** The real browser surroundings. */
export function browserEnv(): ClientEnv {
  return {
    frost: window.frost,
    href: window.location.href,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    fetch: (input, init) => window.fetch(input, init),
    eventSource: typeof EventSource === 'function' ? (url) => new EventSource(url) : undefined,
    tokenStore: {
      get: () => {
        try {
          return window.sessionStorage.getItem(TOKEN_KEY);
        } catch {
          return null; // storage blocked: the printed link still works
        }
      },
      set: (token) => {
        try {
          window.sessionStorage.setItem(TOKEN_KEY, token);
        } catch {
          // storage blocked: a reload then needs the printed link again
        }
      },
    },
    download: (url) => {
      const a = document.createElement('a');
      a.href = url;
      a.download = '';
      a.rel = 'noopener';
      a.style.display = 'none';
      document.body.append(a);
      a.click();
      a.remove();
    },
  };
}

let shared: FrostClient | undefined;

/** The app's one client, created on first use. */
export function getClient(): FrostClient {
  shared ??= createClient(browserEnv());
  return shared;
}
