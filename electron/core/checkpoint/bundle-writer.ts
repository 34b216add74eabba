/**
 * Writes V2 bundles the way TensorFlow's BundleWriter does (tf-formats.md §4): payloads
 * appended to their data shard in save order (§4.3), each entry with its masked CRC32C
 * (§4.5, §4.6), zero-size tensors at the current end with CRC mask(0) (§4.4), partitioned
 * variables as a full entry with `slices` plus one entry per slice under its slice key
 * (§4.8), and the index table written last, like TF, with the header under key "" (§4.1).
 * Every file is written atomically.
 */
import { FrostError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, type TensorData } from '../tensor/tensor-data.js';
import { dataFileName } from './bundle-v2.js';
import { byteSwapInPlace } from './byte-swap.js';
import { keyBytes, rawKey } from './keys.js';
import { encodeSliceKey } from './slice-key.js';
import { compareBytes } from './sstable-format.js';
import { TableBuilder, type TableWriterOptions } from './sstable-writer.js';
import { encodeStringPayload } from './string-tensor.js';

export interface WholeTensor {
  key: string | Uint8Array;
  data: TensorData;
  /** Data shard (default 0). */
  shard?: number;
}

/** Stored bytes written verbatim, e.g. a DT_VARIANT payload (§4.7) for tests. */
export interface RawTensor {
  key: string | Uint8Array;
  dtype: number;
  shape: readonly number[];
  payload: Uint8Array;
  shard?: number;
}

export interface PartitionedTensor {
  key: string | Uint8Array;
  dtype: number;
  /** Full shape. */
  shape: readonly number[];
  /** Each slice's extent is `start` plus its data's shape. */
  slices: readonly { start: readonly number[]; data: TensorData; shard?: number }[];
}

export type BundleTensor = WholeTensor | RawTensor | PartitionedTensor;

export interface BundleWriteOptions {
  numShards?: number;
  /** Payload byte order (§4.9); 'big' exists so tests can exercise the swap path. */
  endianness?: 'little' | 'big';
  /** Compression of the index table's blocks (TF: none). */
  compression?: TableWriterOptions['compression'];
  /** Files that must not be overwritten (see writeFileAtomic). */
  inputs?: readonly string[];
}

interface Payload {
  bytes: Uint8Array;
  crc: number;
}

interface PendingEntry {
  key: Uint8Array;
  proto: tensorflow.BundleEntryProto.$Properties;
}

export async function writeBundleV2(prefix: string, tensors: readonly BundleTensor[], options: BundleWriteOptions = {}): Promise<{ files: string[] }> {
  const numShards = options.numShards ?? 1;
  const bigEndian = options.endianness === 'big';
  if (!Number.isInteger(numShards) || numShards < 1) throw usage(`numShards must be a positive integer, not ${numShards}`);
  const shards: Payload[][] = Array.from({ length: numShards }, () => []);
  const shardSize = new Array<number>(numShards).fill(0);
  const entries: PendingEntry[] = [];
  const seen = new Set<string>();

  const addEntry = (key: Uint8Array, proto: tensorflow.BundleEntryProto.$Properties): void => {
    const k = rawKey(key);
    if (key.length === 0) throw usage('the empty key is reserved for the bundle header');
    if (seen.has(k)) throw usage(`key ${JSON.stringify(new TextDecoder().decode(key))} is written twice`);
    seen.add(k);
    entries.push({ key, proto });
  };
  const store = (shard: number, p: Payload): { shardId: number; offset: number; size: number; crc32c: number } => {
    if (!Number.isInteger(shard) || shard < 0 || shard >= numShards) throw usage(`shard ${shard} is out of range for ${numShards} shards`);
    const offset = shardSize[shard] as number;
    (shards[shard] as Payload[]).push(p);
    shardSize[shard] = offset + p.bytes.length;
    return { shardId: shard, offset, size: p.bytes.length, crc32c: maskCrc(p.crc) };
  };

  for (const t of tensors) {
    const key = typeof t.key === 'string' ? keyBytes(t.key) : t.key;
    if ('slices' in t) {
      const slices = t.slices.map((s) => {
        if (s.data.dtype !== t.dtype) throw usage(`a slice of ${describe(key)} has dtype ${dtypeName(s.data.dtype)}, not ${dtypeName(t.dtype)}`);
        const dims = s.start.map((start, d) => ({ start, length: s.data.shape[d] ?? 0 }));
        if (dims.length !== t.shape.length || dims.some((e, d) => e.start < 0 || e.start + e.length > (t.shape[d] as number))) {
          throw usage(`a slice of ${describe(key)} does not fit its shape [${t.shape.join(', ')}]`);
        }
        const loc = store(s.shard ?? 0, payloadOf(s.data, bigEndian));
        addEntry(encodeSliceKey(key, dims), { dtype: t.dtype, shape: shapeProto(s.data.shape), ...locationFields(loc) });
        return { extent: dims.map((e) => ({ start: Long.fromNumber(e.start), length: Long.fromNumber(e.length) })) };
      });
      addEntry(key, { dtype: t.dtype, shape: shapeProto(t.shape), slices });
    } else if ('payload' in t) {
      const loc = store(t.shard ?? 0, { bytes: t.payload, crc: crc32c(t.payload) });
      addEntry(key, { dtype: t.dtype, shape: shapeProto(t.shape), ...locationFields(loc) });
    } else {
      const loc = store(t.shard ?? 0, payloadOf(t.data, bigEndian));
      addEntry(key, { dtype: t.data.dtype, shape: shapeProto(t.data.shape), ...locationFields(loc) });
    }
  }

  const files: string[] = [];
  for (let s = 0; s < numShards; s++) {
    const file = dataFileName(prefix, s, numShards);
    const parts = shards[s] as Payload[];
    await writeFileAtomic(
      file,
      async (write) => {
        for (const p of parts) if (p.bytes.length > 0) await write(p.bytes);
      },
      options.inputs ? { inputs: options.inputs } : {},
    );
    files.push(file);
  }

  entries.sort((a, b) => compareBytes(a.key, b.key));
  const header: tensorflow.BundleHeaderProto.$Properties = { numShards, version: { producer: 1 } };
  if (bigEndian) header.endianness = tensorflow.BundleHeaderProto.Endianness.BIG;
  const table = new TableBuilder(options.compression ? { compression: options.compression } : {});
  table.add(new Uint8Array(0), tensorflow.BundleHeaderProto.encode(header).finish());
  for (const e of entries) table.add(e.key, tensorflow.BundleEntryProto.encode(e.proto).finish());
  const chunks = table.finish();
  const indexFile = `${prefix}.index`;
  await writeFileAtomic(
    indexFile,
    async (write) => {
      for (const c of chunks) await write(c);
    },
    options.inputs ? { inputs: options.inputs } : {},
  );
  return { files: [indexFile, ...files] };
}

/** The stored bytes of a tensor and their CRC (§4.4-§4.6, §4.9). */
function payloadOf(data: TensorData, bigEndian: boolean): Payload {
  if (data.kind === 'string') {
    if (data.strings.length !== elementCount(data.shape)) throw usage(`a string tensor has ${data.strings.length} strings for shape [${data.shape.join(', ')}]`);
    return encodeStringPayload(data.strings, bigEndian);
  }
  const info = dtypeInfo(data.dtype);
  if (!info || info.itemSize === 0 || data.dtype === DT.STRING) throw new FrostError('UNSUPPORTED_DTYPE', `Cannot write a numeric tensor of dtype ${dtypeName(data.dtype)}.`);
  const expected = info.itemSize * elementCount(data.shape);
  if (data.bytes.length !== expected) throw usage(`a ${dtypeName(data.dtype)}[${data.shape.join(', ')}] tensor has ${data.bytes.length} bytes, expected ${expected}`);
  let bytes = data.bytes;
  if (bigEndian) {
    bytes = data.bytes.slice();
    byteSwapInPlace(bytes, data.dtype);
  }
  return { bytes, crc: crc32c(bytes) };
}

function shapeProto(shape: readonly number[]): tensorflow.TensorShapeProto.$Properties {
  return { dim: shape.map((d) => ({ size: Long.fromNumber(d) })) };
}

/** The generated encoder leaves proto3 defaults off the wire, as TF does (no `shard_id: 0`). */
function locationFields(loc: { shardId: number; offset: number; size: number; crc32c: number }): tensorflow.BundleEntryProto.$Properties {
  return { shardId: loc.shardId, offset: Long.fromNumber(loc.offset), size: Long.fromNumber(loc.size), crc32c: loc.crc32c };
}

function describe(key: Uint8Array): string {
  return JSON.stringify(new TextDecoder().decode(key));
}

function usage(why: string): FrostError {
  return new FrostError('USAGE', `Cannot write the bundle: ${why}.`);
}
