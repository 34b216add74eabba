/**
 * Stats, histogram and preview of a huge stored tensor without materializing it (issue #8,
 * resource limits): only the elements the preview shows and an evenly spaced sample for the
 * stats are read from the data shard, by positioned reads of the stored payload (§4.3).
 * The sample is not CRC-checked — a checksum covers the whole payload — so the summary says
 * it is sampled; "Verify checksums" still checks every byte.
 */
import { RandomAccessFile } from '../io/file.js';
import type { TensorLocation } from '../checkpoint/bundle-v2.js';
import { byteSwapInPlace } from '../checkpoint/byte-swap.js';
import type { TensorSummary } from '../../../shared/ipc/contract.js';
import type { Source } from '../source/open-source.js';
import { dtypeInfo, dtypeName } from './dtype.js';
import { computeHistogram, computeStats, elementCount, formatElement, type Histogram, type TensorData, type TensorStats } from './tensor-data.js';
import { previewIndices, previewWith } from './preview.js';

/** Tensors above this many stored bytes are summarized from samples, not read whole. */
export const SAMPLE_ABOVE_BYTES = 64 * 1024 * 1024;
/** Elements read for the stats (about 1 M, as runs of RUN consecutive elements, evenly spaced). */
export const SAMPLE_ELEMENTS = 1024 * 1024;
const RUN = 1024;

export interface SampledSummary {
  stats: TensorStats;
  histogram: Histogram;
  preview: string;
  /** Bytes actually read from the shard. */
  bytesRead: number;
}

/** Reads `count` elements from flat index `first` of the stored payload at `loc`. */
async function readRun(file: RandomAccessFile, loc: TensorLocation, dtype: number, itemSize: number, first: number, count: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await file.read(loc.offset + first * itemSize, count * itemSize, 'a sample of the tensor'));
  if (loc.endianness === 'big') byteSwapInPlace(bytes, dtype);
  return bytes;
}

/**
 * The summary of a whole numeric tensor stored at `loc` (from the reader's locate()); undefined
 * when its dtype has no fixed element size (strings, sub-byte types), which are read whole.
 */
export async function sampledSummary(loc: TensorLocation, dtype: number, shape: readonly number[], bins = 30, sampleElements = SAMPLE_ELEMENTS): Promise<SampledSummary | undefined> {
  const info = dtypeInfo(dtype);
  const n = elementCount(shape);
  if (!info || info.itemSize < 1 || !Number.isInteger(info.itemSize) || loc.size !== n * info.itemSize) return undefined;
  const itemSize = info.itemSize;
  const file = await RandomAccessFile.open(loc.file);
  try {
    let bytesRead = 0;
    // The stats sample: runs of RUN consecutive elements, spread over the whole tensor.
    const runs = Math.max(1, Math.min(Math.floor(sampleElements / RUN), Math.ceil(n / RUN)));
    const sample = new Uint8Array(runs * Math.min(RUN, n) * itemSize);
    let filled = 0;
    for (let r = 0; r < runs; r++) {
      // From the first element to the last: runs start evenly spaced over [0, n - RUN].
      const first = runs === 1 ? 0 : Math.floor((r * Math.max(0, n - RUN)) / (runs - 1));
      const count = Math.min(RUN, n - first);
      const chunk = await readRun(file, loc, dtype, itemSize, first, count);
      sample.set(chunk, filled);
      filled += chunk.length;
      bytesRead += chunk.length;
    }
    const sampled: TensorData & { kind: 'numeric' } = { kind: 'numeric', dtype, shape: [filled / itemSize], bytes: sample.subarray(0, filled) };
    const stats = { ...computeStats(sampled), sampled: true };
    const histogram = computeHistogram(sampled, bins, stats);
    // The preview: exactly the elements it shows, read as runs of consecutive indices.
    const wanted = [...new Set(previewIndices(shape))].sort((a, b) => a - b);
    const shown = new Map<number, string>();
    for (let i = 0; i < wanted.length; ) {
      let j = i;
      while (j + 1 < wanted.length && (wanted[j + 1] as number) === (wanted[j] as number) + 1 && j - i < 4095) j++;
      const first = wanted[i] as number;
      const count = j - i + 1;
      const bytes = await readRun(file, loc, dtype, itemSize, first, count);
      bytesRead += bytes.length;
      const run: TensorData = { kind: 'numeric', dtype, shape: [count], bytes };
      for (let k = 0; k < count; k++) shown.set(first + k, formatElement(run, k));
      i = j + 1;
    }
    const preview = previewWith(shape, (i) => shown.get(i) ?? '?');
    return { stats, histogram, preview, bytesRead };
  } finally {
    await file.close();
  }
}

/**
 * tensor:get for a checkpoint tensor too big to read whole (over `above` stored bytes):
 * the summary from samples; undefined when `name` is not such a tensor (the caller then reads
 * it whole as before). `name` is a checkpoint key or a TF2 readable name, as in findTensor.
 */
export async function hugeTensorSummary(
  source: Source,
  name: string,
  { above = SAMPLE_ABOVE_BYTES, sampleElements = SAMPLE_ELEMENTS }: { above?: number; sampleElements?: number } = {},
): Promise<TensorSummary | undefined> {
  const reader = source.reader;
  if (!reader) return undefined;
  const candidates = [name, name.replace(/:0$/, '')];
  let key = candidates.find((c) => reader.get(c) !== undefined);
  for (const [k, display] of source.displayNames) if (key === undefined && candidates.includes(display)) key = k;
  const info = key === undefined ? undefined : reader.get(key);
  if (key === undefined || !info || info.bytes <= above || info.partitions !== undefined) return undefined;
  const locate = (reader as Partial<{ locate(k: string): TensorLocation | undefined }>).locate;
  const loc = locate?.call(reader, key);
  if (!loc) return undefined;
  const s = await sampledSummary(loc, info.dtype, info.shape, 30, sampleElements);
  if (!s) return undefined;
  return {
    name: key,
    origin: 'checkpoint',
    dtype: dtypeName(info.dtype),
    shape: [...info.shape],
    elements: elementCount(info.shape),
    bytes: info.bytes,
    preview: s.preview,
    stats: s.stats,
    histogram: s.histogram,
  };
}
