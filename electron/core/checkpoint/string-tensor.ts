/**
 * DT_STRING payloads of V2 bundles, tf-formats.md §4.6: varint64 lengths, a masked
 * "length checksum" over the lengths as fixed-width integers, then the bytes. The entry
 * CRC continues over lengths, the 4 stored checksum bytes and the string bytes. Every
 * length and their running total is checked against the payload size before anything
 * is sliced, so a forged length can never cause a large allocation (§11).
 */
import { FrostError } from '../errors.js';
import { crc32c, maskCrc, unmaskCrc } from '../io/crc32c.js';
import { pushVarint, readVarint64 } from '../io/varint.js';

export interface StringPayloadWhere {
  file: string;
  /** File offset of the payload. */
  offset: number;
  /** Checkpoint key, for messages. */
  key: string;
}

export interface DecodedStrings {
  strings: Uint8Array[];
  /** Unmasked CRC32C of the whole entry as TF computes it, to compare with the entry's field. */
  crc: number;
}

/**
 * Decodes `n` strings from `payload` (exactly the entry's `size` bytes). Big-endian bundles
 * feed big-endian fixed-width lengths to the CRC and store the checksum word big-endian
 * (§4.9); the varints themselves are byte-order free. `verify: false` (salvage) skips the
 * length checksum; the bounds checks always apply.
 */
export function decodeStringPayload(
  payload: Uint8Array,
  n: number,
  where: StringPayloadWhere,
  options: { bigEndian?: boolean; verify?: boolean } = {},
): DecodedStrings {
  const bigEndian = options.bigEndian ?? false;
  const bad = (why: string, at = 0): FrostError =>
    new FrostError('CORRUPT', `String tensor ${JSON.stringify(where.key)} in ${where.file} is corrupt: ${why}.`, {
      file: where.file,
      offset: where.offset + at,
    });
  if (payload.length === 0) {
    // TF returns without reading when size == 0 (§4.6); only valid for zero elements.
    if (n === 0) return { strings: [], crc: 0 };
    throw bad(`it has ${n} elements but no bytes`);
  }
  if (payload.length < n) throw bad(`it has ${n} elements but only ${payload.length} bytes`);
  const lengths = new Array<number>(n);
  let pos = 0;
  let total = 0;
  let wide = 0; // lengths >= 2^32 take 8 bytes in the checksum
  for (let i = 0; i < n; i++) {
    const v = readVarint64(payload, pos, payload.length);
    if (!v) throw bad(`the length of element ${i} runs past the ${payload.length}-byte payload ("string lengths longer than expected")`, pos);
    total += v.value;
    if (total > payload.length) throw bad(`element ${i} claims ${v.value} bytes; the lengths add up to more than the ${payload.length}-byte payload`, pos);
    if (v.value > 0xffffffff) wide++;
    lengths[i] = v.value;
    pos = v.next;
  }
  if (pos + 4 > payload.length) throw bad('the length checksum is missing', pos);
  const fixed = fixedWidthLengths(lengths, wide, bigEndian);
  const lengthCrc = crc32c(fixed);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const storedLengthCrc = unmaskCrc(view.getUint32(pos, !bigEndian));
  if (options.verify !== false && storedLengthCrc !== lengthCrc) {
    throw bad(`the length checksum does not match (stored 0x${hex(storedLengthCrc)}, computed 0x${hex(lengthCrc)})`, pos);
  }
  const checksumBytes = payload.subarray(pos, pos + 4);
  pos += 4;
  if (pos + total !== payload.length) {
    throw bad(`the strings take ${total} bytes but ${payload.length - pos} bytes follow the lengths`, pos);
  }
  const strings = new Array<Uint8Array>(n);
  let p = pos;
  for (let i = 0; i < n; i++) {
    const len = lengths[i] as number;
    strings[i] = payload.subarray(p, p + len);
    p += len;
  }
  const crc = crc32c(payload.subarray(pos), crc32c(checksumBytes, lengthCrc));
  return { strings, crc };
}

/** The lengths as TF feeds them to the CRC: u32 when they fit, else u64 (§4.6). */
function fixedWidthLengths(lengths: readonly number[], wide: number, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(4 * lengths.length + 4 * wide);
  const view = new DataView(out.buffer);
  let p = 0;
  for (const len of lengths) {
    if (len <= 0xffffffff) {
      view.setUint32(p, len, !bigEndian);
      p += 4;
    } else {
      view.setBigUint64(p, BigInt(len), !bigEndian);
      p += 8;
    }
  }
  return out;
}

export interface EncodedStrings {
  bytes: Uint8Array;
  /** Unmasked entry CRC32C; the bundle entry stores mask(crc). */
  crc: number;
}

/** The §4.6 layout, byte-identical to TensorFlow's writer. */
export function encodeStringPayload(strings: readonly Uint8Array[], bigEndian = false): EncodedStrings {
  const head: number[] = [];
  let total = 0;
  let wide = 0;
  const lengths = strings.map((s) => s.length);
  for (const len of lengths) {
    pushVarint(head, len);
    total += len;
    if (len > 0xffffffff) wide++;
  }
  const lengthCrc = crc32c(fixedWidthLengths(lengths, wide, bigEndian));
  const out = new Uint8Array(head.length + 4 + total);
  out.set(head, 0);
  new DataView(out.buffer).setUint32(head.length, maskCrc(lengthCrc), !bigEndian);
  let p = head.length + 4;
  for (const s of strings) {
    out.set(s, p);
    p += s.length;
  }
  const crc = crc32c(out.subarray(head.length + 4), crc32c(out.subarray(head.length, head.length + 4), lengthCrc));
  return { bytes: out, crc };
}

/**
 * DT_VARIANT payloads (§4.7) are not decoded: their contents depend on C++ types. Readers
 * list such entries as opaque and refuse to read them with this error.
 */
export function variantUnsupported(key: string, file: string): FrostError {
  return new FrostError(
    'UNSUPPORTED_DTYPE',
    `Tensor ${JSON.stringify(key)} in ${file} has dtype variant (an opaque, C++-typed value); Frost lists it but cannot decode its contents.`,
    { file },
  );
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
