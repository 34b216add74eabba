/**
 * Partitioned tensors (tf-formats.md §4.8, §5): a saved slice is a hyper-rectangle
 * [start_d, start_d + length_d) of the full tensor. Both V2 partitioned variables and V1
 * checkpoints are assembled by placing each slice geometrically, row-major, not by
 * concatenating in file order.
 */
import type { tensorflow } from '../proto/tf.js';
import { toSafeNumber } from '../proto/tf.js';
import type { SliceDim } from './slice-key.js';

/** A slice resolved against the full shape: `length` is never -1 here. */
export interface Slice {
  start: number[];
  length: number[];
  /** Dims exactly as stored, with -1 for "full", to rebuild the slice key (§4.8). */
  keyDims: SliceDim[];
}

/**
 * Resolves a TensorSliceProto against `shape`; a sentence when it does not fit. An extent
 * without `length` is the whole dimension (§4.2).
 */
export function resolveSlice(proto: tensorflow.TensorSliceProto.$Properties, shape: readonly number[]): Slice | string {
  const extents = proto.extent ?? [];
  if (extents.length !== shape.length) return `a slice has ${extents.length} dimensions but the tensor has ${shape.length}`;
  const start: number[] = [];
  const length: number[] = [];
  const keyDims: SliceDim[] = [];
  for (let d = 0; d < shape.length; d++) {
    const e = extents[d];
    const dim = shape[d] as number;
    const s = toSafeNumber(e?.start);
    const hasLength = e?.length !== null && e?.length !== undefined;
    const l = hasLength ? toSafeNumber(e.length) : dim;
    if (s === undefined || l === undefined || s < 0 || l < 0 || s + l > dim || (!hasLength && s !== 0)) {
      return `slice dimension ${d} (start ${String(e?.start ?? 0)}, length ${hasLength ? String(e?.length) : 'full'}) does not fit in size ${dim}`;
    }
    start.push(s);
    length.push(l);
    keyDims.push({ start: s, length: hasLength ? l : -1 });
  }
  return { start, length, keyDims };
}

export function sliceShapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Calls `copy(srcElement, dstElement, count)` for every contiguous run of a slice placed
 * in the full tensor. Trailing dimensions the slice covers fully are merged into one run.
 */
export function forEachSliceRun(fullShape: readonly number[], slice: Slice, copy: (src: number, dst: number, count: number) => void): void {
  const rank = fullShape.length;
  if (slice.length.some((l) => l === 0)) return;
  if (rank === 0) {
    copy(0, 0, 1);
    return;
  }
  // Row-major strides of the full tensor.
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (fullShape[d + 1] as number);
  // Merge trailing dims that the slice covers completely.
  let inner = rank - 1;
  let run = slice.length[inner] as number;
  while (inner > 0 && slice.length[inner] === fullShape[inner] && slice.start[inner] === 0) {
    inner--;
    run *= slice.length[inner] as number;
  }
  const outer = inner; // dims [0, outer) are iterated; dim `outer` and beyond form one run
  const idx = new Array<number>(outer).fill(0);
  let src = 0;
  for (;;) {
    let dst = 0;
    for (let d = 0; d < outer; d++) dst += ((slice.start[d] as number) + (idx[d] as number)) * (strides[d] as number);
    dst += (slice.start[outer] as number) * (strides[outer] as number);
    copy(src, dst, run);
    src += run;
    let d = outer - 1;
    while (d >= 0) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (slice.length[d] as number)) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
