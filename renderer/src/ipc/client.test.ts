import { describe, expect, it, vi } from 'vitest';
import type { FrostApi, ProgressEvent } from '../../../shared/ipc/contract.js';
import { createClient, resultTextOf, takeToken, type ClientEnv, type EventStream } from './client.js';

type FetchInit = { method: string; headers: Record<string, string>; body: string };

function env(href: string, respond: (url: string, init: FetchInit) => { status?: number; body: string } | Promise<never>, frost?: FrostApi) {
  const replaced: string[] = [];
  const fetch = vi.fn(async (url: string, init: FetchInit) => {
    const r = await respond(url, init);
    const status = r.status ?? 200;
    return { ok: status >= 200 && status < 300, status, statusText: status === 401 ? 'Unauthorized' : status === 500 ? 'Internal Server Error' : 'OK', text: async () => r.body };
  });
  const e: ClientEnv = { frost, href, replaceUrl: (u) => replaced.push(u), fetch };
  return { env: e, fetch, replaced };
}

describe('takeToken', () => {
  it('takes the token out and keeps the rest of the URL', () => {
    expect(takeToken('http://127.0.0.1:5000/?token=abc&x=1#h')).toEqual({ token: 'abc', url: '/?x=1#h' });
    expect(takeToken('http://127.0.0.1:5000/?token=abc')).toEqual({ token: 'abc', url: '/' });
  });
  it('leaves a URL without a token alone', () => {
    expect(takeToken('http://127.0.0.1:5000/?x=1')).toEqual({ token: null, url: null });
  });
});

describe('HTTP client', () => {
  it('POSTs JSON to /api/<channel> with the bearer token, and strips the token from the address bar', async () => {
    const t = env('http://127.0.0.1:5000/?token=s3cret', () => ({ body: JSON.stringify({ ok: true, value: { closed: true } }) }));
    const client = createClient(t.env);
    expect(client.transport).toBe('http');
    expect(t.replaced).toEqual(['/']);
    const res = await client.call('source:close', { sourceId: 'a' });
    expect(res).toEqual({ ok: true, value: { closed: true } });
    expect(t.fetch).toHaveBeenCalledTimes(1);
    const [url, init] = t.fetch.mock.calls[0]!;
    expect(url).toBe('/api/source:close');
    expect(init.method).toBe('POST');
    expect(init.headers.Authorization).toBe('Bearer s3cret');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ sourceId: 'a' });
  });

  it('keeps the reply text of a big value (handed to the layout worker), not of small ones', async () => {
    const graph = { file: 'g.pb', functions: [], nodes: Array.from({ length: 20_000 }, (_, i) => ({ name: `layer_${i}/MatMul`, op: 'MatMul', inputs: [], controlInputs: [], attrs: {} })) };
    const text = JSON.stringify({ ok: true, value: graph });
    expect(text.length).toBeGreaterThan(1 << 20);
    const big = await createClient(env('http://h/?token=t', () => ({ body: text })).env).call('graph:get', { sourceId: 'a' });
    expect(big.ok && resultTextOf(big.value)).toBe(text);
    const small = await createClient(env('http://h/?token=t', () => ({ body: JSON.stringify({ ok: true, value: { closed: true } }) })).env).call('source:close', { sourceId: 'a' });
    expect(small.ok && resultTextOf(small.value)).toBeUndefined();
  });

  it('remembers the token for a reload of the tab (the address bar no longer has it)', async () => {
    let stored: string | null = null;
    const tokenStore = { get: () => stored, set: (t: string) => void (stored = t) };
    const first = env('http://127.0.0.1:5000/?token=s3cret', () => ({ body: JSON.stringify({ ok: true, value: {} }) }));
    await createClient({ ...first.env, tokenStore }).call('app:info', {});
    expect(stored).toBe('s3cret');
    const reload = env('http://127.0.0.1:5000/', () => ({ body: JSON.stringify({ ok: true, value: {} }) }));
    await createClient({ ...reload.env, tokenStore }).call('app:info', {});
    expect(reload.fetch.mock.calls[0]?.[1].headers.Authorization).toBe('Bearer s3cret');
    // A new link wins over the remembered token.
    const other = env('http://127.0.0.1:5000/?token=n3w', () => ({ body: JSON.stringify({ ok: true, value: {} }) }));
    await createClient({ ...other.env, tokenStore }).call('app:info', {});
    expect(other.fetch.mock.calls[0]?.[1].headers.Authorization).toBe('Bearer n3w');
    expect(stored).toBe('n3w');
  });

  it('passes failed Results through unchanged', async () => {
    const error = { code: 'FILE_NOT_FOUND', message: '/x does not exist.', file: '/x' };
    const t = env('http://h/?token=t', () => ({ body: JSON.stringify({ ok: false, error }) }));
    expect(await createClient(t.env).call('source:open', { path: '/x' })).toEqual({ ok: false, error });
  });

  it('keeps a Result the server sends with an error status (e.g. its 401 problem)', async () => {
    const t = env('http://h/?token=t', () => ({ status: 401, body: JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong token.' } }) }));
    expect(await createClient(t.env).call('app:info', {})).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong token.' } });
  });

  it('explains a 401 without a body, and says when the page had no token', async () => {
    const withToken = await createClient(env('http://h/?token=t', () => ({ status: 401, body: '' })).env).call('app:info', {});
    expect(withToken.ok).toBe(false);
    if (!withToken.ok) expect(withToken.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('refused the access token') });

    const t = env('http://h/', () => ({ status: 401, body: 'no' }));
    const res = await createClient(t.env).call('app:info', {});
    expect(t.replaced).toEqual([]);
    expect(t.fetch.mock.calls[0]![1].headers.Authorization).toBeUndefined();
    if (!res.ok) expect(res.error.message).toContain('?token=');
  });

  it('turns other HTTP errors, non-results and network failures into problems instead of throwing', async () => {
    const http500 = await createClient(env('http://h/?token=t', () => ({ status: 500, body: '<html>' })).env).call('app:info', {});
    expect(http500).toEqual({ ok: false, error: { code: 'HTTP_500', message: 'The server answered app:info with HTTP 500 Internal Server Error.' } });

    const junk = await createClient(env('http://h/?token=t', () => ({ body: '{"hello":1}' })).env).call('app:info', {});
    expect(junk).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });

    const down = await createClient(env('http://h/?token=t', () => Promise.reject(new TypeError('Failed to fetch'))).env).call('app:info', {});
    expect(down).toMatchObject({ ok: false, error: { code: 'NETWORK', message: expect.stringContaining('frost serve') } });
  });

  it('has no main-process events and no file paths in a browser', () => {
    const client = createClient(env('http://h/?token=t', () => ({ body: '' })).env);
    expect(() => client.onProgress(() => {})()).not.toThrow();
    expect(() => client.onEvent('app:open-path', () => {})()).not.toThrow();
    expect(client.pathForFile({})).toBeNull();
  });
});

describe('HTTP progress events', () => {
  function streams() {
    const opened: { url: string; listeners: Map<string, (e: { data: unknown }) => void>; closed: boolean }[] = [];
    const eventSource = (url: string): EventStream => {
      const s = { url, listeners: new Map<string, (e: { data: unknown }) => void>(), closed: false };
      opened.push(s);
      return { addEventListener: (type, l) => void s.listeners.set(type, l), close: () => void (s.closed = true) };
    };
    const push = (data: unknown) => opened.at(-1)?.listeners.get('progress')?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
    return { opened, eventSource, push };
  }
  const progress: ProgressEvent = { jobId: 'j', done: 3, total: 17, message: 'Checked 3 of 17 tensors' };

  it('opens /api/events?token=… lazily, once for all listeners, and closes it after the last', () => {
    const s = streams();
    const t = env('http://h/?token=a b&c', () => ({ body: '' }));
    const client = createClient({ ...t.env, eventSource: s.eventSource });
    expect(s.opened).toHaveLength(0);
    const a = vi.fn();
    const b = vi.fn();
    const offA = client.onProgress(a);
    const offB = client.onProgress(b);
    expect(s.opened.map((o) => o.url)).toEqual(['/api/events?token=a%20b']);
    s.push(progress);
    expect(a).toHaveBeenCalledWith(progress);
    expect(b).toHaveBeenCalledWith(progress);
    offA();
    s.push({ ...progress, done: 4 });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    expect(s.opened[0]?.closed).toBe(false);
    offB();
    offB();
    expect(s.opened[0]?.closed).toBe(true);
    // A new subscription opens a new stream.
    client.onProgress(a);
    expect(s.opened).toHaveLength(2);
  });

  it('ignores malformed events', () => {
    const s = streams();
    const client = createClient({ ...env('http://h/?token=t', () => ({ body: '' })).env, eventSource: s.eventSource });
    const l = vi.fn();
    client.onProgress(l);
    s.push('{not json');
    s.push({ jobId: 'j', done: '3' });
    s.push(null);
    expect(l).not.toHaveBeenCalled();
  });

  it('subscribes without a stream where EventSource is missing', () => {
    const client = createClient(env('http://h/?token=t', () => ({ body: '' })).env);
    expect(() => client.onProgress(() => {})()).not.toThrow();
  });
});

describe('frozen graph downloads', () => {
  it('builds token links to /api/download and starts both downloads in the browser', () => {
    const started: string[] = [];
    const client = createClient({ ...env('http://h/?token=t%2B1', () => ({ body: '' })).env, download: (u) => started.push(u) });
    expect(client.downloadUrl('d-1', 'pb')).toBe('/api/download/d-1?token=t%2B1');
    expect(client.downloadUrl('d-1', 'manifest')).toBe('/api/download/d-1/manifest?token=t%2B1');
    expect(client.downloadFrozen('d-1')).toBe(true);
    expect(started).toEqual(['/api/download/d-1?token=t%2B1', '/api/download/d-1/manifest?token=t%2B1']);
  });

  it('has no links without a token, and no downloads where the environment cannot download', () => {
    const client = createClient(env('http://h/', () => ({ body: '' })).env);
    expect(client.downloadUrl('d', 'pb')).toBe('/api/download/d');
    expect(client.downloadFrozen('d')).toBe(false);
  });
});

describe('Electron client', () => {
  function api(overrides: Partial<FrostApi> = {}): FrostApi {
    const fail = async () => ({ ok: false as const, error: { code: 'X', message: 'x' } });
    return {
      'app:info': async () => ({ ok: true, value: { version: '1', mode: 'electron', platform: 'linux' } }),
      'source:open': fail,
      'source:close': fail,
      'graph:get': fail,
      'tensor:get': fail,
      'recent:list': fail,
      'source:verify': fail,
      'freeze:suggest': fail,
      'freeze:run': fail,
      'freeze:preview': fail,
      'freeze:verify': fail,
      'freeze:save': fail,
      'freeze:open': fail,
      'diff:run': fail,
      'tensor:npy': fail,
      'job:cancel': fail,
      onProgress: () => () => {},
      ...overrides,
    };
  }

  it('uses window.frost when the preload exposed it, and never fetches', async () => {
    const t = env('file:///app/index.html?token=zzz', () => {
      throw new Error('fetch must not be used');
    }, api());
    const client = createClient(t.env);
    expect(client.transport).toBe('electron');
    expect(t.replaced).toEqual([]);
    expect(await client.call('app:info', {})).toEqual({ ok: true, value: { version: '1', mode: 'electron', platform: 'linux' } });
    expect(t.fetch).not.toHaveBeenCalled();
    // Frozen graphs are saved through freeze:save, never downloaded.
    expect(client.downloadUrl('d', 'pb')).toBeNull();
    expect(client.downloadFrozen('d')).toBe(false);
  });

  it('turns a rejected IPC call or a malformed answer into a problem', async () => {
    const client = createClient(
      env('file:///a', () => ({ body: '' }), api({ 'source:open': () => Promise.reject(new Error('boom')), 'graph:get': async () => 'nope' as never })).env,
    );
    expect(await client.call('source:open', { path: '/x' })).toMatchObject({ ok: false, error: { code: 'IPC_FAILED', message: expect.stringContaining('boom') } });
    expect(await client.call('graph:get', { sourceId: 'a' })).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });
  });

  it('subscribes to main-process events and asks the preload for dropped files\' paths', () => {
    const on = vi.fn(() => () => {});
    const client = createClient(env('file:///a', () => ({ body: '' }), api({ on, pathForFile: () => '/x/model.meta' })).env);
    const listener = () => {};
    client.onEvent('app:open-path', listener);
    expect(on).toHaveBeenCalledWith('app:open-path', listener);
    expect(client.pathForFile({})).toBe('/x/model.meta');
    const bare = createClient(env('file:///a', () => ({ body: '' }), api()).env);
    expect(() => bare.onEvent('app:command', () => {})()).not.toThrow();
    expect(bare.pathForFile({})).toBeNull();
  });

  it('forwards progress listeners to the preload', () => {
    const onProgress = vi.fn(() => () => {});
    const client = createClient(env('file:///a', () => ({ body: '' }), api({ onProgress })).env);
    const listener = () => {};
    client.onProgress(listener);
    expect(onProgress).toHaveBeenCalledWith(listener);
  });
});
