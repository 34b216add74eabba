/**
 * Slice keys, tf-formats.md §4.8: TensorFlow's EncodeTensorNameSlice, built from
 * "OrderedCode". V2 bundles store each partition of a partitioned variable under such a
 * key, and V1 checkpoints store every tensor that way, so readers must compute them to
 * find slices and to hide them from listings. Keys are bytes: names may hold any byte.
 */

/** One dimension of a slice; `length = -1` is TensorFlow's "full dimension" (kFullExtent). */
export interface SliceDim {
  start: number;
  length: number;
}

export interface SliceKey {
  name: Uint8Array;
  dims: SliceDim[];
}

const H0 = [0, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe, 0xff, 0xff, 0xff];
const H1 = [0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xc0];
/** Encoded length for a magnitude of `bits` significant bits (index = bits, 1..63). */
function signedLength(bits: number): number {
  return Math.min(10, Math.floor(bits / 7) + 1);
}

const encoder = new TextEncoder();

export function encodeSliceKey(name: Uint8Array | string, dims: readonly SliceDim[]): Uint8Array {
  const out: number[] = [];
  writeUnsigned(out, 0n);
  const nameBytes = typeof name === 'string' ? encoder.encode(name) : name;
  for (const b of nameBytes) {
    if (b === 0x00) out.push(0x00, 0xff);
    else if (b === 0xff) out.push(0xff, 0x00);
    else out.push(b);
  }
  out.push(0x00, 0x01);
  writeUnsigned(out, BigInt(dims.length));
  for (const d of dims) {
    writeSigned(out, BigInt(d.start));
    writeSigned(out, BigInt(d.length));
  }
  return Uint8Array.from(out);
}

/** Unsigned OrderedCode: a length byte, then the big-endian value without leading zeros. */
export function writeUnsigned(out: number[], v: bigint): void {
  const bytes: number[] = [];
  let x = v;
  while (x > 0n) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  out.push(bytes.length, ...bytes);
}

/** Signed OrderedCode (§4.8): 1-byte form for -64..63, else the H0/H1 header table. */
export function writeSigned(out: number[], v: bigint): void {
  if (v >= -64n && v < 64n) {
    out.push(Number((0x80n ^ BigInt.asUintN(8, v)) & 0xffn));
    return;
  }
  const x = v < 0n ? ~v : v;
  const n = signedLength(x.toString(2).length);
  const sign = v < 0n ? 0xff : 0x00;
  const ten = [sign, sign];
  const u = BigInt.asUintN(64, v);
  for (let i = 7; i >= 0; i--) ten.push(Number((u >> BigInt(8 * i)) & 0xffn));
  const kept = ten.slice(10 - n);
  kept[0] = (kept[0] as number) ^ (H0[n] as number);
  if (n > 1) kept[1] = (kept[1] as number) ^ (H1[n] as number);
  out.push(...kept);
}

/**
 * Parses a slice key; undefined when `key` is not one (any normal tensor name, or bytes
 * that do not follow the encoding exactly). Values beyond 2^53 are refused.
 */
export function decodeSliceKey(key: Uint8Array): SliceKey | undefined {
  const r = { pos: 0 };
  const lead = readUnsigned(key, r);
  if (lead !== 0n) return undefined;
  const name: number[] = [];
  for (;;) {
    if (r.pos >= key.length) return undefined;
    const b = key[r.pos] as number;
    const c = key[r.pos + 1];
    if (b === 0x00) {
      if (c === 0x01) break;
      if (c !== 0xff) return undefined;
      name.push(0x00);
      r.pos += 2;
    } else if (b === 0xff) {
      if (c !== 0x00) return undefined;
      name.push(0xff);
      r.pos += 2;
    } else {
      name.push(b);
      r.pos += 1;
    }
  }
  r.pos += 2;
  const rank = readUnsigned(key, r);
  if (rank === undefined || rank > 254n) return undefined;
  const dims: SliceDim[] = [];
  for (let i = 0; i < Number(rank); i++) {
    const start = readSigned(key, r);
    const length = readSigned(key, r);
    if (start === undefined || length === undefined) return undefined;
    const s = Number(start);
    const l = Number(length);
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(l)) return undefined;
    dims.push({ start: s, length: l });
  }
  if (r.pos !== key.length) return undefined;
  return { name: Uint8Array.from(name), dims };
}

function readUnsigned(key: Uint8Array, r: { pos: number }): bigint | undefined {
  const n = key[r.pos];
  if (n === undefined || n > 8 || r.pos + 1 + n > key.length) return undefined;
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(key[r.pos + 1 + i] as number);
  r.pos += 1 + n;
  return v;
}

function readSigned(key: Uint8Array, r: { pos: number }): bigint | undefined {
  const first = key[r.pos];
  if (first === undefined) return undefined;
  const negative = (first & 0x80) === 0;
  const norm = (b: number): number => (negative ? ~b & 0xff : b);
  // The length is the number of leading 1 bits of the sign-normalized stream.
  let n = leadingOnes(norm(first));
  if (n === 8) {
    const second = key[r.pos + 1];
    if (second === undefined) return undefined;
    n += leadingOnes(norm(second));
  }
  if (n < 1 || n > 10 || r.pos + n > key.length) return undefined;
  const bytes = Array.from(key.subarray(r.pos, r.pos + n));
  bytes[0] = (bytes[0] as number) ^ (H0[n] as number);
  if (n > 1) bytes[1] = (bytes[1] as number) ^ (H1[n] as number);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  v = BigInt.asIntN(8 * n, v);
  r.pos += n;
  return v;
}

function leadingOnes(b: number): number {
  let n = 0;
  for (let bit = 0x80; bit > 0 && (b & bit) !== 0; bit >>= 1) n++;
  return n;
}

/** Cheap test used to hide slice keys from listings: TF's keys start with 0x00 (§4.8). */
export function looksLikeSliceKey(key: Uint8Array): boolean {
  return key[0] === 0x00 && decodeSliceKey(key) !== undefined;
}
