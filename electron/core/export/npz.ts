/**
 * NumPy `.npz` output: a ZIP archive with one stored (uncompressed) `<key>.npy` member per
 * tensor, written as a stream so a caller can hand over one tensor at a time and never hold
 * a whole checkpoint in memory. `np.load(path)[key]` finds every member by its checkpoint
 * key; keys containing `/` are fine inside a zip.
 *
 * Why a hand-written writer rather than a zip library: a .npz needs only the "stored"
 * method, but it does need ZIP64 (a single variable, or the archive, passes 4 GiB in
 * real checkpoints) and it must stream from an async source into Frost's atomic writer.
 * The small pure-JS zip libraries either buffer whole members or whole archives, lack
 * ZIP64, or compute CRC-32 in JS (slow for multi-GB payloads); the complete ones pull in
 * compression code and a stream framework Frost does not need. Stored members make the
 * format small: local header, data, central directory, end records (about 200 lines),
 * with the CRC-32 computed natively by @node-rs/crc32 (zip's CRC-32, not CRC-32C).
 *
 * Layout choices: the tensor is in memory already, so the member's size is known and its
 * CRC is computed in a first pass over the bytes; local headers therefore carry the real
 * CRC and sizes and no data descriptors are needed (every reader, streaming ones included,
 * handles that). ZIP64 extra fields and the ZIP64 end records are written only when a size,
 * an offset or the member count passes the classic limits, as numpy's own zipfile does.
 * Member names are UTF-8 (general-purpose flag bit 11 set when a name is not ASCII).
 */
import { crc32 } from '@node-rs/crc32';
import { FrostError } from '../errors.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../io/atomic-write.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { npyEncoding } from './npy.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20; // 2.0: what Python's zipfile writes for stored members
const VERSION_ZIP64 = 45; // 4.5: ZIP64 extensions
const MADE_BY_UNIX = 3 << 8;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

export interface ZipLimits {
  /** Sizes and offsets at or above this use ZIP64 fields (default 0xFFFFFFFF; tests lower it). */
  readonly zip64From?: number;
  /** Member counts at or above this need the ZIP64 end record (default 0xFFFF). */
  readonly zip64EntriesFrom?: number;
}

interface CentralRecord {
  name: Uint8Array;
  flags: number;
  crc: number;
  size: number;
  offset: number;
  zip64Size: boolean;
  zip64Offset: boolean;
}

/** DOS date and time fields (local time, 2-second resolution, 1980..2107). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, date.getFullYear()));
  if (year !== date.getFullYear()) return { time: 0, date: (1 << 5) | 1 };
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

function setU64(view: DataView, offset: number, value: number): void {
  view.setBigUint64(offset, BigInt(value), true);
}

/**
 * A store-only ZIP writer over a sequential `write` function. Add members with `add`
 * (size and CRC known up front), then call `finish` once.
 */
export class ZipStoreWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private readonly stamp: { time: number; date: number };
  private readonly zip64From: number;
  private readonly zip64EntriesFrom: number;
  private finished = false;

  constructor(
    private readonly write: (chunk: Uint8Array) => Promise<void>,
    options: ZipLimits & { readonly modified?: Date } = {},
  ) {
    this.stamp = dosDateTime(options.modified ?? new Date());
    this.zip64From = options.zip64From ?? MAX32;
    this.zip64EntriesFrom = options.zip64EntriesFrom ?? MAX16;
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  get entryCount(): number {
    return this.records.length;
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    await this.write(chunk);
    this.offset += chunk.length;
  }

  /**
   * Writes one stored member. `chunks` must yield exactly `size` bytes whose CRC-32 is
   * `crc` (checked while writing; a mismatch is a bug in the caller).
   */
  async add(name: string, size: number, crc: number, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    if (this.finished) throw new Error('ZipStoreWriter: add() after finish()');
    if (this.names.has(name)) throw new FrostError('USAGE', `Two archive members would both be named ${JSON.stringify(name)}.`);
    this.names.add(name);
    const nameBytes = new TextEncoder().encode(name);
    if (nameBytes.length > MAX16) throw new FrostError('USAGE', `Archive member name is too long (${nameBytes.length} bytes): ${name.slice(0, 80)}…`);
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : FLAG_UTF8;
    const zip64Size = size >= this.zip64From;
    const offset = this.offset;

    const extraLen = zip64Size ? 20 : 0;
    const header = new Uint8Array(30 + nameBytes.length + extraLen);
    const v = new DataView(header.buffer);
    v.setUint32(0, SIG_LOCAL, true);
    v.setUint16(4, zip64Size ? VERSION_ZIP64 : VERSION_DEFAULT, true);
    v.setUint16(6, flags, true);
    v.setUint16(8, 0, true); // method: stored
    v.setUint16(10, this.stamp.time, true);
    v.setUint16(12, this.stamp.date, true);
    v.setUint32(14, crc >>> 0, true);
    v.setUint32(18, zip64Size ? MAX32 : size, true);
    v.setUint32(22, zip64Size ? MAX32 : size, true);
    v.setUint16(26, nameBytes.length, true);
    v.setUint16(28, extraLen, true);
    header.set(nameBytes, 30);
    if (zip64Size) {
      // In a local header the ZIP64 extra holds both sizes (uncompressed, then compressed).
      const e = 30 + nameBytes.length;
      v.setUint16(e, ZIP64_EXTRA_ID, true);
      v.setUint16(e + 2, 16, true);
      setU64(v, e + 4, size);
      setU64(v, e + 12, size);
    }
    await this.emit(header);

    let written = 0;
    let running = 0;
    for await (const chunk of chunks) {
      running = crc32(chunk, running);
      written += chunk.length;
      await this.emit(chunk);
    }
    if (written !== size || running >>> 0 !== crc >>> 0) {
      throw new Error(`ZipStoreWriter: member ${name} produced ${written} bytes with CRC ${running >>> 0}, announced ${size} bytes with CRC ${crc >>> 0}`);
    }
    this.records.push({ name: nameBytes, flags, crc: crc >>> 0, size, offset, zip64Size, zip64Offset: offset >= this.zip64From });
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    if (this.finished) throw new Error('ZipStoreWriter: finish() called twice');
    this.finished = true;
    const cdOffset = this.offset;
    for (const r of this.records) {
      const extraLen = (r.zip64Size || r.zip64Offset ? 4 : 0) + (r.zip64Size ? 16 : 0) + (r.zip64Offset ? 8 : 0);
      const rec = new Uint8Array(46 + r.name.length + extraLen);
      const v = new DataView(rec.buffer);
      const version = r.zip64Size || r.zip64Offset ? VERSION_ZIP64 : VERSION_DEFAULT;
      v.setUint32(0, SIG_CENTRAL, true);
      v.setUint16(4, MADE_BY_UNIX | version, true);
      v.setUint16(6, version, true);
      v.setUint16(8, r.flags, true);
      v.setUint16(10, 0, true);
      v.setUint16(12, this.stamp.time, true);
      v.setUint16(14, this.stamp.date, true);
      v.setUint32(16, r.crc, true);
      v.setUint32(20, r.zip64Size ? MAX32 : r.size, true);
      v.setUint32(24, r.zip64Size ? MAX32 : r.size, true);
      v.setUint16(28, r.name.length, true);
      v.setUint16(30, extraLen, true);
      v.setUint16(32, 0, true); // comment length
      v.setUint16(34, 0, true); // disk number start
      v.setUint16(36, 0, true); // internal attributes
      v.setUint32(38, (0o100644 << 16) >>> 0, true); // regular file, rw-r--r--
      v.setUint32(42, r.zip64Offset ? MAX32 : r.offset, true);
      rec.set(r.name, 46);
      if (extraLen > 0) {
        // Central ZIP64 extra: only the fields whose classic slot holds 0xFFFFFFFF, in order.
        let e = 46 + r.name.length;
        v.setUint16(e, ZIP64_EXTRA_ID, true);
        v.setUint16(e + 2, extraLen - 4, true);
        e += 4;
        if (r.zip64Size) {
          setU64(v, e, r.size);
          setU64(v, e + 8, r.size);
          e += 16;
        }
        if (r.zip64Offset) setU64(v, e, r.offset);
      }
      await this.emit(rec);
    }
    const cdSize = this.offset - cdOffset;
    const count = this.records.length;
    const zip64End = count >= this.zip64EntriesFrom || cdSize >= this.zip64From || cdOffset >= this.zip64From;
    if (zip64End) {
      const zip64EndOffset = this.offset;
      const end64 = new Uint8Array(56 + 20);
      const v = new DataView(end64.buffer);
      v.setUint32(0, SIG_ZIP64_END, true);
      setU64(v, 4, 56 - 12); // size of the rest of this record
      v.setUint16(12, MADE_BY_UNIX | VERSION_ZIP64, true);
      v.setUint16(14, VERSION_ZIP64, true);
      v.setUint32(16, 0, true); // this disk
      v.setUint32(20, 0, true); // disk with the central directory
      setU64(v, 24, count);
      setU64(v, 32, count);
      setU64(v, 40, cdSize);
      setU64(v, 48, cdOffset);
      v.setUint32(56, SIG_ZIP64_LOCATOR, true);
      v.setUint32(60, 0, true);
      setU64(v, 64, zip64EndOffset);
      v.setUint32(72, 1, true); // total disks
      await this.emit(end64);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, SIG_END, true);
    v.setUint16(4, 0, true);
    v.setUint16(6, 0, true);
    v.setUint16(8, count >= this.zip64EntriesFrom ? MAX16 : count, true);
    v.setUint16(10, count >= this.zip64EntriesFrom ? MAX16 : count, true);
    v.setUint32(12, cdSize >= this.zip64From ? MAX32 : cdSize, true);
    v.setUint32(16, cdOffset >= this.zip64From ? MAX32 : cdOffset, true);
    v.setUint16(20, 0, true); // comment length
    await this.emit(end);
  }
}

export interface NpzEntry {
  /** Checkpoint key; the member is `<key>.npy`. */
  readonly key: string;
  readonly data: TensorData;
}

export interface NpzOptions extends AtomicWriteOptions, ZipLimits {
  /** Timestamp stored for every member (default: now). */
  readonly modified?: Date;
  /** Checked between tensors and chunks; aborting leaves the target untouched. */
  readonly signal?: AbortSignal;
  /** Called after each member is written. */
  readonly onEntry?: (progress: { key: string; entries: number; bytes: number }) => void;
}

export interface NpzSummary {
  entries: number;
  bytes: number;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FrostError('CANCELLED', 'The export was cancelled.');
}

/**
 * Streams `entries` into a .npz at `path` (atomically: nothing appears at `path` unless
 * every tensor was written). Each entry is encoded, checksummed and written before the
 * next one is pulled from the iterator, so memory stays at about one tensor.
 */
export async function writeNpz(
  path: string,
  entries: AsyncIterable<NpzEntry> | Iterable<NpzEntry>,
  options: NpzOptions = {},
): Promise<NpzSummary> {
  const { signal, onEntry } = options;
  let summary: NpzSummary = { entries: 0, bytes: 0 };
  await writeFileAtomic(
    path,
    async (write) => {
      const zip = new ZipStoreWriter(write, options);
      for await (const { key, data } of entries) {
        checkAbort(signal);
        const npy = npyEncoding(data);
        let crc = crc32(npy.header);
        for (const chunk of npy.payload()) crc = crc32(chunk, crc);
        await zip.add(`${key}.npy`, npy.byteLength, crc, withAbort([npy.header], npy.payload(), signal));
        onEntry?.({ key, entries: zip.entryCount, bytes: zip.bytesWritten });
      }
      checkAbort(signal);
      await zip.finish();
      summary = { entries: zip.entryCount, bytes: zip.bytesWritten };
    },
    options,
  );
  return summary;
}

function* withAbort(first: Iterable<Uint8Array>, rest: Iterable<Uint8Array>, signal: AbortSignal | undefined): Generator<Uint8Array> {
  yield* first;
  for (const chunk of rest) {
    checkAbort(signal);
    yield chunk;
  }
}
