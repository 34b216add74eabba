/**
 * Reading one tensor's payload from a data shard (tf-formats.md §4.3, §4.5) with its
 * CRC32C: chunked positioned reads straight into the exactly-sized destination, while the
 * CRC of the chunk just read runs on the main thread and the next chunks are already being
 * read by the thread pool. So verify costs almost nothing over a raw read, and a shard is
 * never loaded whole.
 */
import type { RandomAccessFile } from '../io/file.js';
import { crc32c } from '../io/crc32c.js';

export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
/** Reads in flight while a chunk is being checksummed. */
export const DEFAULT_READ_AHEAD = 3;

export interface ChunkedReadOptions {
  verify: boolean;
  chunkSize?: number;
  readAhead?: number;
  /** For TRUNCATED messages: what the bytes are. */
  what: string;
}

export interface ChunkedRead {
  bytes: Uint8Array;
  /** Unmasked CRC32C of the bytes; 0 when not verifying. */
  crc: number;
}

/** A fresh, unpooled buffer: `bytes.buffer` belongs to this tensor alone, offset 0. */
export function allocateExact(size: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

export async function readChunked(file: RandomAccessFile, offset: number, size: number, options: ChunkedReadOptions): Promise<ChunkedRead> {
  file.checkRange(offset, size, options.what);
  const bytes = allocateExact(size);
  const chunk = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const ahead = Math.max(1, options.readAhead ?? DEFAULT_READ_AHEAD);
  const inFlight: Promise<void>[] = [];
  let next = 0; // first byte not yet requested
  const request = (): void => {
    const len = Math.min(chunk, size - next);
    const p = file.readInto(bytes.subarray(next, next + len), offset + next, options.what);
    // Rejections are observed when awaited below; this stops them being "unhandled" meanwhile.
    p.catch(() => undefined);
    inFlight.push(p);
    next += len;
  };
  let crc = 0;
  let done = 0;
  try {
    while (next < size && inFlight.length < ahead) request();
    while (done < size) {
      await inFlight.shift();
      const len = Math.min(chunk, size - done);
      if (next < size) request();
      if (options.verify) crc = crc32c(bytes.subarray(done, done + len), crc);
      done += len;
    }
  } finally {
    // On failure, let the other reads settle before the buffer is dropped.
    await Promise.allSettled(inFlight);
  }
  return { bytes, crc };
}

/**
 * Streams `size` bytes at `offset` through a small ring of reused buffers, handing each chunk
 * to `onChunk` in order while the next reads are in flight. Used where the bytes need not
 * stay in memory — checksum verification, copying tensor payloads into an output file — so
 * cost is bounded by `chunkSize × readAhead` and no fresh memory has to be faulted in.
 * The chunk passed to `onChunk` is only valid until it returns.
 */
export async function streamChunks(
  file: RandomAccessFile,
  offset: number,
  size: number,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
  options: Omit<ChunkedReadOptions, 'verify'>,
): Promise<void> {
  file.checkRange(offset, size, options.what);
  const chunk = Math.max(1, Math.min(options.chunkSize ?? DEFAULT_CHUNK_SIZE, size || 1));
  const ahead = Math.max(1, options.readAhead ?? DEFAULT_READ_AHEAD);
  const ring = Array.from({ length: ahead }, () => allocateExact(chunk));
  const inFlight: { p: Promise<void>; buf: Uint8Array }[] = [];
  let next = 0;
  let slot = 0;
  const request = (): void => {
    const len = Math.min(chunk, size - next);
    const buf = (ring[slot] as Uint8Array).subarray(0, len);
    slot = (slot + 1) % ahead;
    const p = file.readInto(buf, offset + next, options.what);
    p.catch(() => undefined);
    inFlight.push({ p, buf });
    next += len;
  };
  try {
    while (next < size && inFlight.length < ahead) request();
    while (inFlight.length > 0) {
      const head = inFlight.shift() as { p: Promise<void>; buf: Uint8Array };
      await head.p;
      await onChunk(head.buf);
      // Only now is head's buffer free again, so the next read may reuse it.
      if (next < size) request();
    }
  } finally {
    await Promise.allSettled(inFlight.map((r) => r.p));
  }
}
