/**
 * Reader for TensorFlow's LevelDB-style table (tf-formats.md §2), the container of V2
 * `.index` files and of V1 checkpoints. Keys are bytes compared as memcmp (§2 conventions);
 * index-block keys are separators, never entries (§2.6). Every block's masked CRC32C is
 * verified (§2.4) because TensorFlow always does, and every length is checked against its
 * container before anything is allocated (§11).
 *
 * Blocks are read on demand with positioned reads, so a multi-GB V1 file costs only the
 * blocks actually asked for.
 */
import { FrostError } from '../errors.js';
import { RandomAccessFile } from '../io/file.js';
import { crc32c, unmaskCrc } from '../io/crc32c.js';
import { readVarint32 } from '../io/varint.js';
import { snappyUncompress } from './snappy.js';
import {
  BLOCK_TRAILER_LENGTH,
  BLOCK_TYPE_NONE,
  BLOCK_TYPE_SNAPPY,
  FOOTER_LENGTH,
  MAGIC_HI,
  MAGIC_LO,
  MAX_HANDLES_LENGTH,
  compareBytes,
  decodeBlockHandle,
  describeKey,
  type BlockHandle,
} from './sstable-format.js';

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** What the table reads from: a file, or bytes already in memory (tests, small files). */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number, what: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
    close: () => Promise.resolve(),
  };
}

interface IndexEntry {
  /** >= every key of its block and < every key of the next (§2.6); not a table key. */
  separator: Uint8Array;
  handle: BlockHandle;
}

export class TableReader {
  private cached: { block: number; entries: TableEntry[] } | undefined;

  private constructor(
    readonly file: string,
    private readonly source: ByteSource,
    private readonly index: readonly IndexEntry[],
  ) {}

  /** Opens `path` and reads its footer and index block; data blocks are read later. */
  static async open(path: string): Promise<TableReader> {
    const file = await RandomAccessFile.open(path);
    try {
      return await TableReader.fromSource(file, path);
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  static async fromSource(source: ByteSource, file: string): Promise<TableReader> {
    if (source.size < FOOTER_LENGTH) {
      throw new FrostError(
        'TRUNCATED',
        `${file} is too short to be a checkpoint table: it has ${source.size} bytes, but a table ends with a ${FOOTER_LENGTH}-byte footer.`,
        { file, offset: 0 },
      );
    }
    const footerOffset = source.size - FOOTER_LENGTH;
    const footer = await source.read(footerOffset, FOOTER_LENGTH, 'the table footer');
    const fv = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
    if (fv.getUint32(40, true) !== MAGIC_LO || fv.getUint32(44, true) !== MAGIC_HI) {
      throw new FrostError(
        'BAD_MAGIC',
        `${file} is not a checkpoint table (bad magic number in its last 8 bytes, expected 57 fb 80 8b 24 75 47 db); it is another kind of file, or it was truncated.`,
        { file, offset: footerOffset + 40 },
      );
    }
    const meta = decodeBlockHandle(footer, 0, MAX_HANDLES_LENGTH);
    const idx = meta && decodeBlockHandle(footer, meta.next, MAX_HANDLES_LENGTH);
    if (!meta || !idx) {
      throw new FrostError('CORRUPT', `${file} is corrupt: the table footer holds a bad block handle.`, { file, offset: footerOffset });
    }
    checkHandle(idx.handle, footerOffset, file, 'the index block');
    checkHandle(meta.handle, footerOffset, file, 'the metaindex block');
    const indexBlock = await readBlock(source, idx.handle, file, 'index block');
    const index: IndexEntry[] = [];
    for (const e of parseBlock(indexBlock, file, idx.handle.offset, 'index block')) {
      const h = decodeBlockHandle(e.value, 0, e.value.length);
      if (!h) {
        throw new FrostError('CORRUPT', `${file} is corrupt: index entry ${describeKey(e.key)} holds a bad block handle.`, { file, offset: idx.handle.offset });
      }
      checkHandle(h.handle, footerOffset, file, `data block ${index.length}`);
      index.push({ separator: e.key, handle: h.handle });
    }
    return new TableReader(file, source, index);
  }

  get blockCount(): number {
    return this.index.length;
  }

  /** Where data block `i` sits (contents only, trailer excluded). */
  blockHandle(i: number): BlockHandle | undefined {
    const ie = this.index[i];
    return ie ? { ...ie.handle } : undefined;
  }

  /** Decoded entries of data block `i` (CRC verified, decompressed). */
  async blockEntries(i: number): Promise<TableEntry[]> {
    if (this.cached?.block === i) return this.cached.entries;
    const ie = this.index[i];
    if (!ie) throw new RangeError(`block ${i} out of range`);
    const contents = await readBlock(this.source, ie.handle, this.file, `data block ${i}`);
    const entries = parseBlock(contents, this.file, ie.handle.offset, `data block ${i}`);
    this.cached = { block: i, entries };
    return entries;
  }

  /**
   * Every entry in key order. Also checks what point lookups rely on: keys strictly
   * increasing, and each block's keys within its index separators (§2.5, §2.6).
   */
  async *entries(): AsyncGenerator<TableEntry> {
    let prev: Uint8Array | undefined;
    for (let i = 0; i < this.index.length; i++) {
      const ie = this.index[i] as IndexEntry;
      const lower = i > 0 ? (this.index[i - 1] as IndexEntry).separator : undefined;
      for (const e of await this.blockEntries(i)) {
        if (prev && compareBytes(prev, e.key) >= 0) {
          throw this.corrupt(ie, `keys are out of order (${describeKey(e.key)} after ${describeKey(prev)})`);
        }
        if (compareBytes(e.key, ie.separator) > 0 || (lower && compareBytes(e.key, lower) <= 0)) {
          throw this.corrupt(ie, `key ${describeKey(e.key)} lies outside the range its index entry promises`);
        }
        prev = e.key;
        yield e;
      }
    }
  }

  async allEntries(): Promise<TableEntry[]> {
    const out: TableEntry[] = [];
    for await (const e of this.entries()) out.push(e);
    return out;
  }

  /** Point lookup: the first block whose separator is >= key, then that block (§2.6). */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes((this.index[mid] as IndexEntry).separator, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.index.length) return undefined;
    const entries = await this.blockEntries(lo);
    let a = 0;
    let b = entries.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const c = compareBytes((entries[mid] as TableEntry).key, key);
      if (c === 0) return (entries[mid] as TableEntry).value;
      if (c < 0) a = mid + 1;
      else b = mid;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.cached = undefined;
    await this.source.close();
  }

  private corrupt(ie: IndexEntry, why: string): FrostError {
    return new FrostError('CORRUPT', `${this.file} is corrupt: in the block at offset ${ie.handle.offset}, ${why}.`, {
      file: this.file,
      offset: ie.handle.offset,
    });
  }
}

/** Blocks and their trailers must lie before the footer (§11 "BlockHandles must lie inside"). */
function checkHandle(h: BlockHandle, footerOffset: number, file: string, what: string): void {
  if (h.offset + h.size + BLOCK_TRAILER_LENGTH > footerOffset) {
    throw new FrostError(
      'CORRUPT',
      `${file} is corrupt or truncated: ${what} is said to span bytes ${h.offset}..${h.offset + h.size + BLOCK_TRAILER_LENGTH}, past the table data, which ends at ${footerOffset}.`,
      { file, offset: h.offset },
    );
  }
}

/**
 * Reads a block and its trailer, verifies type and masked CRC32C over the stored bytes plus
 * the type byte, and decompresses Snappy blocks (§2.4).
 */
export async function readBlock(source: ByteSource, h: BlockHandle, file: string, what: string): Promise<Uint8Array> {
  const raw = await source.read(h.offset, h.size + BLOCK_TRAILER_LENGTH, what);
  return unwrapBlock(raw, h, file, what);
}

export function unwrapBlock(raw: Uint8Array, h: BlockHandle, file: string, what: string): Uint8Array {
  const type = raw[h.size] as number;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const stored = unmaskCrc(view.getUint32(h.size + 1, true));
  const actual = crc32c(raw.subarray(h.size, h.size + 1), crc32c(raw.subarray(0, h.size)));
  if (stored !== actual) {
    throw new FrostError(
      'CRC_MISMATCH',
      `${file} is corrupt: the checksum of the ${what} at offset ${h.offset} (${h.size} bytes) does not match (stored 0x${hex(stored)}, computed 0x${hex(actual)}).`,
      { file, offset: h.offset },
    );
  }
  const contents = raw.subarray(0, h.size);
  if (type === BLOCK_TYPE_NONE) return contents;
  if (type === BLOCK_TYPE_SNAPPY) return snappyUncompress(contents, { file, offset: h.offset, what });
  throw new FrostError('CORRUPT', `${file} is corrupt: the ${what} at offset ${h.offset} has block type ${type}; expected 0 (raw) or 1 (Snappy).`, {
    file,
    offset: h.offset,
  });
}

/**
 * Decodes a block's prefix-compressed entries with TensorFlow's rules (§2.5). `blockOffset`
 * is where the block sits in the file; positions inside it are named in the message.
 */
export function parseBlock(block: Uint8Array, file: string, blockOffset: number, what: string): TableEntry[] {
  const bad = (why: string): FrostError =>
    new FrostError('CORRUPT', `${file} is corrupt: the ${what} at offset ${blockOffset} ${why}.`, { file, offset: blockOffset });
  if (block.length < 4) throw bad(`is ${block.length} bytes, too short to hold its restart count`);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const numRestarts = view.getUint32(block.length - 4, true);
  if (numRestarts > (block.length - 4) / 4) throw bad(`claims ${numRestarts} restart points, more than fit in ${block.length} bytes`);
  if (numRestarts === 0) return [];
  const limit = block.length - 4 * (numRestarts + 1);
  const restarts = new Set<number>();
  for (let r = 0; r < numRestarts; r++) {
    const off = view.getUint32(limit + 4 * r, true);
    if (off >= limit && !(off === 0 && limit === 0)) throw bad(`has restart point ${off} outside its ${limit} bytes of entries`);
    restarts.add(off);
  }
  const entries: TableEntry[] = [];
  let prevKey = new Uint8Array(0);
  let pos = 0;
  while (pos < limit) {
    const start = pos;
    const shared = readVarint32(block, pos, limit);
    const nonShared = shared && readVarint32(block, shared.next, limit);
    const valueLen = nonShared && readVarint32(block, nonShared.next, limit);
    if (!shared || !nonShared || !valueLen) throw bad(`has a bad entry header at byte ${start}`);
    pos = valueLen.next;
    if (shared.value > prevKey.length) throw bad(`has an entry at byte ${start} sharing ${shared.value} bytes with a ${prevKey.length}-byte previous key`);
    if (nonShared.value + valueLen.value > limit - pos) throw bad(`has an entry at byte ${start} whose key and value run past the entries`);
    if (restarts.has(start) && shared.value !== 0) throw bad(`has a restart entry at byte ${start} that shares bytes with the previous key`);
    const key = new Uint8Array(shared.value + nonShared.value);
    key.set(prevKey.subarray(0, shared.value), 0);
    key.set(block.subarray(pos, pos + nonShared.value), shared.value);
    pos += nonShared.value;
    const value = block.subarray(pos, pos + valueLen.value);
    pos += valueLen.value;
    entries.push({ key, value });
    prevKey = key;
    restarts.delete(start);
  }
  if (limit > 0 && restarts.size > 0) throw bad(`has restart point ${[...restarts][0] ?? 0} that is not the start of an entry`);
  return entries;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
