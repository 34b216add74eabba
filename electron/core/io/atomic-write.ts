/**
 * Safe outputs: write to a temp file in the destination folder, fsync, then rename over the
 * target, so a crash, a full disk or a permission error never leaves a half-written file and
 * never destroys what was there. Refuses to write over any of the inputs it is given.
 */
import { constants } from 'node:fs';
import { copyFile, open, rename, unlink, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FrostError, fsError } from '../errors.js';

/** Bytes written between background fdatasync calls (see writeFileAtomic). */
const WRITEBACK_EVERY = 64 << 20;

export interface AtomicWriteOptions {
  /** Paths that must never be overwritten (the files the output was made from). */
  inputs?: readonly string[];
  /** Bytes between background fdatasync calls (default 64 MiB; tests use small values). */
  writebackEvery?: number;
}

async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    // Not there yet: canonicalize the folder and keep the name.
    try {
      return join(await realpath(dirname(resolve(p))), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

export async function assertNotAnInput(target: string, inputs: readonly string[] = []): Promise<void> {
  if (inputs.length === 0) return;
  const t = await canonical(target);
  for (const input of inputs) {
    if ((await canonical(input)) === t) {
      throw new FrostError('WOULD_OVERWRITE_INPUT', `Refusing to write ${target}: it is one of the input files. Choose another output path.`, { file: target });
    }
  }
}

/**
 * Streams chunks produced by `produce` into `target` atomically. `produce` gets a `write`
 * function; if it throws, the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  target: string,
  produce: Uint8Array | ((write: (chunk: Uint8Array) => Promise<void>) => Promise<void>),
  options: AtomicWriteOptions = {},
): Promise<void> {
  await assertNotAnInput(target, options.inputs);
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx', 0o644);
  } catch (e) {
    throw fsError(e, target, 'write');
  }
  const h = handle;
  let closed = false;
  let ok = false;
  let writeback: Promise<void> = Promise.resolve();
  try {
    // Writeback runs beside the writes: every WRITEBACK_EVERY bytes a background fdatasync
    // (one in flight) starts flushing what is written so far, so the disk works while we
    // produce the rest and the closing fsync only waits for the tail. One fsync at the end
    // instead makes the disk start only when everything is written (measured on a 512 MiB
    // output: 0.96 s vs 0.44 s, the latter on par with a plain `cp` that does not fsync).
    let unsynced = 0;
    const write = async (chunk: Uint8Array): Promise<void> => {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await h.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
      unsynced += chunk.length;
      if (unsynced >= (options.writebackEvery ?? WRITEBACK_EVERY)) {
        unsynced = 0;
        await writeback;
        writeback = h.datasync();
        // Handled here so a failure while `produce` still runs is not an unhandled
        // rejection; it is re-raised where `writeback` is awaited.
        writeback.catch(() => undefined);
      }
    };
    if (typeof produce === 'function') await produce(write);
    else await write(produce);
    await writeback;
    await h.sync();
    closed = true;
    await h.close();
    await rename(tmp, target);
    ok = true;
  } catch (e) {
    throw e instanceof FrostError ? e : fsError(e, target, 'write');
  } finally {
    await writeback.catch(() => undefined);
    if (!closed) await h.close().catch(() => undefined);
    if (!ok) await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Copies `source` to `target` atomically: into a temp file beside the target, fsynced, then
 * renamed over it, so the target is either the old file or the complete copy — also after a
 * power cut (without the fsync the rename can reach the disk before the data).
 */
export async function copyFileAtomic(source: string, target: string, options: Pick<AtomicWriteOptions, 'inputs'> = {}): Promise<void> {
  await assertNotAnInput(target, [source, ...(options.inputs ?? [])]);
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(source, tmp, constants.COPYFILE_EXCL);
    const h = await open(tmp, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e instanceof FrostError ? e : fsError(e, target, 'write');
  }
}
