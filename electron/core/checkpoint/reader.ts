/**
 * The one way the rest of Frost reads checkpoint variables. `openCheckpoint` applies
 * TensorFlow's own format rule (tf-formats.md §1.4): a prefix with a `.index` file is a
 * V2 bundle, anything else is a V1 file pattern (`?` globs allowed).
 */
import { resolve } from 'node:path';
import type { FrostError } from '../errors.js';
import { isFile } from '../io/file.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { BundleV2Reader } from './bundle-v2.js';
import { V1Reader } from './v1.js';

export interface TensorEntryInfo {
  /** Checkpoint key, UTF-8 decoded (non-UTF-8 bytes replaced); slice keys never listed. */
  key: string;
  /** DataType enum value. */
  dtype: number;
  shape: number[];
  /** Stored payload bytes (sum over slices when partitioned). */
  bytes: number;
  /** Number of saved slices, for partitioned variables. */
  partitions?: number;
  /** V2 data shard index when stored whole, in a checkpoint with several data shards. */
  shard?: number;
  /** Resource/variant entries. */
  opaque?: boolean;
}

export interface ReadOptions {
  /** Verify CRC32C checksums (default true); false is a salvage mode for damaged files. */
  verify?: boolean;
}

export interface CheckpointReader {
  readonly format: 'v1' | 'v2';
  /** Absolute prefix. */
  readonly prefix: string;
  /** The files that make up this checkpoint. */
  readonly files: readonly string[];
  /** Non-fatal problems (missing shard, undecodable entry, ...). */
  readonly warnings: readonly FrostError[];
  /** Sorted by key bytes. */
  list(): TensorEntryInfo[];
  get(key: string): TensorEntryInfo | undefined;
  read(key: string, options?: ReadOptions): Promise<TensorData>;
  /** Checks the stored checksums of one tensor without keeping its value; throws CRC_MISMATCH. */
  verify(key: string): Promise<void>;
  close(): Promise<void>;
}

const DATA_SUFFIX = /\.data-\d{5,}-of-\d{5,}$/;

export async function openCheckpoint(prefix: string): Promise<CheckpointReader> {
  let p = resolve(prefix);
  // A path to one of the V2 files stands for its prefix.
  if (!(await isFile(`${p}.index`))) {
    if (p.endsWith('.index') && (await isFile(p))) p = p.slice(0, -'.index'.length);
    else if (DATA_SUFFIX.test(p) && (await isFile(`${p.replace(DATA_SUFFIX, '')}.index`))) p = p.replace(DATA_SUFFIX, '');
  }
  if (await isFile(`${p}.index`)) return BundleV2Reader.open(p);
  return V1Reader.open(p);
}
