/**
 * Click-to-freeze over HTTP: `freeze:suggest` and `freeze:run` on a real fixture, then the
 * frozen graph and its manifest through `GET /api/download/<id>[/manifest]` with the token
 * rules of that route (header or `?token=`), and 404 for what is not there.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezeRunResult, OpenedSource, Res, Result } from '../../shared/ipc/contract.js';
import type { FreezeManifest } from '../../shared/model/freeze-manifest.js';
import { fixture } from '../../test/fixtures.js';
import { tensorflow } from '../core/proto/tf.js';
import { startServer, type RunningServer } from './server.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'frost-download-')));
const root = join(base, 'root');
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  mkdirSync(root);
  cpSync(fixture('simple-model-freeze-oracle'), join(root, 'model'), { recursive: true });
  mkdirSync(join(base, 'renderer'));
  server = await startServer({ paths: [root], rendererDir: join(base, 'renderer'), version: 't' });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

async function value<T>(channel: string, req: unknown): Promise<T> {
  const res = await fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: JSON.stringify(req) });
  expect(res.status).toBe(200);
  const r = (await res.json()) as Result<T>;
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function call<T>(channel: string, req: unknown): Promise<Result<T>> {
  const res = await fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: JSON.stringify(req) });
  return (await res.json()) as Result<T>;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function tempFolders(): string[] {
  return readdirSync(tmpdir()).filter((n) => /^frost-[A-Za-z0-9]{6}$/.test(n));
}

describe('freeze over HTTP', () => {
  let sourceId = '';
  let run: FreezeRunResult;

  beforeAll(async () => {
    sourceId = (await value<OpenedSource>('source:open', { path: join(root, 'model') })).sourceId;
    run = await value<FreezeRunResult>('freeze:run', { sourceId, outputs: ['Model/add'], jobId: 'http-freeze' });
  });

  it('freeze:suggest ranks Model/add first, with reasons', async () => {
    const s = await value<Res<'freeze:suggest'>>('freeze:suggest', { sourceId });
    expect(s.outputs[0]).toMatchObject({ name: 'Model/add', op: expect.any(String) as string });
    expect(s.outputs[0]?.reasons.length).toBeGreaterThan(0);
    expect(Array.isArray(s.inputs)).toBe(true);
  });

  it('freeze:run answers the manifest and a download id', () => {
    expect(run.downloadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.manifest).toMatchObject({ output: 'simple_model-frozen.pb', nodes: { after: 5 }, variablesFrozen: 2 });
  });

  it('streams the frozen .pb as an attachment; it decodes to the 5-node GraphDef', async () => {
    const res = await get(`/api/download/${run.downloadId}?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="simple_model-frozen.pb"');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBe(run.manifest.bytes);
    const graph = tensorflow.GraphDef.decode(res.body);
    expect(graph.node).toHaveLength(5);
    expect(graph.node.some((n) => n.op === 'VariableV2')).toBe(false);
    // The header works as well as the query string.
    expect((await get(`/api/download/${run.downloadId}`, { Authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it('serves the manifest JSON', async () => {
    const res = await get(`/api/download/${run.downloadId}/manifest?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="simple_model-frozen.manifest.json"');
    const manifest = JSON.parse(res.body.toString('utf8')) as FreezeManifest;
    expect(manifest).toEqual(run.manifest);
  });

  it('401 without the token, 403 with a wrong one, also when one of two is wrong', async () => {
    expect((await get(`/api/download/${run.downloadId}`)).status).toBe(401);
    expect((await get(`/api/download/${run.downloadId}?token=wrong-token-wrong-token`)).status).toBe(403);
    expect((await get(`/api/download/${run.downloadId}/manifest?token=wrong-token-wrong-token`)).status).toBe(403);
    expect((await get(`/api/download/${run.downloadId}?token=${server.token}&token=wrong-token-wrong-token`)).status).toBe(403);
    expect((await get(`/api/download/${run.downloadId}?token=${server.token}`, { Authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(403);
  });

  it('403 for a foreign Host or Origin, even with the token', async () => {
    expect((await get(`/api/download/${run.downloadId}?token=${server.token}`, { Host: 'evil.example' })).status).toBe(403);
    expect((await get(`/api/download/${run.downloadId}?token=${server.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('404 for an unknown id or part; 405 for POST', async () => {
    const t = `?token=${server.token}`;
    expect((await get(`/api/download/00000000-0000-0000-0000-000000000000${t}`)).status).toBe(404);
    expect((await get(`/api/download/..%2F..%2Fetc%2Fpasswd${t}`)).status).toBe(404);
    expect((await get(`/api/download/${run.downloadId}/other${t}`)).status).toBe(404);
    expect((await get(`/api/download/${run.downloadId}/manifest/x${t}`)).status).toBe(404);
    expect((await get(`/api/download/${t}`)).status).toBe(404);
    expect((await get(`/api/download/${run.downloadId}${t}`, {}, 'POST')).status).toBe(405);
  });

  it('answers an output that is not in the graph as a NODE_NOT_FOUND result', async () => {
    const r = await call<FreezeRunResult>('freeze:run', { sourceId, outputs: ['Model/nope'], jobId: 'bad-output' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NODE_NOT_FOUND' } });
    if (!r.ok) expect(r.error.message).toContain('"Model/nope"');
    expect(await call('freeze:run', { sourceId, outputs: 'Model/add', jobId: 'bad-req' })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('freeze:save is a USAGE error in serve mode', async () => {
    expect(await call('freeze:save', { downloadId: run.downloadId })).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('removes its temp folder when the server closes', async () => {
    const s = await startServer({ paths: [root], rendererDir: join(base, 'renderer'), version: 't' });
    const post = async <T>(channel: string, req: unknown): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${s.port}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${s.token}` }, body: JSON.stringify(req) });
      const r = (await res.json()) as Result<T>;
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const id = (await post<OpenedSource>('source:open', { path: join(root, 'model') })).sourceId;
    const { downloadId } = await post<FreezeRunResult>('freeze:run', { sourceId: id, outputs: ['Model/add'], jobId: 'j' });
    // Other tests may run services too: find this one's folder by the file it wrote.
    const mine = tempFolders().filter((n) => existsSync(join(tmpdir(), n, `${downloadId}.pb`)));
    expect(mine).toHaveLength(1);
    await s.close();
    expect(existsSync(join(tmpdir(), mine[0]!))).toBe(false);
  });
});
