/**
 * One V2 `.index` entry (tf-formats.md §4.2) decoded and validated the way TensorFlow does
 * before it reads data: complete shape, shard in range, exact size for fixed-size dtypes,
 * `size >= N` for strings. A bad entry does not stop the checkpoint from opening: it is
 * listed, and reading it throws the recorded problem (§11: keep the rest readable).
 */
import { FrostError } from '../errors.js';
import { tensorflow, toSafeNumber } from '../proto/tf.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { completeShape } from '../tensor/tensor-shape.js';
import type { TensorEntryInfo } from './reader.js';
import { resolveSlice, type Slice } from './tensor-slice.js';

export interface BundleEntry {
  keyBytes: Uint8Array;
  info: TensorEntryInfo;
  shardId: number;
  offset: number;
  size: number;
  maskedCrc: number;
  /** Present on the full entry of a partitioned tensor (§4.8). */
  slices?: Slice[];
  /** Why this entry cannot be read; set at open time. */
  problem?: FrostError;
}

export function decodeBundleEntry(keyBytes: Uint8Array, key: string, value: Uint8Array, numShards: number, file: string): BundleEntry {
  const bad = (why: string, code: 'CORRUPT' | 'UNSUPPORTED_DTYPE' = 'CORRUPT'): FrostError =>
    new FrostError(code, `Entry ${JSON.stringify(key)} in ${file} ${why}.`, { file });
  let proto: tensorflow.BundleEntryProto;
  try {
    proto = tensorflow.BundleEntryProto.decode(value);
  } catch (e) {
    const entry = blank(keyBytes, key);
    entry.problem = new FrostError('CORRUPT', `Entry ${JSON.stringify(key)} in ${file} cannot be decoded as a BundleEntryProto.`, { file, cause: e });
    return entry;
  }
  const dtype = proto.dtype;
  const info = dtypeInfo(dtype);
  const shapeOrWhy = completeShape(proto.shape);
  const shape = typeof shapeOrWhy === 'string' ? [] : shapeOrWhy;
  const entry: BundleEntry = {
    keyBytes,
    info: { key, dtype, shape, bytes: 0 },
    shardId: proto.shardId,
    offset: toSafeNumber(proto.offset) ?? -1,
    size: toSafeNumber(proto.size) ?? -1,
    maskedCrc: proto.crc32c >>> 0,
  };
  if (dtype === DT.RESOURCE || dtype === DT.VARIANT) entry.info.opaque = true;
  if (typeof shapeOrWhy === 'string') {
    entry.problem = bad(`has an invalid tensor shape: ${shapeOrWhy}`);
    return entry;
  }
  if (!info) {
    entry.problem = bad(`has dtype ${dtypeName(dtype)}, which Frost does not know`, 'UNSUPPORTED_DTYPE');
    return entry;
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (proto.slices.length > 0) {
    entry.info.partitions = proto.slices.length;
    const slices: Slice[] = [];
    for (const s of proto.slices) {
      const r = resolveSlice(s, shape);
      if (typeof r === 'string') {
        entry.problem = bad(`is partitioned, but ${r}`);
        return entry;
      }
      slices.push(r);
    }
    entry.slices = slices;
    return entry;
  }
  if (numShards > 1) entry.info.shard = entry.shardId;
  if (entry.shardId < 0 || entry.shardId >= numShards) {
    entry.problem = bad(`names data shard ${entry.shardId}, but the checkpoint has ${numShards}`);
  } else if (entry.offset < 0 || entry.size < 0) {
    entry.problem = bad(`has an invalid offset (${String(proto.offset)}) or size (${String(proto.size)})`);
  } else if (info.itemSize > 0 && entry.size !== n * info.itemSize) {
    entry.problem = bad(`has an invalid size: ${entry.size} bytes, but ${dtypeName(dtype)}[${shape.join(', ')}] takes ${n * info.itemSize}`);
  } else if (dtype === DT.STRING && entry.size < n) {
    entry.problem = bad(`has an invalid size: ${entry.size} bytes cannot hold ${n} strings`);
  }
  entry.info.bytes = Math.max(0, entry.size);
  return entry;
}

function blank(keyBytes: Uint8Array, key: string): BundleEntry {
  return { keyBytes, info: { key, dtype: 0, shape: [], bytes: 0 }, shardId: 0, offset: 0, size: 0, maskedCrc: 0 };
}
