/**
 * Writes tables exactly like TensorFlow's table builder (tf-formats.md §2.7): 256 KiB data
 * blocks flushed after the entry that reaches the target, restart interval 16 for data
 * blocks and 1 for the index, index keys shortened to separators / a short successor
 * (§2.6), an always-empty metaindex block, and the 48-byte footer (§2.2). Snappy is
 * optional (TF writes none; it exists so tests can produce the blocks real files have).
 */
import { crc32c, maskCrc } from '../io/crc32c.js';
import { pushVarint } from '../io/varint.js';
import { snappyCompress } from './snappy.js';
import { BLOCK_TYPE_NONE, BLOCK_TYPE_SNAPPY, compareBytes, encodeBlockHandle, encodeFooter, type BlockHandle } from './sstable-format.js';

export interface TableWriterOptions {
  /** Target uncompressed data block size; TF uses 262144 (§2.7). */
  blockSize?: number;
  /** Restart interval of data blocks; TF uses 16 (§2.7). */
  restartInterval?: number;
  /**
   * 'none' (TF's choice), 'snappy' (LevelDB's rule, applied to every block like LevelDB:
   * keep the compressed form only when it saves at least 1/8), or 'snappy-always' (every
   * block compressed, to exercise readers).
   */
  compression?: 'none' | 'snappy' | 'snappy-always';
}

export const DEFAULT_BLOCK_SIZE = 262_144;

/** Accumulates one block's entries with prefix compression and restart points (§2.5). */
export class BlockBuilder {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private readonly restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);
  private entries = 0;

  constructor(private readonly restartInterval: number) {}

  get empty(): boolean {
    return this.entries === 0;
  }

  /** Entries + restart array + count, the size TF compares with the block size (§2.7). */
  get estimatedSize(): number {
    return this.size + 4 * this.restarts.length + 4;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      const n = Math.min(this.lastKey.length, key.length);
      while (shared < n && this.lastKey[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.size);
      this.counter = 0;
    }
    const header: number[] = [];
    pushVarint(header, shared);
    pushVarint(header, key.length - shared);
    pushVarint(header, value.length);
    this.part(Uint8Array.from(header));
    this.part(key.subarray(shared));
    this.part(value);
    this.lastKey = key;
    this.counter++;
    this.entries++;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.estimatedSize);
    let p = 0;
    for (const part of this.parts) {
      out.set(part, p);
      p += part.length;
    }
    const view = new DataView(out.buffer);
    for (const r of this.restarts) {
      view.setUint32(p, r, true);
      p += 4;
    }
    view.setUint32(p, this.restarts.length, true);
    return out;
  }

  private part(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}

/** LevelDB's FindShortestSeparator (§2.6): a short key k with start <= k < limit. */
export function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const n = Math.min(start.length, limit.length);
  let i = 0;
  while (i < n && start[i] === limit[i]) i++;
  if (i >= n) return start; // one is a prefix of the other: keep it whole
  const b = start[i] as number;
  if (b < 0xff && b + 1 < (limit[i] as number)) {
    const out = start.slice(0, i + 1);
    out[i] = b + 1;
    return out;
  }
  return start;
}

/** LevelDB's FindShortSuccessor (§2.6): increment the first non-0xff byte and cut. */
export function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i] = (key[i] as number) + 1;
      return out;
    }
  }
  return key;
}

/**
 * Builds a table in memory as a list of chunks (no concatenation, so a large V1 table is
 * never copied twice). Keys must be added in strictly increasing byte order.
 */
export class TableBuilder {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  private data: BlockBuilder;
  private readonly indexBlock = new BlockBuilder(1);
  private lastKey: Uint8Array | undefined;
  private pendingHandle: BlockHandle | undefined;
  private readonly blockSize: number;
  private readonly restartInterval: number;
  private readonly compression: NonNullable<TableWriterOptions['compression']>;

  constructor(options: TableWriterOptions = {}) {
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.restartInterval = options.restartInterval ?? 16;
    this.compression = options.compression ?? 'none';
    this.data = new BlockBuilder(this.restartInterval);
  }

  add(key: Uint8Array, value: Uint8Array): void {
    if (this.lastKey && compareBytes(this.lastKey, key) >= 0) {
      throw new RangeError('table keys must be added in strictly increasing byte order');
    }
    if (this.pendingHandle && this.lastKey) {
      this.indexBlock.add(shortestSeparator(this.lastKey, key), Uint8Array.from(encodeBlockHandle(this.pendingHandle)));
      this.pendingHandle = undefined;
    }
    this.data.add(key, value);
    this.lastKey = key;
    if (this.data.estimatedSize >= this.blockSize) this.flush();
  }

  /** Finishes the table and returns its bytes as chunks, in file order. */
  finish(): Uint8Array[] {
    this.flush();
    const metaindex = this.writeBlock(new BlockBuilder(this.restartInterval).finish());
    if (this.pendingHandle && this.lastKey) {
      this.indexBlock.add(shortSuccessor(this.lastKey), Uint8Array.from(encodeBlockHandle(this.pendingHandle)));
      this.pendingHandle = undefined;
    }
    const index = this.writeBlock(this.indexBlock.finish());
    this.push(encodeFooter(metaindex, index));
    return this.chunks;
  }

  private flush(): void {
    if (this.data.empty) return;
    this.pendingHandle = this.writeBlock(this.data.finish());
    this.data = new BlockBuilder(this.restartInterval);
  }

  /** Block contents + trailer: type byte and masked CRC32C of contents + type (§2.4). */
  private writeBlock(raw: Uint8Array): BlockHandle {
    let contents = raw;
    let type = BLOCK_TYPE_NONE;
    if (this.compression !== 'none') {
      const packed = snappyCompress(raw);
      if (this.compression === 'snappy-always' || packed.length < raw.length - Math.floor(raw.length / 8)) {
        contents = packed;
        type = BLOCK_TYPE_SNAPPY;
      }
    }
    const handle = { offset: this.offset, size: contents.length };
    const trailer = new Uint8Array(5);
    trailer[0] = type;
    new DataView(trailer.buffer).setUint32(1, maskCrc(crc32c(trailer.subarray(0, 1), crc32c(contents))), true);
    this.push(contents);
    this.push(trailer);
    return handle;
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.offset += chunk.length;
  }
}

/** Convenience: a whole table from sorted entries, as one byte array. */
export function buildTable(entries: Iterable<readonly [Uint8Array, Uint8Array]>, options: TableWriterOptions = {}): Uint8Array {
  const b = new TableBuilder(options);
  for (const [k, v] of entries) b.add(k, v);
  return concatChunks(b.finish());
}

export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
