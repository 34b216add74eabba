// Geometric placement of slices (tf-formats.md §4.8), checked against a brute-force oracle.
import { describe, expect, it } from 'vitest';
import { Long } from '../proto/tf.js';
import { forEachSliceRun, resolveSlice, type Slice } from './tensor-slice.js';

function place(shape: number[], slice: Slice): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n).fill(-1);
  forEachSliceRun(shape, slice, (src, dst, count) => {
    for (let i = 0; i < count; i++) out[dst + i] = src + i;
  });
  return out;
}

/** Oracle: walk every full-tensor index and ask whether it is inside the slice. */
function oracle(shape: number[], slice: Slice): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n).fill(-1);
  let src = 0;
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(rem % (shape[d] as number));
      rem = Math.floor(rem / (shape[d] as number));
    }
    if (idx.every((v, d) => v >= (slice.start[d] as number) && v < (slice.start[d] as number) + (slice.length[d] as number))) out[flat] = src++;
  }
  return out;
}

describe('slices', () => {
  it('places every slice of random shapes like the oracle', () => {
    let seed = 42;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    for (let trial = 0; trial < 300; trial++) {
      const rank = rnd(5);
      const shape = Array.from({ length: rank }, () => 1 + rnd(5));
      const start = shape.map((d) => rnd(d));
      const length = shape.map((d, i) => (rnd(3) === 0 ? d - (start[i] as number) : 1 + rnd(d - (start[i] as number))));
      const slice = { start: rank ? start : [], length: rank ? length : [], keyDims: [] };
      expect(place(shape, slice)).toEqual(oracle(shape, slice));
    }
  });

  it('resolves extents: a missing length is the whole dimension (start 0), key dims keep -1', () => {
    const r = resolveSlice({ extent: [{}, { start: Long.fromNumber(4), length: Long.fromNumber(3) }] }, [5, 10]);
    expect(r).toEqual({ start: [0, 4], length: [5, 3], keyDims: [{ start: 0, length: -1 }, { start: 4, length: 3 }] });
  });

  it('rejects slices that do not fit', () => {
    expect(resolveSlice({ extent: [{}] }, [5, 10])).toMatch(/1 dimensions but the tensor has 2/);
    expect(resolveSlice({ extent: [{ start: Long.fromNumber(4), length: Long.fromNumber(3) }] }, [5])).toMatch(/does not fit in size 5/);
    expect(resolveSlice({ extent: [{ start: Long.fromNumber(-1), length: Long.fromNumber(1) }] }, [5])).toMatch(/does not fit/);
    expect(resolveSlice({ extent: [{ start: Long.fromNumber(1) }] }, [5])).toMatch(/does not fit/);
  });

  it('copies nothing for an empty slice and one element for a scalar', () => {
    expect(place([3, 0], { start: [0, 0], length: [3, 0], keyDims: [] })).toEqual([]);
    expect(place([], { start: [], length: [], keyDims: [] })).toEqual([0]);
  });
});
