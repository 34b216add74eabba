/**
 * Safe outputs on a real full disk and a real read-only file system (issue #8): a 1 MiB tmpfs
 * is mounted for the test. Mounting needs root (CAP_SYS_ADMIN); elsewhere the tests skip with
 * the reason, and atomic-write-failures.test.ts covers the same rules by injected failures.
 * (Permission bits cannot be tested for real as root, which ignores them; the read-only
 * mount refuses writes even to root.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { openSource } from '../source/open-source.js';
import { planFreeze, writeFreeze } from '../freeze/freeze.js';
import { writeFileAtomic } from './atomic-write.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'frost-tinyfs-'));
let skipReason: string | undefined;

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: 'pipe' });
}

beforeAll(() => {
  try {
    sh('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0777', 'tmpfs', mountPoint]);
  } catch (e) {
    skipReason = `cannot mount a 1 MiB tmpfs here (${(e as Error).message.split('\n')[0] ?? ''}): needs root`;
    console.log(`SKIP real full-disk tests: ${skipReason}`);
  }
});

afterAll(() => {
  if (!skipReason) {
    try {
      sh('umount', [mountPoint]);
    } catch {
      // already gone
    }
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the tmpfs so that only about `room` bytes stay free. */
function fillLeaving(room: number): void {
  const df = execFileSync('df', ['-B1', '--output=avail', mountPoint], { encoding: 'utf8' });
  const avail = Number(df.trim().split('\n').at(-1));
  writeFileSync(join(mountPoint, 'filler'), new Uint8Array(Math.max(0, avail - room)));
}

describe('on a real 1 MiB file system', () => {
  it('a write larger than the disk fails in one sentence and leaves the old file and no temp file', (ctx) => {
    if (skipReason) return ctx.skip();
    const target = join(mountPoint, 'big.bin');
    writeFileSync(target, 'previous');
    return writeFileAtomic(target, async (write) => {
      for (let i = 0; i < 40; i++) await write(new Uint8Array(64 * 1024).fill(i));
    }).then(
      () => expect.unreachable('2.5 MiB fitted on a 1 MiB disk'),
      (e: unknown) => {
        expect(e).toMatchObject({ code: 'WRITE_FAILED', message: `Could not write ${target}: the disk is full.` });
        expect(readFileSync(target, 'utf8')).toBe('previous');
        expect(readdirSync(mountPoint).sort()).toEqual(['big.bin']);
        rmSync(target);
      },
    );
  });

  it('frost freeze onto a full disk reports it and leaves no partial .pb', async (ctx) => {
    if (skipReason) return ctx.skip();
    const source = await openSource(join(fixture('simple-model-freeze-oracle'), 'simple_model'));
    try {
      const plan = await planFreeze(source, { outputs: ['Model/add'] });
      fillLeaving(64);
      const out = join(mountPoint, 'frozen.pb');
      await expect(writeFreeze(plan, out)).rejects.toMatchObject({ code: 'WRITE_FAILED', message: `Could not write ${out}: the disk is full.` });
      expect(readdirSync(mountPoint)).toEqual(['filler']);
      // With room again the same plan writes the whole graph.
      rmSync(join(mountPoint, 'filler'));
      await writeFreeze(plan, out);
      expect(readFileSync(out).length).toBeGreaterThan(200);
      rmSync(out);
    } finally {
      await source.close();
    }
  });

  it('a read-only file system is reported as such, also to root', async (ctx) => {
    if (skipReason) return ctx.skip();
    writeFileSync(join(mountPoint, 'kept.pb'), 'previous');
    sh('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const target = join(mountPoint, 'kept.pb');
      await expect(writeFileAtomic(target, new Uint8Array(10))).rejects.toMatchObject({
        code: 'WRITE_FAILED',
        message: `Could not write ${target}: the file system is read-only.`,
      });
      expect(readFileSync(target, 'utf8')).toBe('previous');
      expect(readdirSync(mountPoint)).toEqual(['kept.pb']);
    } finally {
      sh('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });
});
