/**
 * Safe outputs under failure (issue #8): a full disk, a refused permission or an I/O error at
 * any step of an atomic write — opening the temp file, writing, the background datasync, the
 * closing fsync, the rename, a copy — ends in one sentence with code WRITE_FAILED, leaves no
 * temp file, and leaves the destination as it was (or absent). The failures are injected
 * into node:fs/promises, because a real full disk cannot be made on demand everywhere (see
 * atomic-write-enospc.test.ts for the real one where a tmpfs can be mounted).
 */
import { mkdtemp, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrostError } from '../errors.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-write.js';

type Step = 'open' | 'write' | 'datasync' | 'sync' | 'rename' | 'copyFile';
const inject: { step?: Step; code?: string; after?: number; calls: number } = { calls: 0 };

function maybeFail(step: Step): void {
  if (inject.step !== step) return;
  inject.calls++;
  if (inject.calls <= (inject.after ?? 0)) return;
  throw Object.assign(new Error(`${inject.code ?? 'EIO'}: injected failure, ${step}`), { code: inject.code ?? 'EIO', syscall: step });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const wrapHandle = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== 'function') return v;
        if (prop === 'write' || prop === 'sync' || prop === 'datasync') {
          return (...args: unknown[]) => {
            maybeFail(prop);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
  const mocked = {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      maybeFail('open');
      return wrapHandle(await real.open(...args));
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      maybeFail('rename');
      return real.rename(...args);
    },
    copyFile: async (...args: Parameters<typeof real.copyFile>) => {
      maybeFail('copyFile');
      return real.copyFile(...args);
    },
  };
  return { ...mocked, default: mocked };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-atomic-fail-'));
  inject.step = undefined;
  inject.calls = 0;
});
afterEach(async () => {
  inject.step = undefined;
  await rm(dir, { recursive: true, force: true });
});

const chunk = new Uint8Array(1000).fill(7);
const produce = async (write: (c: Uint8Array) => Promise<void>): Promise<void> => {
  for (let i = 0; i < 10; i++) await write(chunk);
};

async function expectWriteFailed(p: Promise<unknown>, target: string, why: RegExp): Promise<void> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FrostError);
  const fe = e as FrostError;
  expect(fe.code).toBe('WRITE_FAILED');
  expect(fe.file).toBe(target);
  // One sentence, naming the file and why.
  expect(fe.message).toMatch(/^Could not write \S+: /);
  expect(fe.message).toMatch(why);
  expect(fe.message).not.toContain('\n');
  expect(fe.message.replace(/\d+\.\d+|\.tmp|\.bin|\.pb|\.[a-z]+\b/g, '').match(/\./g)).toHaveLength(1);
}

const CASES: { step: Step; after?: number; code: string; why: RegExp }[] = [
  { step: 'open', code: 'EACCES', why: /permission denied/ },
  { step: 'open', code: 'EROFS', why: /read-only/ },
  { step: 'write', after: 3, code: 'ENOSPC', why: /the disk is full/ },
  { step: 'write', after: 1, code: 'EDQUOT', why: /quota/ },
  { step: 'write', after: 0, code: 'EACCES', why: /permission denied/ },
  { step: 'datasync', code: 'EIO', why: /input\/output error/ },
  { step: 'sync', code: 'ENOSPC', why: /the disk is full/ },
  { step: 'rename', code: 'EACCES', why: /permission denied/ },
  { step: 'rename', code: 'ENOSPC', why: /the disk is full/ },
];

describe('writeFileAtomic when the disk or the OS refuses', () => {
  it.each(CASES)('$code at $step: WRITE_FAILED in one sentence, old file kept, no temp file', async ({ step, after, code, why }) => {
    const target = join(dir, 'frozen.pb');
    await writeFile(target, 'previous');
    Object.assign(inject, { step, after, code });
    await expectWriteFailed(writeFileAtomic(target, produce, { writebackEvery: 2500 }), target, why);
    expect(inject.calls, 'the failure was injected').toBeGreaterThan(after ?? 0);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['frozen.pb']);
  });

  it.each(CASES)('$code at $step: nothing appears when there was no file before', async ({ step, after, code, why }) => {
    const target = join(dir, 'new.pb');
    Object.assign(inject, { step, after, code });
    await expectWriteFailed(writeFileAtomic(target, produce, { writebackEvery: 2500 }), target, why);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes normally once nothing is injected (the injection is what fails above)', async () => {
    const target = join(dir, 'ok.pb');
    await writeFileAtomic(target, produce, { writebackEvery: 2500 });
    expect((await readFile(target)).length).toBe(10_000);
    expect(await readdir(dir)).toEqual(['ok.pb']);
  });
});

describe('copyFileAtomic when the disk or the OS refuses', () => {
  it.each([
    { step: 'copyFile' as const, code: 'ENOSPC', why: /the disk is full/ },
    { step: 'sync' as const, code: 'EIO', why: /input\/output error/ },
    { step: 'rename' as const, code: 'EACCES', why: /permission denied/ },
  ])('$code at $step: old file kept, no temp file', async ({ step, code, why }) => {
    const source = join(dir, 'source.pb');
    await writeFile(source, 'new content');
    const target = join(dir, 'saved.pb');
    await writeFile(target, 'previous');
    Object.assign(inject, { step, code, after: 0 });
    await expectWriteFailed(copyFileAtomic(source, target), target, why);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect((await readdir(dir)).sort()).toEqual(['saved.pb', 'source.pb']);
  });

  it('fsyncs the copy before renaming it over the target', async () => {
    const source = join(dir, 'source.pb');
    await writeFile(source, 'new content');
    Object.assign(inject, { step: 'sync', code: 'EIO', after: 0 });
    await expect(copyFileAtomic(source, join(dir, 'saved.pb'))).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(inject.calls).toBe(1);
    inject.step = undefined;
    await copyFileAtomic(source, join(dir, 'saved.pb'));
    expect(await readFile(join(dir, 'saved.pb'), 'utf8')).toBe('new content');
  });

  it('never copies a file over itself or over an input', async () => {
    const source = join(dir, 'source.pb');
    await writeFile(source, 'data');
    await expect(copyFileAtomic(source, source)).rejects.toMatchObject({ code: 'WOULD_OVERWRITE_INPUT' });
    const input = join(dir, 'model.meta');
    await writeFile(input, 'graph');
    await expect(copyFileAtomic(source, input, { inputs: [input] })).rejects.toMatchObject({ code: 'WOULD_OVERWRITE_INPUT' });
    expect(await readFile(input, 'utf8')).toBe('graph');
  });
});
