/** `diff:run` and `freeze:open` (issue #7): original vs frozen and two steps through the service, as a job. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedSource, ProgressEvent, Result } from '../../../shared/ipc/contract.js';
import type { DiffResult } from '../../../shared/model/diff.js';
import { writeDemoCheckpoint } from '../demo/demo-checkpoint.js';
import { FrostService } from './frost-service.js';

const dir = mkdtempSync(join(tmpdir(), 'frost-diff-svc-'));
const demo = join(dir, 'demo');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await writeDemoCheckpoint(demo);
});

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function setup(allowPath: (p: string) => boolean = () => true) {
  const events: ProgressEvent[] = [];
  const service = new FrostService({ mode: 'serve', version: 't', allowPath, progressIntervalMs: 0, onProgress: (e) => events.push(e) });
  const open = async (path: string, step?: number): Promise<string> => value((await service.handle('source:open', { path, ...(step === undefined ? {} : { step }) })) as Result<OpenedSource>).sourceId;
  return { service, events, open };
}

describe('diff:run', () => {
  it('compares two open steps as a job with progress, and answers the DiffResult', async () => {
    const { service, events, open } = setup();
    const a = await open(demo, 500);
    const b = await open(demo, 1000);
    const r = value(await service.handle('diff:run', { a, b, jobId: 'd1' }));
    expect(r.checkpoint?.totals).toMatchObject({ compared: 5, changed: 5 });
    expect(r.graph?.counts.unchanged).toBe(148);
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e.jobId === 'd1')).toBe(true);
    expect(events.at(-1)).toMatchObject({ done: 1, total: 1 });
    await service.dispose();
  });

  it('is cancelled by job:cancel sent before it starts, and refuses unknown sources', async () => {
    const { service, open } = setup();
    const a = await open(demo, 500);
    expect(value(await service.handle('job:cancel', { jobId: 'd2' }))).toEqual({ cancelled: false });
    const r = await service.handle('diff:run', { a, b: a, jobId: 'd2' });
    expect(r.ok ? undefined : r.error.code).toBe('CANCELLED');
    const bad = await service.handle('diff:run', { a, b: 'nope', jobId: 'd3' });
    expect(bad.ok ? undefined : bad.error.code).toBe('USAGE');
    const missing = await service.handle('diff:run', { a, jobId: 'd4' });
    expect(missing.ok ? undefined : missing.error.message).toMatch(/"b"/);
    await service.dispose();
  });
});

describe('freeze:open', () => {
  it('opens a finished freeze as a source named for its download, so original vs frozen can be diffed', async () => {
    // Only the demo folder may be opened by path: the frozen graph comes in by its download id.
    const { service, open } = setup((p) => p.startsWith(demo));
    const a = await open(demo);
    const frozen = value(await service.handle('freeze:run', { sourceId: a, outputs: ['probabilities'], jobId: 'f1' }));
    const opened = value(await service.handle('freeze:open', { downloadId: frozen.downloadId }));
    expect(opened.report.path).toBe('model.ckpt-1000-frozen.pb');
    expect(opened.report.graph?.nodeCount).toBe(15);
    const r = value(await service.handle('diff:run', { a, b: opened.sourceId, jobId: 'd5' })) satisfies DiffResult;
    expect(r.graph?.counts).toEqual({ added: 0, removed: 133, changed: 0, renamed: 0, frozen: 4, cut: 1, unchanged: 10 });
    expect(r.graph?.nodes.filter((n) => n.kind === 'frozen').every((n) => n.value === 'same')).toBe(true);
    const unknown = await service.handle('freeze:open', { downloadId: '../../etc/passwd' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('USAGE');
    await service.dispose();
  });
});
