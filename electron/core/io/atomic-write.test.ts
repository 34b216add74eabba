import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const piece = (i: number): Uint8Array => new Uint8Array(1000).fill(i & 0xff);

describe('writeFileAtomic with background writeback', () => {
  it('writes every chunk in order while fdatasync runs beside the writes', async () => {
    const target = join(dir, 'out.bin');
    await writeFileAtomic(target, async (write) => {
      for (let i = 0; i < 50; i++) await write(piece(i));
    }, { writebackEvery: 3000 });
    const got = await readFile(target);
    expect(got.length).toBe(50_000);
    for (let i = 0; i < 50; i++) expect(got[i * 1000 + 999]).toBe(i);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('leaves the old target and no temp file when the producer fails after writebacks started', async () => {
    const target = join(dir, 'out.bin');
    await writeFile(target, 'previous');
    await expect(
      writeFileAtomic(target, async (write) => {
        for (let i = 0; i < 20; i++) await write(piece(i));
        throw new FrostError('CORRUPT', 'The source broke halfway.');
      }, { writebackEvery: 2000 }),
    ).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['out.bin']);
  });
});
