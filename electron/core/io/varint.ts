/**
 * Bounded little-endian base-128 varints (tf-formats.md §2.3, §7): at most 5 bytes for a
 * varint32, 10 for a varint64, never past `limit`. A bad varint returns undefined so each
 * caller can raise an error naming its own file and offset.
 */
export interface VarintResult {
  value: number;
  next: number;
}

/** Reads a varint32 (≤ 5 bytes) from buf[pos..limit). */
export function readVarint32(buf: Uint8Array, pos: number, limit = buf.length): VarintResult | undefined {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= limit) return undefined;
    const b = buf[pos + i] as number;
    if (i === 4) {
      if (b > 0x0f) return undefined; // more than 32 bits
      return { value: (result + b * 2 ** 28) >>> 0, next: pos + 5 };
    }
    result |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: result >>> 0, next: pos + i + 1 };
  }
  return undefined;
}

/**
 * Reads a varint64 (≤ 10 bytes) as a number. Values that do not fit in 2^53 are reported as
 * undefined: no real offset, size or length in these formats gets there.
 */
export function readVarint64(buf: Uint8Array, pos: number, limit = buf.length): VarintResult | undefined {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= limit) return undefined;
    const b = buf[pos + i] as number;
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(result)) return undefined;
      return { value: result, next: pos + i + 1 };
    }
    scale *= 128;
  }
  return undefined;
}

/** Appends the varint encoding of a non-negative safe integer to `out`. */
export function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export function varintLength(value: number): number {
  let n = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
