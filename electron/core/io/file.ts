/**
 * Positioned, bounds-checked reads. Data shards can be many GB, so Frost never reads a
 * whole shard: every read names an offset and length that are checked against the file's
 * real size before anything is allocated.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { FrostError, fsError } from '../errors.js';

export class RandomAccessFile {
  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<RandomAccessFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      throw fsError(e, path);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new FrostError('FILE_UNREADABLE', `${path} is not a regular file.`, { file: path });
      return new RandomAccessFile(path, st.size, handle);
    } catch (e) {
      await handle.close();
      throw e instanceof FrostError ? e : fsError(e, path);
    }
  }

  /** Reads exactly `length` bytes at `offset`, or throws TRUNCATED naming what was expected. */
  async read(offset: number, length: number, what = 'data'): Promise<Buffer> {
    this.checkRange(offset, length, what);
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(buf, offset, what);
    return buf;
  }

  /** Fills `buf` from `offset`; the caller owns the buffer (used for chunked streaming). */
  async readInto(buf: Uint8Array, offset: number, what = 'data'): Promise<void> {
    this.checkRange(offset, buf.length, what);
    let done = 0;
    while (done < buf.length) {
      let n: number;
      try {
        ({ bytesRead: n } = await this.handle.read(buf, done, buf.length - done, offset + done));
      } catch (e) {
        throw fsError(e, this.path);
      }
      if (n === 0) {
        throw new FrostError(
          'TRUNCATED',
          `${this.path} ended early: ${what} at offset ${offset + done} needs ${buf.length - done} more bytes (the file shrank while it was read).`,
          { file: this.path, offset: offset + done },
        );
      }
      done += n;
    }
  }

  checkRange(offset: number, length: number, what = 'data'): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new FrostError(
        'TRUNCATED',
        `${basename(this.path)} is truncated or corrupt: ${what} needs bytes ${offset}..${offset + length} but the file has ${this.size} bytes.`,
        { file: this.path, offset },
      );
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Reads a whole small file (an .index table, a .meta, a state file), refusing files larger
 * than `maxBytes` so a mistaken path never pulls gigabytes into memory.
 */
export async function readWholeFile(path: string, maxBytes = 2 ** 31 - 1): Promise<Buffer> {
  const f = await RandomAccessFile.open(path);
  try {
    if (f.size > maxBytes) {
      throw new FrostError('TOO_LARGE', `${path} is ${f.size} bytes, more than the ${maxBytes} bytes Frost reads for this kind of file.`, { file: path });
    }
    return await f.read(0, f.size, 'the whole file');
  } finally {
    await f.close();
  }
}

export async function pathKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

export async function isFile(path: string): Promise<boolean> {
  return (await pathKind(path)) === 'file';
}
