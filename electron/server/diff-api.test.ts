/**
 * `frost serve` carries the diff channels like every other (issue #7): original vs frozen over
 * HTTP — open, freeze, `freeze:open` by download id, `diff:run` — while a path outside the
 * served folder still cannot be opened, and a download id is not a path.
 */
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezeRunResult, OpenedSource, Result } from '../../shared/ipc/contract.js';
import type { DiffResult } from '../../shared/model/diff.js';
import { fixture } from '../../test/fixtures.js';
import { startServer, type RunningServer } from './server.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'frost-serve-diff-')));
const root = join(base, 'root');
const outside = join(base, 'outside');
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  mkdirSync(join(base, 'renderer'));
  writeFileSync(join(base, 'renderer', 'index.html'), '<!doctype html><title>Frost</title>');
  cpSync(fixture('simple-model-freeze-oracle'), join(root, 'model'), { recursive: true });
  cpSync(fixture('simple-model-freeze-oracle'), outside, { recursive: true });
  server = await startServer({ paths: [root], rendererDir: join(base, 'renderer'), version: 't' });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

async function call<T>(channel: string, req: unknown): Promise<Result<T>> {
  const res = await fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(req) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result<T>;
}

async function value<T>(channel: string, req: unknown): Promise<T> {
  const r = await call<T>(channel, req);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.message}`);
  return r.value;
}

describe('diff over HTTP', () => {
  it('freezes, opens the frozen graph by its download id, and diffs original vs frozen', async () => {
    const a = await value<OpenedSource>('source:open', { path: join(root, 'model') });
    const frozen = await value<FreezeRunResult>('freeze:run', { sourceId: a.sourceId, outputs: ['Model/add'], jobId: 'f' });
    const b = await value<OpenedSource>('freeze:open', { downloadId: frozen.downloadId });
    expect(b.report.path).toMatch(/-frozen\.pb$/);
    const d = await value<DiffResult>('diff:run', { a: a.sourceId, b: b.sourceId, jobId: 'd' });
    expect(d.graph?.counts).toMatchObject({ frozen: 2, changed: 0, added: 0, unchanged: 3, removed: 19 });
  });

  it('keeps the path guard: outside paths are refused, and a download id is never read as a path', async () => {
    const refused = await call<OpenedSource>('source:open', { path: outside });
    expect(refused.ok ? undefined : refused.error.code).toBe('FILE_UNREADABLE');
    const byPath = await call<OpenedSource>('freeze:open', { downloadId: join(outside, 'frozen_model.pb') });
    expect(byPath.ok ? undefined : byPath.error.code).toBe('USAGE');
  });
});
