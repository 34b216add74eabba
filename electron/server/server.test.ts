/**
 * `frost serve`'s HTTP rules against a real server on 127.0.0.1 (port 0): token, Host/Origin,
 * status codes, the path allow-list (`..` and symlink escapes) and the static files. Each
 * refused request targets something that would succeed if the rule were missing.
 */
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type AppInfo, type OpenedSource, type Result, type TensorSummary } from '../../shared/ipc/contract.js';
import type { GraphIR } from '../../shared/model/graph-ir.js';
import { fixture } from '../../test/fixtures.js';
import { CONTENT_SECURITY_POLICY } from './responses.js';
import { startServer, type RunningServer } from './server.js';

const simple = fixture('simple-model-freeze-oracle');
const base = realpathSync(mkdtempSync(join(tmpdir(), 'frost-serve-')));
const root = join(base, 'root');
const outside = join(base, 'outside');
const renderer = join(base, 'renderer');
const BIG_JS = Array.from({ length: 400 }, (_, i) => `console.log("frost line ${i}");`).join('\n');
const INDEX_HTML = '<!doctype html><title>Frost</title><script type="module" src="/assets/app.js"></script>';

let server: RunningServer;
let origin: string;

beforeAll(async () => {
  // Allowed: root/model (a copy of the fixture) and a symlink to it that stays inside.
  mkdirSync(root);
  cpSync(simple, join(root, 'model'), { recursive: true });
  symlinkSync(join(root, 'model'), join(root, 'inner-link'));
  // Outside: an openable copy, so a broken guard would visibly open it.
  cpSync(simple, outside, { recursive: true });
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'frozen_model.pb'), join(root, 'escape.pb'));
  symlinkSync(join(base, 'nowhere'), join(root, 'dangling'));
  // A built renderer, plus files it must not serve.
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), INDEX_HTML);
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("frost");');
  writeFileSync(join(renderer, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(renderer, 'assets', 'big.js'), BIG_JS);
  writeFileSync(join(renderer, '.env'), 'SECRET=1');
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
  symlinkSync(join(base, 'secret.txt'), join(renderer, 'assets', 'sneaky.txt'));
  server = await startServer({ paths: [root], rendererDir: renderer, version: '9.9.9-test', initialPath: join(root, 'model') });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request exactly as written (no URL normalization, any Host), unlike fetch. */
function raw(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; setHost?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {}, setHost: opts.setHost ?? true, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function auth(token = server.token): Record<string, string> {
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

async function call<T>(channel: string, req: unknown, headers: Record<string, string> = auth()): Promise<{ status: number; result: Result<T> }> {
  const res = await fetch(`${origin}/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(req) });
  return { status: res.status, result: (await res.json()) as Result<T> };
}

async function value<T>(channel: string, req: unknown): Promise<T> {
  const { status, result } = await call<T>(channel, req);
  expect(status).toBe(200);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.value;
}

describe('the token', () => {
  it('is 32 random bytes in hex, and in the URL', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('is required: 401 without it', async () => {
    const res = await fetch(`${origin}/api/app:info`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await res.json()) as Result<unknown>;
    expect(body.ok).toBe(false);
    // Also without a usable scheme, and for unknown channels (no probing without the token).
    expect((await call('app:info', {}, { Authorization: `Basic ${server.token}` })).status).toBe(401);
    expect((await fetch(`${origin}/api/nope`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('must match: 403 when wrong (either header, any length)', async () => {
    const wrong = server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect((await call('app:info', {}, auth(wrong))).status).toBe(403);
    expect((await call('app:info', {}, { 'X-Frost-Token': wrong })).status).toBe(403);
    expect((await call('app:info', {}, auth('short'))).status).toBe(403);
    expect((await call('app:info', {}, auth(`${server.token}0`))).status).toBe(403);
    // A right and a wrong token together are refused.
    expect((await call('app:info', {}, { ...auth(), 'X-Frost-Token': wrong })).status).toBe(403);
  });

  it('guards every API route: 401 without it and 403 with a wrong one, before anything runs', async () => {
    const wrong = server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const routes = [...CHANNELS.map((c) => ({ path: `/api/${c}`, method: 'POST' })), { path: '/api/events', method: 'GET' }, { path: '/api/download/0123456789abcdef', method: 'GET' }];
    for (const { path, method } of routes) {
      const init = method === 'POST' ? { method, body: JSON.stringify({ path: join(root, 'model') }) } : { method };
      expect((await fetch(`${origin}${path}`, init)).status, `${path} without a token`).toBe(401);
      const res = await fetch(`${origin}${path}`, { ...init, headers: { Authorization: `Bearer ${wrong}` } });
      expect(res.status, `${path} with a wrong token`).toBe(403);
    }
    // Nothing was opened by the refused source:open calls.
    expect(await value<unknown[]>('recent:list', {})).toEqual([]);
  });

  it('opens the API: 200 with Bearer or X-Frost-Token', async () => {
    const a = await call<AppInfo>('app:info', {});
    expect(a.status).toBe(200);
    expect(a.result).toEqual({ ok: true, value: { version: '9.9.9-test', mode: 'serve', platform: process.platform, initialPath: join(root, 'model') } });
    const b = await call<AppInfo>('app:info', {}, { 'X-Frost-Token': server.token });
    expect(b.status).toBe(200);
    expect(b.result.ok).toBe(true);
  });

  it('is not needed for the static files', async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
  });

  it('can be given, and a weak one is refused', async () => {
    const given = 'a-long-enough-test-token-0123456789';
    const s = await startServer({ paths: [root], rendererDir: renderer, version: 't', token: given });
    try {
      expect(s.token).toBe(given);
      const ok = await fetch(`http://127.0.0.1:${s.port}/api/app:info`, { method: 'POST', headers: { 'X-Frost-Token': given }, body: '{}' });
      expect(ok.status).toBe(200);
    } finally {
      await s.close();
    }
    await expect(startServer({ paths: [root], rendererDir: renderer, version: 't', token: 'abc' })).rejects.toThrow(/token/);
  });
});

describe('Host and Origin (DNS rebinding, CSRF)', () => {
  it('refuses a foreign Host with 403, on the API and the static files', async () => {
    const api = await raw(server.port, '/api/app:info', { method: 'POST', headers: { ...auth(), host: `evil.example:${server.port}` }, body: '{}' });
    expect(api.status).toBe(403);
    expect(api.body).toContain('Host');
    const page = await raw(server.port, '/', { headers: { host: 'evil.example' } });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('<title>Frost');
    expect((await raw(server.port, '/', { headers: { host: `127.0.0.1:${server.port + 1}` } })).status).toBe(403);
    // No Host at all: Node's HTTP/1.1 parser refuses it (400) before it reaches us.
    expect((await raw(server.port, '/', { setHost: false })).status).toBe(400);
    // HTTP/1.0 may leave Host out: then we refuse it.
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.[01] 403 /);
  });

  it('answers to its loopback names', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      const res = await raw(server.port, '/api/app:info', { method: 'POST', headers: { ...auth(), host }, body: '{}' });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403 and accepts its own', async () => {
    const evil = await call('app:info', {}, { ...auth(), Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect((await call('app:info', {}, { ...auth(), Origin: 'null' })).status).toBe(403);
    expect((await call('app:info', {}, { ...auth(), Origin: `https://127.0.0.1:${server.port}` })).status).toBe(403);
    expect((await fetch(`${origin}/`, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call('app:info', {}, { ...auth(), Origin: origin })).status).toBe(200);
    expect((await call('app:info', {}, { ...auth(), Origin: `http://localhost:${server.port}` })).status).toBe(200);
  });
});

describe('API status codes', () => {
  it('404 for an unknown channel', async () => {
    const r = await call('nope:nothing', {});
    expect(r.status).toBe(404);
    expect(r.result.ok).toBe(false);
    expect((await call('', {})).status).toBe(404);
  });

  it('405 for anything but POST', async () => {
    const get = await fetch(`${origin}/api/app:info`, { headers: auth() });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${origin}/api/app:info`, { method: 'PUT', headers: auth(), body: '{}' })).status).toBe(405);
  });

  it('413 for a body over 1 MiB (and 200 just under)', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(2 * 1024 * 1024) });
    const res = await fetch(`${origin}/api/source:open`, { method: 'POST', headers: auth(), body: big });
    expect(res.status).toBe(413);
    const fits = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - 20) });
    expect((await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: fits })).status).toBe(200);
  });

  it('413 at once from Content-Length, without waiting for the body', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(`POST /api/app:info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: 104857600\r\n\r\n{`),
      );
      socket.on('data', (d: Buffer) => {
        text += d.toString('utf8');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply.toLowerCase()).toContain('connection: close');
  });

  it('413 also for a chunked body without Content-Length', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 3; i++) c.enqueue(new Uint8Array(512 * 1024).fill(32));
        c.close();
      },
    });
    const res = await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('400 for invalid JSON or a body that is not an object', async () => {
    const bad = await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: '{"path":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Result<unknown>).ok).toBe(false);
    expect((await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: '[1]' })).status).toBe(400);
    expect((await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: 'null' })).status).toBe(400);
    // An empty body is the empty request.
    expect((await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth() })).status).toBe(200);
  });

  it('answers application errors with 200 and {ok:false,error}', async () => {
    const r = await call('source:close', {});
    expect(r.status).toBe(200);
    expect(r.result).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('sets the security headers and no-store on API answers', async () => {
    const res = await fetch(`${origin}/api/app:info`, { method: 'POST', headers: auth(), body: '{}' });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('channels on a real checkpoint', () => {
  it('source:open returns the inspect report; graph:get and tensor:get work on it', async () => {
    const opened = await value<OpenedSource>('source:open', { path: join(root, 'model') });
    expect(opened.sourceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(opened.report.format).toBe('checkpoint-folder');
    expect(opened.report.variables.map((v) => v.name).sort()).toEqual(['Model/v1', 'Model/v2']);
    expect(opened.report.graph?.nodeCount).toBe(24);

    const graph = await value<GraphIR>('graph:get', { sourceId: opened.sourceId });
    expect(graph.nodes).toHaveLength(24);
    expect(graph.nodes.find((n) => n.name === 'Model/v1')).toMatchObject({ op: 'VariableV2', checkpointKey: 'Model/v1' });

    const t = await value<TensorSummary>('tensor:get', { sourceId: opened.sourceId, name: 'Model/v1' });
    expect(t).toMatchObject({ name: 'Model/v1', origin: 'checkpoint', dtype: 'float32', shape: [], elements: 1, bytes: 4 });
    expect(t.stats?.min).toBe(1);

    const missing = await call<TensorSummary>('tensor:get', { sourceId: opened.sourceId, name: 'Model/v3' });
    expect(missing.status).toBe(200);
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'TENSOR_NOT_FOUND' } });

    const recent = await value<{ path: string }[]>('recent:list', {});
    expect(recent[0]?.path).toBe(join(root, 'model'));
    expect(await value('source:close', { sourceId: opened.sourceId })).toEqual({ closed: true });
    expect((await call('graph:get', { sourceId: opened.sourceId })).result.ok).toBe(false);
  });

  it('opens the real fixture when its folder is the allowed root', async () => {
    const s = await startServer({ paths: [simple], rendererDir: renderer, version: 't' });
    try {
      const res = await fetch(`http://127.0.0.1:${s.port}/api/source:open`, { method: 'POST', headers: { 'X-Frost-Token': s.token }, body: JSON.stringify({ path: simple }) });
      const r = (await res.json()) as Result<OpenedSource>;
      expect(r.ok && r.value.report.path).toBe(simple);
    } finally {
      await s.close();
    }
  });
});

describe('the path allow-list', () => {
  const refusedBecauseOutside = async (path: string): Promise<void> => {
    const r = await call<OpenedSource>('source:open', { path });
    expect(r.status, path).toBe(200);
    expect(r.result.ok, path).toBe(false);
    if (!r.result.ok) expect(r.result.error.message, path).toContain('outside the folders');
  };

  it('allows paths inside the root, also through a symlink that stays inside and as a prefix', async () => {
    for (const path of [join(root, 'model'), join(root, 'inner-link'), join(root, 'model', 'simple_model'), join(root, 'model', 'frozen_model.pb'), `${root}/model/../model`]) {
      const r = await call<OpenedSource>('source:open', { path });
      expect(r.result.ok, path).toBe(true);
    }
  });

  it('refuses paths outside the root and `..` escapes', async () => {
    await refusedBecauseOutside('/etc/passwd');
    await refusedBecauseOutside(outside);
    await refusedBecauseOutside(`${root}/../outside`);
    await refusedBecauseOutside(`${root}/model/../../outside/simple_model`);
    await refusedBecauseOutside(`${root}/../..`);
    await refusedBecauseOutside(simple);
  });

  it('refuses a symlink inside the root that points outside', async () => {
    await refusedBecauseOutside(join(root, 'escape'));
    await refusedBecauseOutside(join(root, 'escape.pb'));
    await refusedBecauseOutside(join(root, 'escape', 'simple_model'));
    await refusedBecauseOutside(join(root, 'escape', 'not-yet', 'model.ckpt-1'));
    await refusedBecauseOutside(join(root, 'dangling'));
  });

  it('refuses files the open reads by itself outside the root: a state file naming an absolute path, symlinked members', async () => {
    // The state file of a folder inside the root names the checkpoint outside (§1.2 allows absolute paths).
    mkdirSync(join(root, 'state-out'));
    writeFileSync(join(root, 'state-out', 'checkpoint'), `model_checkpoint_path: "${join(outside, 'simple_model')}"\n`);
    await refusedBecauseOutside(join(root, 'state-out'));
    await refusedBecauseOutside(join(root, 'state-out', 'checkpoint'));
    // A checkpoint inside whose data shard, index or graph is a symlink to the copy outside.
    for (const member of ['simple_model.data-00000-of-00001', 'simple_model.index', 'simple_model.meta']) {
      const dir = join(root, `linked-${member}`);
      cpSync(simple, dir, { recursive: true });
      rmSync(join(dir, member));
      symlinkSync(join(outside, member), join(dir, member));
      await refusedBecauseOutside(join(dir, 'simple_model'));
      await refusedBecauseOutside(dir);
    }
    // A state file that is itself a symlink out is not read: the folder opens from its own files.
    mkdirSync(join(root, 'state-link'));
    cpSync(join(simple, 'simple_model.index'), join(root, 'state-link', 'simple_model.index'));
    cpSync(join(simple, 'simple_model.data-00000-of-00001'), join(root, 'state-link', 'simple_model.data-00000-of-00001'));
    writeFileSync(join(outside, 'checkpoint-elsewhere'), `model_checkpoint_path: "${join(outside, 'simple_model')}"\n`);
    symlinkSync(join(outside, 'checkpoint-elsewhere'), join(root, 'state-link', 'checkpoint'));
    const r = await value<OpenedSource>('source:open', { path: join(root, 'state-link') });
    expect(r.report.checkpoints.map((c) => c.prefix)).toEqual([join(root, 'state-link', 'simple_model')]);
  });
});

describe('static files', () => {
  it('serves index.html at / with the CSP and security headers', async () => {
    const res = await fetch(`${origin}/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX_HTML);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves /assets/* with their content types, cached for good', async () => {
    const js = await fetch(`${origin}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await js.text()).toContain('frost');
    expect((await fetch(`${origin}/assets/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await fetch(`${origin}/assets/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the renderer from memory, gzipped for clients that take it, byte for byte the files', async () => {
    const zipped = await raw(server.port, '/assets/big.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('Accept-Encoding');
    const plain = await raw(server.port, '/assets/big.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(BIG_JS);
    // fetch decompresses: the same text either way.
    expect(await (await fetch(`${origin}/assets/big.js`)).text()).toBe(BIG_JS);
    expect(Number(zipped.headers['content-length'])).toBeLessThan(BIG_JS.length / 4);
    // A file read at start keeps being served as it was read (a rebuild makes new hashed names).
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("changed");');
    expect(await (await fetch(`${origin}/assets/app.js`)).text()).toBe('console.log("frost");');
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("frost");');
    // …and one added later is found on disk.
    writeFileSync(join(renderer, 'assets', 'later.js'), 'console.log("later");');
    expect(await (await fetch(`${origin}/assets/later.js`)).text()).toBe('console.log("later");');
  });

  it('refuses path traversal', async () => {
    for (const path of ['/..%2f..%2fetc/passwd', '/assets/../../package.json', '/assets/..%2F..%2Fsecret.txt', '/..%5c..%5csecret.txt', '/../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/app.js%00.png']) {
      const res = await raw(server.port, path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).not.toContain('SECRET');
      expect(res.body, path).not.toContain('root:');
    }
    // fetch normalizes `..` away: what arrives is /package.json, which is not a renderer file.
    expect((await fetch(`${origin}/assets/../../package.json`)).status).toBe(404);
  });

  it('does not follow a symlink out of the renderer folder, list folders or serve dotfiles', async () => {
    const sneaky = await raw(server.port, '/assets/sneaky.txt');
    expect(sneaky.status).toBe(400);
    expect(sneaky.body).not.toContain('SECRET');
    expect((await fetch(`${origin}/assets/`)).status).toBe(404);
    expect((await fetch(`${origin}/assets`)).status).toBe(404);
    expect((await fetch(`${origin}/.env`)).status).toBe(404);
    expect((await fetch(`${origin}/nothing.js`)).status).toBe(404);
  });

  it('allows only GET and HEAD', async () => {
    const res = await fetch(`${origin}/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('says the UI is not built when there is no index.html', async () => {
    const s = await startServer({ paths: [root], rendererDir: join(base, 'no-renderer'), version: 't' });
    try {
      const res = await fetch(`http://127.0.0.1:${s.port}/`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toContain('npm run build');
    } finally {
      await s.close();
    }
  });
});

describe('binding and closing', () => {
  it('listens on loopback only by default: unreachable from the machine\'s other addresses', async () => {
    expect(server.host).toBe('127.0.0.1');
    const others = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
    if (others.length === 0) console.log('SKIP reachability half: this machine has no non-loopback IPv4 address');
    for (const address of others) {
      const refused = await new Promise<boolean>((resolve) => {
        const sock = connect({ host: address, port: server.port });
        sock.once('connect', () => {
          sock.destroy();
          resolve(false);
        });
        sock.once('error', () => resolve(true));
      });
      expect(refused, `${address}:${server.port}`).toBe(true);
    }
  });

  it('warns in one line when bound beyond loopback, and still checks Host', async () => {
    const lines: string[] = [];
    const s = await startServer({ paths: [root], host: '0.0.0.0', rendererDir: renderer, version: 't', warn: (l) => lines.push(l) });
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/reachable from the network.*token/);
      expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${s.token}`);
      expect((await raw(s.port, '/')).status).toBe(200);
      expect((await raw(s.port, '/', { headers: { host: `evil.example:${s.port}` } })).status).toBe(403);
    } finally {
      await s.close();
    }
    const quiet: string[] = [];
    const l = await startServer({ paths: [root], rendererDir: renderer, version: 't', warn: (x) => quiet.push(x) });
    await l.close();
    expect(quiet).toEqual([]);
  });

  it('close() stops listening and cuts kept-alive connections', async () => {
    const s = await startServer({ paths: [root], rendererDir: renderer, version: 't' });
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(200);
    await s.close();
    await s.close();
    await expect(fetch(`http://127.0.0.1:${s.port}/`)).rejects.toThrow();
  });

  it('refuses a missing root and reports a busy port', async () => {
    await expect(startServer({ paths: [join(base, 'missing')], rendererDir: renderer, version: 't' })).rejects.toThrow(/does not exist/);
    await expect(startServer({ paths: [], rendererDir: renderer, version: 't' })).rejects.toThrow(/at least one/);
    await expect(startServer({ paths: [root], port: server.port, rendererDir: renderer, version: 't' })).rejects.toThrow(/port is in use/);
  });
});
