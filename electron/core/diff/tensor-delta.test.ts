// Value deltas on small tensors whose statistics are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { DT } from '../tensor/dtype.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { DeltaAccumulator, tensorDelta } from './tensor-delta.js';

const f32 = (xs: number[]): TensorData => ({ kind: 'numeric', dtype: DT.FLOAT, shape: [xs.length], bytes: new Uint8Array(new Float32Array(xs).buffer) });
const i64 = (xs: bigint[]): TensorData => ({ kind: 'numeric', dtype: DT.INT64, shape: [xs.length], bytes: new Uint8Array(new BigInt64Array(xs).buffer) });

describe('tensorDelta', () => {
  it('computes max/mean abs, relative L2, cosine and % changed in float64', () => {
    // a = [1,2,3,4], b = [1,2,3,6]: Δ = [0,0,0,2]; ‖Δ‖ = 2, ‖a‖ = √30, ‖b‖ = √50, a·b = 38.
    const d = tensorDelta(f32([1, 2, 3, 4]), f32([1, 2, 3, 6]));
    expect(d).toEqual({ elements: 4, changed: 1, changedPercent: 25, maxAbs: 2, meanAbs: 0.5, relL2: 2 / Math.sqrt(30), cosine: 38 / (Math.sqrt(30) * Math.sqrt(50)) });
  });

  it('widens float32 exactly: 0.1f vs 0.2f differ by the float32 values, not the decimals', () => {
    const d = tensorDelta(f32([0.1]), f32([0.2]));
    expect(d?.maxAbs).toBe(Math.fround(0.2) - Math.fround(0.1));
  });

  it('says null where a statistic is undefined (zero norms, NaN deltas) and counts NaN = NaN as unchanged', () => {
    expect(tensorDelta(f32([0, 0]), f32([0, 0]))).toEqual({ elements: 2, changed: 0, changedPercent: 0, maxAbs: 0, meanAbs: 0, relL2: 0, cosine: null });
    expect(tensorDelta(f32([0, 0]), f32([0, 3]))?.relL2).toBeNull();
    const nan = tensorDelta(f32([NaN, 1]), f32([NaN, 2]));
    expect(nan).toMatchObject({ changed: 1, maxAbs: null, meanAbs: null, relL2: null, cosine: null });
  });

  it('compares int64 exactly beyond 2^53', () => {
    const big = 2n ** 60n;
    const d = tensorDelta(i64([big, 5n]), i64([big + 1n, 5n]));
    expect(d?.changed).toBe(1);
    expect(d?.maxAbs).toBe(1);
  });

  it('counts changed strings and gives no magnitudes for them', () => {
    const s = (xs: string[]): TensorData => ({ kind: 'string', dtype: DT.STRING, shape: [xs.length], strings: xs.map((x) => new TextEncoder().encode(x)) });
    expect(tensorDelta(s(['a', 'b', 'c']), s(['a', 'x', 'c']))).toEqual({ elements: 3, changed: 1, changedPercent: 100 / 3, maxAbs: null, meanAbs: null, relL2: null, cosine: null });
  });

  it('refuses tensors of another dtype or shape', () => {
    expect(tensorDelta(f32([1, 2]), f32([1, 2, 3]))).toBeUndefined();
    expect(tensorDelta(f32([1]), i64([1n]))).toBeUndefined();
  });

  it('gives the same result fed in pieces, also misaligned ones, as whole', () => {
    const a = Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const b = a.map((x, i) => (i % 3 === 0 ? x + i * 1e-3 : x));
    const whole = tensorDelta(f32(a), f32(b));
    const acc = new DeltaAccumulator(DT.FLOAT);
    const ba = (f32(a) as { bytes: Uint8Array }).bytes;
    const bb = (f32(b) as { bytes: Uint8Array }).bytes;
    // Pieces copied to odd offsets force the aligned-copy path.
    for (let off = 0; off < ba.length; off += 400) {
      const pa = new Uint8Array(401);
      const pb = new Uint8Array(401);
      const len = Math.min(400, ba.length - off);
      pa.set(ba.subarray(off, off + len), 1);
      pb.set(bb.subarray(off, off + len), 1);
      acc.addBytes(pa.subarray(1, 1 + len), pb.subarray(1, 1 + len));
    }
    const pieces = acc.result();
    expect(pieces.changed).toBe(whole?.changed);
    expect(pieces.maxAbs).toBe(whole?.maxAbs);
    expect(pieces.relL2).toBeCloseTo(whole?.relL2 ?? NaN, 12);
    expect(pieces.cosine).toBeCloseTo(whole?.cosine ?? NaN, 12);
  });
});
