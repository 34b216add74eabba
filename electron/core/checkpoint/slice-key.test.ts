// Slice keys and OrderedCode, with the vectors of tf-formats.md §4.8.
import { describe, expect, it } from 'vitest';
import { decodeSliceKey, encodeSliceKey, looksLikeSliceKey, writeSigned } from './slice-key.js';

const hex = (b: Uint8Array | number[]): string => Buffer.from(Uint8Array.from(b)).toString('hex');
const signed = (v: bigint | number): string => {
  const out: number[] = [];
  writeSigned(out, BigInt(v));
  return hex(out);
};

describe('signed OrderedCode', () => {
  it('matches the one-byte and multi-byte vectors', () => {
    expect(signed(0)).toBe('80');
    expect(signed(4)).toBe('84');
    expect(signed(7)).toBe('87');
    expect(signed(-1)).toBe('7f');
    expect(signed(63)).toBe('bf');
    expect(signed(-64)).toBe('40');
    expect(signed(64)).toBe('c040');
    expect(signed(100)).toBe('c064');
    expect(signed(9900)).toBe('e026ac');
    expect(signed(10000000)).toBe('f0989680');
    expect(signed(-65)).toBe('3fbf');
  });

  it('round-trips through decode over the whole int64 range, including the 9- and 10-byte forms', () => {
    const values: bigint[] = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 8191n, 8192n, -8193n, 2n ** 48n, -(2n ** 48n), 2n ** 55n, 2n ** 56n - 1n, 2n ** 62n, -(2n ** 62n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (let b = 1; b < 63; b++) values.push(2n ** BigInt(b) - 1n, 2n ** BigInt(b), -(2n ** BigInt(b)), -(2n ** BigInt(b)) - 1n);
    let prev: string | undefined;
    const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const v of sorted) {
      const out: number[] = [];
      writeSigned(out, v);
      // Encoded bytes sort like the numbers (the point of OrderedCode).
      const h = hex(out);
      if (prev !== undefined) expect(Buffer.compare(Buffer.from(prev, 'hex'), Buffer.from(h, 'hex'))).toBe(-1);
      prev = h;
      const key = Uint8Array.from([0x00, 0x61, 0x00, 0x01, 0x01, 0x01, ...out, 0x80]);
      const d = decodeSliceKey(key);
      if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) expect(d?.dims[0]?.start).toBe(Number(v));
      else expect(d).toBeUndefined(); // beyond 2^53: refused, never rounded
    }
    expect(signed(2n ** 63n - 1n)).toBe('ffc07fffffffffffffff');
    expect(signed(-(2n ** 63n))).toBe('003f8000000000000000');
  });
});

describe('EncodeTensorNameSlice', () => {
  it('matches the observed V2 partition keys of p[10,4]', () => {
    expect(hex(encodeSliceKey('p', [{ start: 0, length: 4 }, { start: 0, length: 4 }]))).toBe('00700001' + '0102' + '80848084');
    expect(hex(encodeSliceKey('p', [{ start: 4, length: 3 }, { start: 0, length: 4 }]))).toBe('00700001' + '0102' + '84838084');
    expect(hex(encodeSliceKey('p', [{ start: 7, length: 3 }, { start: 0, length: 4 }]))).toBe('00700001' + '0102' + '87838084');
  });

  it('matches the observed V1 keys (full tensor and scalar)', () => {
    expect(hex(encodeSliceKey('a', [{ start: 0, length: -1 }, { start: 0, length: -1 }]))).toBe('00610001' + '0102' + '807f807f');
    expect(hex(encodeSliceKey('sc', []))).toBe('0073630001' + '00');
  });

  it('escapes 0x00 and 0xff in names and round-trips', () => {
    const name = Uint8Array.from([0x61, 0x00, 0xff, 0x62]);
    const key = encodeSliceKey(name, [{ start: 100, length: -1 }]);
    expect(hex(key)).toBe('00' + '6100ffff0062' + '0001' + '0101' + 'c064' + '7f');
    const d = decodeSliceKey(key)!;
    expect(hex(d.name)).toBe('6100ff62');
    expect(d.dims).toEqual([{ start: 100, length: -1 }]);
    expect(decodeSliceKey(encodeSliceKey('dnn/w', [{ start: 9900, length: 10000000 }]))?.dims).toEqual([{ start: 9900, length: 10000000 }]);
  });

  it('does not take normal keys or damaged keys for slice keys', () => {
    const enc = new TextEncoder();
    expect(looksLikeSliceKey(enc.encode('dense/kernel'))).toBe(false);
    expect(looksLikeSliceKey(new Uint8Array(0))).toBe(false);
    const good = encodeSliceKey('p', [{ start: 0, length: 4 }]);
    expect(looksLikeSliceKey(good)).toBe(true);
    expect(decodeSliceKey(good.subarray(0, good.length - 1))).toBeUndefined(); // truncated
    expect(decodeSliceKey(Uint8Array.from([...good, 0x80]))).toBeUndefined(); // trailing byte
    expect(decodeSliceKey(Uint8Array.from([0x00, 0x70, 0x00, 0x02]))).toBeUndefined(); // bad escape
    expect(decodeSliceKey(Uint8Array.from([0x01, 0x01, 0x70, 0x00, 0x01, 0x00]))).toBeUndefined(); // leading number 1
  });
});
