/**
 * V2 tensor bundles (tf-formats.md §4): `P.index` (a table of BundleEntryProtos, §2) and
 * `P.data-NNNNN-of-NNNNN` shards of raw payloads. The index is read whole (it is small,
 * §4.10); tensor payloads are read lazily with positioned, chunked reads and verified
 * against their CRC32C (§4.5). A missing shard still lets the checkpoint open and list
 * (§11), and partitioned variables are assembled from their slice entries (§4.8).
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { FrostError } from '../errors.js';
import { RandomAccessFile, pathKind, readWholeFile } from '../io/file.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import { tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, type TensorData } from '../tensor/tensor-data.js';
import { MAX_TENSOR_BYTES } from '../tensor/tensor-shape.js';
import { byteSwapInPlace } from './byte-swap.js';
import { decodeBundleEntry, type BundleEntry } from './bundle-entry.js';
import { keyText, rawKey } from './keys.js';
import type { CheckpointReader, ReadOptions, TensorEntryInfo } from './reader.js';
import { readChunked, allocateExact, streamChunks } from './shard-read.js';
import { encodeSliceKey, looksLikeSliceKey } from './slice-key.js';
import { TableReader, memorySource } from './sstable.js';
import { decodeStringPayload, variantUnsupported } from './string-tensor.js';
import { forEachSliceRun, sliceShapeEquals, type Slice } from './tensor-slice.js';

/** Consumer version of the bundle format this reader implements (§4.1: checked like 8.9). */
const BUNDLE_CONSUMER_VERSION = 1;
/** `.index` files hold ~25-60 bytes per tensor; 1 GiB is far beyond any real one. */
const MAX_INDEX_BYTES = 2 ** 30;
/** Far above any real save (one shard per device); a corrupt count must not mean a huge loop. */
const MAX_SHARDS = 1_000_000;

export function dataFileName(prefix: string, shard: number, numShards: number): string {
  return `${prefix}.data-${String(shard).padStart(5, '0')}-of-${String(numShards).padStart(5, '0')}`;
}

/** Where a whole tensor's stored bytes are, for copying them without decoding. */
export interface TensorLocation {
  file: string;
  offset: number;
  size: number;
  /** The entry's crc32c field: mask(crc32c(stored bytes)). */
  maskedCrc: number;
  /** Payload byte order (§4.9); 'big' payloads need swapping before use. */
  endianness: 'little' | 'big';
}

export interface BundleOpenOptions {
  /** Chunk size of data-shard reads (default 8 MiB). */
  chunkSize?: number;
  /** Chunk reads kept in flight while a chunk is checksummed (default 3). */
  readAhead?: number;
}

export class BundleV2Reader implements CheckpointReader {
  readonly format = 'v2' as const;
  private readonly shardFiles = new Map<number, Promise<RandomAccessFile>>();

  private constructor(
    readonly prefix: string,
    readonly files: readonly string[],
    readonly warnings: readonly FrostError[],
    private readonly numShards: number,
    private readonly bigEndian: boolean,
    private readonly missingShards: ReadonlySet<number>,
    /** Listed entries in key-byte order. */
    private readonly listed: readonly BundleEntry[],
    private readonly byText: ReadonlyMap<string, BundleEntry>,
    /** Every entry, slice entries included, by exact key bytes. */
    private readonly byRaw: ReadonlyMap<string, BundleEntry>,
    private readonly options: BundleOpenOptions,
  ) {}

  static async open(prefixIn: string, options: BundleOpenOptions = {}): Promise<BundleV2Reader> {
    const prefix = resolve(prefixIn);
    const indexFile = `${prefix}.index`;
    const bytes = await readWholeFile(indexFile, MAX_INDEX_BYTES);
    const table = await TableReader.fromSource(memorySource(bytes), indexFile);
    const entries = await table.allEntries();
    const first = entries[0];
    if (!first || first.key.length !== 0) {
      throw new FrostError('CORRUPT', `${indexFile} has no bundle header (the entry with the empty key); it is not a V2 checkpoint index.`, { file: indexFile });
    }
    const header = decodeHeader(first.value, indexFile);
    const warnings: FrostError[] = [];
    const numShards = header.numShards;
    const all: BundleEntry[] = [];
    for (const e of entries.slice(1)) {
      all.push(decodeBundleEntry(e.key, keyText(e.key), e.value, numShards, indexFile));
    }
    const byRaw = new Map(all.map((e) => [rawKey(e.keyBytes), e] as const));
    // Hide slice entries: the keys the full entries name (TF's own rule), plus anything that
    // parses as a slice key (§4.8).
    const sliceKeys = new Set<string>();
    for (const e of all) {
      if (!e.slices) continue;
      let total = 0;
      for (const s of e.slices) {
        const k = rawKey(encodeSliceKey(e.keyBytes, s.keyDims));
        sliceKeys.add(k);
        const se = byRaw.get(k);
        if (!se) {
          e.problem ??= new FrostError('CORRUPT', `Partitioned tensor ${JSON.stringify(e.info.key)} in ${indexFile} names a slice that has no entry.`, { file: indexFile });
        } else total += Math.max(0, se.size);
      }
      e.info.bytes = total;
    }
    const listed = all.filter((e) => !sliceKeys.has(rawKey(e.keyBytes)) && !looksLikeSliceKey(e.keyBytes));
    const byText = new Map<string, BundleEntry>();
    for (const e of listed) if (!byText.has(e.info.key)) byText.set(e.info.key, e);

    const { files, missing } = await findShardFiles(prefix, numShards);
    warnings.push(...missingShardWarnings(prefix, numShards, missing, all));
    for (const e of all) if (e.problem) warnings.push(e.problem);
    return new BundleV2Reader(prefix, [indexFile, ...files], warnings, numShards, header.bigEndian, missing, listed, byText, byRaw, options);
  }

  list(): TensorEntryInfo[] {
    return this.listed.map((e) => copyInfo(e.info));
  }

  get(key: string): TensorEntryInfo | undefined {
    const e = this.byText.get(key);
    return e ? copyInfo(e.info) : undefined;
  }

  /** The stored bytes of a whole (non-partitioned) tensor, for streaming copies. */
  locate(key: string): TensorLocation | undefined {
    const e = this.byText.get(key);
    if (!e || e.slices || e.problem) return undefined;
    return {
      file: dataFileName(this.prefix, e.shardId, this.numShards),
      offset: e.offset,
      size: e.size,
      maskedCrc: e.maskedCrc,
      endianness: this.bigEndian ? 'big' : 'little',
    };
  }

  async read(key: string, options: ReadOptions = {}): Promise<TensorData> {
    const e = this.byText.get(key);
    if (!e) {
      throw new FrostError('TENSOR_NOT_FOUND', `No tensor ${JSON.stringify(key)} in checkpoint ${this.prefix}.`, { file: `${this.prefix}.index` });
    }
    const verify = options.verify ?? true;
    return e.slices ? this.assemble(e, e.slices, verify) : this.readWhole(e, verify);
  }

  /**
   * Checks a tensor's stored checksums without keeping its value: numeric payloads stream
   * through reused buffers (§4.5), so a whole checkpoint can be verified at near raw read
   * speed; strings are decoded because their CRC covers fixed-width lengths (§4.6).
   */
  async verify(key: string): Promise<void> {
    const e = this.byText.get(key);
    if (!e) {
      throw new FrostError('TENSOR_NOT_FOUND', `No tensor ${JSON.stringify(key)} in checkpoint ${this.prefix}.`, { file: `${this.prefix}.index` });
    }
    if (e.problem) throw e.problem;
    const parts = e.slices
      ? e.slices.map((s) => {
          const se = this.byRaw.get(rawKey(encodeSliceKey(e.keyBytes, s.keyDims)));
          // Name a damaged slice the way read() does, not by its binary slice key.
          return se && { ...se, info: { ...se.info, key: `${key} (slice at [${s.start.join(', ')}])` } };
        })
      : [e];
    for (const part of parts) {
      if (!part) throw new FrostError('CORRUPT', `Partitioned tensor ${JSON.stringify(key)} in ${this.prefix}.index names a slice that has no entry.`, { file: `${this.prefix}.index` });
      if (part.problem) throw part.problem;
      if (part.info.opaque || part.size === 0) continue;
      if (part.info.dtype === DT.STRING) {
        await this.readWhole(part, true);
        continue;
      }
      const file = dataFileName(this.prefix, part.shardId, this.numShards);
      const shard = await this.shard(part.shardId, key);
      let crc = 0;
      await streamChunks(shard, part.offset, part.size, (chunk) => {
        crc = crc32c(chunk, crc);
      }, { ...this.options, what: `tensor ${JSON.stringify(part.info.key)}` });
      this.checkCrc(part, crc, file);
    }
  }

  async close(): Promise<void> {
    const opened = [...this.shardFiles.values()];
    this.shardFiles.clear();
    for (const p of opened) {
      const f = await p.catch(() => undefined);
      await f?.close();
    }
  }

  private async readWhole(e: BundleEntry, verify: boolean): Promise<TensorData> {
    const { key, dtype, shape } = e.info;
    if (e.problem) throw e.problem;
    if (e.info.opaque) {
      if (dtype === DT.VARIANT) throw variantUnsupported(key, `${this.prefix}.index`);
      throw new FrostError('UNSUPPORTED_DTYPE', `Tensor ${JSON.stringify(key)} has dtype ${dtypeName(dtype)}, which cannot hold saved values.`, {
        file: `${this.prefix}.index`,
      });
    }
    const n = elementCount(shape);
    const file = dataFileName(this.prefix, e.shardId, this.numShards);
    if (e.size > MAX_TENSOR_BYTES) {
      throw new FrostError('TOO_LARGE', `Tensor ${JSON.stringify(key)} is ${e.size} bytes, more than Frost can hold in memory.`, { file, offset: e.offset });
    }
    const shard = e.size > 0 ? await this.shard(e.shardId, key) : undefined;
    const what = `tensor ${JSON.stringify(key)}`;
    const { bytes, crc } = shard
      ? await readChunked(shard, e.offset, e.size, { ...this.options, verify: verify && dtype !== DT.STRING, what })
      : { bytes: allocateExact(0), crc: 0 };
    if (dtype === DT.STRING) {
      const decoded = decodeStringPayload(bytes, n, { file, offset: e.offset, key }, { bigEndian: this.bigEndian, verify });
      if (verify) this.checkCrc(e, decoded.crc, file);
      return { kind: 'string', dtype: DT.STRING, shape, strings: decoded.strings };
    }
    if (verify) this.checkCrc(e, crc, file);
    if (this.bigEndian) byteSwapInPlace(bytes, dtype);
    return { kind: 'numeric', dtype, shape, bytes };
  }

  private checkCrc(e: BundleEntry, crc: number, file: string): void {
    if (maskCrc(crc) === e.maskedCrc) return;
    throw new FrostError(
      'CRC_MISMATCH',
      `Checksum mismatch for tensor ${JSON.stringify(e.info.key)} in ${file} (bytes ${e.offset}..${e.offset + e.size}): stored 0x${hex(e.maskedCrc)}, computed 0x${hex(maskCrc(crc))}. The data file is damaged.`,
      { file, offset: e.offset },
    );
  }

  /** Places every slice entry into a full-shape tensor, geometrically (§4.8). */
  private async assemble(full: BundleEntry, slices: readonly Slice[], verify: boolean): Promise<TensorData> {
    if (full.problem) throw full.problem;
    const { key, dtype, shape } = full.info;
    const info = dtypeInfo(dtype);
    const index = `${this.prefix}.index`;
    if (!info || full.info.opaque) throw new FrostError('UNSUPPORTED_DTYPE', `Partitioned tensor ${JSON.stringify(key)} has dtype ${dtypeName(dtype)}, which Frost cannot read.`, { file: index });
    const n = elementCount(shape);
    if (info.itemSize * n > MAX_TENSOR_BYTES) {
      throw new FrostError('TOO_LARGE', `Tensor ${JSON.stringify(key)} would take ${info.itemSize * n} bytes, more than Frost can hold in memory.`, { file: index });
    }
    const covered = slices.reduce((sum, s) => sum + elementCount(s.length), 0);
    if (covered < n) {
      throw new FrostError('CORRUPT', `Partitioned tensor ${JSON.stringify(key)} in ${index} has slices covering only ${covered} of its ${n} elements.`, { file: index });
    }
    // Every slice entry is checked — present, matching, and its bytes really in its data
    // shard — before the full tensor is allocated, so a forged shape in a small index never
    // makes Frost allocate what the shards do not hold (issue #8, resource limits).
    const entries: BundleEntry[] = [];
    for (const slice of slices) {
      const sliceKey = encodeSliceKey(full.keyBytes, slice.keyDims);
      const se = this.byRaw.get(rawKey(sliceKey));
      if (!se) throw new FrostError('CORRUPT', `Partitioned tensor ${JSON.stringify(key)} in ${index} names a slice that has no entry.`, { file: index });
      if (se.info.dtype !== dtype || !sliceShapeEquals(se.info.shape, slice.length) || se.slices) {
        throw new FrostError(
          'CORRUPT',
          `A slice entry of ${JSON.stringify(key)} in ${index} is ${dtypeName(se.info.dtype)}[${se.info.shape.join(', ')}], expected ${dtypeName(dtype)}[${slice.length.join(', ')}].`,
          { file: index },
        );
      }
      if (se.problem) throw se.problem;
      if (se.size > 0) (await this.shard(se.shardId, key)).checkRange(se.offset, se.size, `tensor ${JSON.stringify(key)} (slice at [${slice.start.join(', ')}])`);
      entries.push(se);
    }
    const strings = dtype === DT.STRING ? new Array<Uint8Array>(n).fill(new Uint8Array(0)) : undefined;
    const bytes = strings ? undefined : new Uint8Array(info.itemSize * n);
    for (const [i, slice] of slices.entries()) {
      const se = entries[i] as BundleEntry;
      const part = await this.readWhole({ ...se, info: { ...se.info, key: `${key} (slice at [${slice.start.join(', ')}])` } }, verify);
      if (part.kind === 'string' && strings) {
        forEachSliceRun(shape, slice, (src, dst, count) => {
          for (let i = 0; i < count; i++) strings[dst + i] = part.strings[src + i] as Uint8Array;
        });
      } else if (part.kind === 'numeric' && bytes) {
        const sz = info.itemSize;
        forEachSliceRun(shape, slice, (src, dst, count) => bytes.set(part.bytes.subarray(src * sz, (src + count) * sz), dst * sz));
      }
    }
    if (strings) return { kind: 'string', dtype: DT.STRING, shape, strings };
    return { kind: 'numeric', dtype, shape, bytes: bytes ?? new Uint8Array(0) };
  }

  private shard(id: number, key: string): Promise<RandomAccessFile> {
    const file = dataFileName(this.prefix, id, this.numShards);
    if (this.missingShards.has(id)) {
      return Promise.reject(
        new FrostError('MISSING_SHARD', `Tensor ${JSON.stringify(key)} is stored in ${basename(file)}, which is missing (expected at ${file}).`, { file }),
      );
    }
    let p = this.shardFiles.get(id);
    if (!p) {
      p = RandomAccessFile.open(file).catch((e: unknown) => {
        this.shardFiles.delete(id);
        if (e instanceof FrostError && e.code === 'FILE_NOT_FOUND') {
          throw new FrostError('MISSING_SHARD', `Tensor ${JSON.stringify(key)} is stored in ${basename(file)}, which is missing (expected at ${file}).`, { file, cause: e });
        }
        throw e;
      });
      this.shardFiles.set(id, p);
    }
    return p;
  }
}

/** Which data files exist (§1.3 names), from one directory listing rather than a stat per shard. */
async function findShardFiles(prefix: string, numShards: number): Promise<{ files: string[]; missing: Set<number> }> {
  let names: Set<string> | undefined;
  try {
    names = new Set(await readdir(dirname(prefix)));
  } catch {
    names = undefined; // unlistable folder: fall back to one stat per shard
  }
  const files: string[] = [];
  const missing = new Set<number>();
  for (let s = 0; s < numShards; s++) {
    const f = dataFileName(prefix, s, numShards);
    const present = names ? names.has(basename(f)) && (await pathKind(f)) === 'file' : (await pathKind(f)) === 'file';
    if (present) files.push(f);
    else missing.add(s);
  }
  return { files, missing };
}

/** One warning per missing data file, or one summary when many are missing (§11). */
function missingShardWarnings(prefix: string, numShards: number, missing: ReadonlySet<number>, all: readonly BundleEntry[]): FrostError[] {
  const affected = (s: number): number => all.filter((e) => !e.slices && e.shardId === s && e.size > 0).length;
  const ids = [...missing];
  if (ids.length > 8) {
    const first = dataFileName(prefix, ids[0] as number, numShards);
    return [
      new FrostError('MISSING_SHARD', `${ids.length} of the ${numShards} data files are missing (the first is ${basename(first)}): the tensors stored there are listed but cannot be read.`, {
        file: first,
      }),
    ];
  }
  return ids.map((s) => {
    const file = dataFileName(prefix, s, numShards);
    return new FrostError('MISSING_SHARD', `Data file ${basename(file)} is missing: the ${affected(s)} tensor(s) stored there are listed but cannot be read.`, { file });
  });
}

function decodeHeader(value: Uint8Array, file: string): { numShards: number; bigEndian: boolean } {
  let h: tensorflow.BundleHeaderProto;
  try {
    h = tensorflow.BundleHeaderProto.decode(value);
  } catch (e) {
    throw new FrostError('CORRUPT', `${file} has a bundle header that cannot be parsed.`, { file, cause: e });
  }
  const v = h.version ?? {};
  const minConsumer = v.minConsumer ?? 0;
  if (minConsumer > BUNDLE_CONSUMER_VERSION || (v.badConsumers ?? []).includes(BUNDLE_CONSUMER_VERSION)) {
    throw new FrostError(
      'UNSUPPORTED_VERSION',
      `${file} needs a newer checkpoint reader (bundle min_consumer ${minConsumer}, this reader is version ${BUNDLE_CONSUMER_VERSION}).`,
      { file },
    );
  }
  if (!Number.isInteger(h.numShards) || h.numShards < 1 || h.numShards > MAX_SHARDS) {
    throw new FrostError('CORRUPT', `${file} has a bundle header with ${h.numShards} data shards; expected 1 to ${MAX_SHARDS}.`, { file });
  }
  if (h.endianness !== 0 && h.endianness !== 1) {
    throw new FrostError('CORRUPT', `${file} has a bundle header with unknown endianness ${String(h.endianness)}.`, { file });
  }
  return { numShards: h.numShards, bigEndian: h.endianness === 1 };
}

function copyInfo(i: TensorEntryInfo): TensorEntryInfo {
  return { ...i, shape: [...i.shape] };
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
