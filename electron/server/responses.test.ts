import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareResult, sendJSON, sendPreparedResult } from './responses.js';

const big = { nodes: Array.from({ length: 5000 }, (_, i) => ({ name: `layer_${i}/MatMul`, op: 'MatMul' })) };
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/prepared') void sendPreparedResult(res, big);
    else sendJSON(res, 200, req.url === '/big' ? big : { small: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string, acceptEncoding?: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sendJSON compression', () => {
  it('gzips a big reply when the client accepts gzip, with a matching Content-Length', async () => {
    const r = await get('/big', 'gzip, deflate, br');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(JSON.parse(gunzipSync(r.body).toString('utf8'))).toEqual(big);
    expect(r.body.length).toBeLessThan(JSON.stringify(big).length / 5);
  });

  it('sends plain JSON without Accept-Encoding, with gzip;q=0, and for small replies', async () => {
    for (const [path, enc] of [['/big', undefined], ['/big', 'gzip;q=0, identity'], ['/small', 'gzip']] as const) {
      const r = await get(path, enc);
      expect(r.headers['content-encoding'], `${path} ${enc}`).toBeUndefined();
      expect(JSON.parse(r.body.toString('utf8'))).toEqual(path === '/big' ? big : { small: true });
    }
  });
});

describe('prepared results (a graph reply encoded once)', () => {
  it('is the gzip of the same JSON sendJSON would send, made once per value', async () => {
    const body = await prepareResult(big);
    expect(JSON.parse(gunzipSync(body).toString('utf8'))).toEqual({ ok: true, value: big });
    expect(await prepareResult(big)).toBe(body);
    const r = await get('/prepared', 'gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.equals(body)).toBe(true);
  });

  it('goes as plain JSON to a client that does not take gzip', async () => {
    const r = await get('/prepared');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({ ok: true, value: big });
  });
});
