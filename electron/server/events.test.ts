/**
 * `GET /api/events` against a real server: progress of `source:verify` arrives as server-sent
 * events, `job:cancel` stops the job, and the stream obeys the token and site rules.
 */
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedSource, ProgressEvent, Result } from '../../shared/ipc/contract.js';
import type { VerifyResultJSON } from '../../shared/model/inspect-report.js';
import { writeBundleV2 } from '../core/checkpoint/bundle-writer.js';
import { DT } from '../core/index.js';
import { fixture } from '../../test/fixtures.js';
import { createEventHub, queryTokens } from './events.js';
import { startServer, type RunningServer } from './server.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'frost-events-')));
const root = join(base, 'root');
/** Enough tensors that a verify lasts far longer than one cancel round trip. */
const MANY = 20_000;
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(join(root, 'many'), { recursive: true });
  cpSync(fixture('simple-model-freeze-oracle'), join(root, 'simple'), { recursive: true });
  const tensors = Array.from({ length: MANY }, (_, i) => ({ key: `layer_${i}/w`, data: { kind: 'numeric' as const, dtype: DT.FLOAT, shape: [2], bytes: new Uint8Array(new Float32Array([i, -i]).buffer) } }));
  await writeBundleV2(join(root, 'many', 'model.ckpt-1'), tensors);
  server = await startServer({ paths: [root], rendererDir: join(base, 'renderer'), version: 't' });
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

interface Stream {
  status: number;
  headers: IncomingMessage['headers'];
  events: ProgressEvent[];
  /** Raw text received so far (comments included). */
  text(): string;
  /** Resolves with the first event (received or future) that `test` accepts. */
  waitFor(test: (e: ProgressEvent) => boolean): Promise<ProgressEvent>;
  close(): void;
}

/** Opens an event stream as EventSource would (GET, Accept: text/event-stream), parsing `progress` events. */
function openStream(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let text = '';
      let pending = '';
      const events: ProgressEvent[] = [];
      const waiters: { test: (e: ProgressEvent) => boolean; resolve: (e: ProgressEvent) => void }[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        pending += chunk;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!lines.includes('event: progress') || data === '') continue;
          const e = JSON.parse(data) as ProgressEvent;
          events.push(e);
          for (const w of [...waiters]) {
            if (w.test(e)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(e);
            }
          }
        }
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        text: () => text,
        waitFor: (test) => {
          const seen = events.find(test);
          return seen ? Promise.resolve(seen) : new Promise((r) => waiters.push({ test, resolve: r }));
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function call<T>(channel: string, body: unknown): Promise<Result<T>> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result<T>;
}

async function open(path: string): Promise<string> {
  const r = await call<OpenedSource>('source:open', { path });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.sourceId;
}

/** Waits until the server has registered the streams opened so far (their headers arrive just before). */
async function streamsOpen(): Promise<void> {
  // A round trip through the server: the stream's request was handled before this one.
  await fetch(`http://127.0.0.1:${server.port}/api/app:info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{}' });
}

describe('GET /api/events', () => {
  it('streams the progress of source:verify to every connected client', async () => {
    const a = await openStream(`/api/events?token=${server.token}`);
    const b = await openStream('/api/events', { Authorization: `Bearer ${server.token}` });
    try {
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(a.headers['cache-control']).toBe('no-store');
      expect(a.headers['content-security-policy']).toContain("default-src 'self'");
      await streamsOpen();
      const sourceId = await open(join(root, 'simple'));
      const r = await call<VerifyResultJSON>('source:verify', { sourceId, jobId: 'verify-simple' });
      expect(r).toEqual({ ok: true, value: { tensors: 2, bytes: 8, damaged: [] } });
      for (const s of [a, b]) {
        await s.waitFor((e) => e.done === 2);
        // The first and the last always arrive (those between are at most one per 50 ms).
        expect(s.events[0]).toEqual({ jobId: 'verify-simple', done: 0, total: 2, message: 'Checked 0 of 2 tensors' });
        expect(s.events.at(-1)).toEqual({ jobId: 'verify-simple', done: 2, total: 2, message: 'Checked 2 of 2 tensors' });
      }
      expect(a.text()).toMatch(/^retry: \d+\n: connected\n\n/);
    } finally {
      a.close();
      b.close();
    }
  });

  it('job:cancel stops a running verify, which answers CANCELLED', async () => {
    const stream = await openStream(`/api/events?token=${server.token}`);
    try {
      await streamsOpen();
      const sourceId = await open(join(root, 'many'));
      const verify = call<VerifyResultJSON>('source:verify', { sourceId, jobId: 'verify-many' });
      const started = await stream.waitFor((e) => e.jobId === 'verify-many' && e.done > 0);
      expect(started.total).toBe(MANY);
      expect(await call('job:cancel', { jobId: 'verify-many' })).toEqual({ ok: true, value: { cancelled: true } });
      const r = await verify;
      expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringMatching(/cancelled after \d+ of 20000 tensors/) } });
      const last = stream.events.filter((e) => e.jobId === 'verify-many').at(-1);
      expect(last?.done).toBeLessThan(MANY);
      // Nothing is running any more.
      expect(await call('job:cancel', { jobId: 'verify-many' })).toEqual({ ok: true, value: { cancelled: false } });
    } finally {
      stream.close();
    }
  });

  it('refuses a missing token (401) and a wrong one (403), from the query or a header', async () => {
    const wrong = server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const missing = await openStream('/api/events');
    expect(missing.status).toBe(401);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const [path, headers] of [
      [`/api/events?token=${wrong}`, {}],
      ['/api/events?token=short', {}],
      ['/api/events', { 'X-Frost-Token': wrong }],
      // A right token does not excuse a wrong one beside it.
      [`/api/events?token=${server.token}&token=${wrong}`, {}],
      [`/api/events?token=${server.token}`, { Authorization: `Bearer ${wrong}` }],
    ] as const) {
      const s = await openStream(path, headers);
      expect(s.status, path).toBe(403);
      expect(s.headers['content-type'], path).toBe('application/json; charset=utf-8');
      s.close();
    }
    // The query token is for this route only: the API still needs the header.
    const api = await fetch(`http://127.0.0.1:${server.port}/api/app:info?token=${server.token}`, { method: 'POST', body: '{}' });
    expect(api.status).toBe(401);
  });

  it('applies the Host and Origin checks, and allows only GET', async () => {
    const q = `/api/events?token=${server.token}`;
    expect((await openStream(q, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await openStream(q, { Origin: 'http://evil.example' })).status).toBe(403);
    const own = await openStream(q, { Origin: `http://127.0.0.1:${server.port}` });
    expect(own.status).toBe(200);
    own.close();
    const post = await fetch(`http://127.0.0.1:${server.port}${q}`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('close() ends open streams', async () => {
    const s = await startServer({ paths: [root], rendererDir: join(base, 'renderer'), version: 't' });
    const ended = await new Promise<boolean>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: `/api/events?token=${s.token}`, agent: false }, (res) => {
        res.resume();
        res.on('close', () => resolve(true));
        void s.close();
      });
      req.on('error', reject);
      req.end();
    });
    expect(ended).toBe(true);
  });
});

describe('the event hub', () => {
  it('reads every ?token= of a request target', () => {
    expect(queryTokens('/api/events?token=a&x=1&token=b#frag')).toEqual(['a', 'b']);
    expect(queryTokens('/api/events?token=')).toEqual([]);
    expect(queryTokens('/api/events')).toEqual([]);
    expect(queryTokens(undefined)).toEqual([]);
  });

  it('sends keep-alive comments while a stream is open and forgets closed streams', async () => {
    const hub = createEventHub(20);
    const token = 'a-test-token-of-some-length';
    // A bare server around the hub alone: the hub decides everything about the stream.
    const bare = createServer((req, res) => hub.handle(req, res, token));
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const port = (bare.address() as { port: number }).port;
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${token}`, agent: false }, (res) => {
          let t = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            t += c;
            if (t.split(': keep-alive\n\n').length > 2) {
              req.destroy();
              resolve(t);
            }
          });
        });
        req.on('error', reject);
        req.end();
      });
      expect(text).toContain(': keep-alive\n\n');
      await expect.poll(() => hub.size).toBe(0);
    } finally {
      hub.close();
      bare.closeAllConnections();
      await new Promise<void>((r) => bare.close(() => r()));
    }
  });
});
