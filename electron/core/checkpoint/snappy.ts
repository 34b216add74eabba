/**
 * Snappy blocks in SSTables, tf-formats.md §2.4 (type byte 1). Real `.index` files written
 * by TF ~1.1-2.14 SavedModel exports have them, so every table reader must decode them.
 *
 * snappyjs does the copying, but it neither bounds the declared length nor detects an
 * output overrun/underrun (writes past a typed array are silently dropped in JS) and it can
 * loop on a negative 4-byte literal length. So we first walk the tag stream ourselves,
 * without allocating, and apply every rejection of §2.4; only a stream that provably
 * produces exactly the declared number of bytes reaches snappyjs.
 */
import { compress, uncompress } from 'snappyjs';
import { FrostError } from '../errors.js';
import { readVarint32 } from '../io/varint.js';

export interface SnappyWhere {
  file: string;
  /** File offset of the compressed block, for the error message. */
  offset: number;
  /** What the block is ("data block 3"), for the error message. */
  what: string;
}

/**
 * The densest Snappy tag is a 3-byte copy producing 64 bytes (≈21.3×); literals never
 * expand. A preamble declaring more than this is corrupt whatever the tags say, so a forged
 * length is rejected before any allocation or walk.
 */
const MAX_EXPANSION = 22;

export function snappyUncompressedLength(data: Uint8Array): number | undefined {
  return readVarint32(data, 0, data.length)?.value;
}

export function snappyUncompress(data: Uint8Array, where: SnappyWhere): Uint8Array {
  const bad = (why: string): FrostError =>
    new FrostError('CORRUPT', `${where.file} is corrupt: the Snappy-compressed ${where.what} at offset ${where.offset} ${why}.`, {
      file: where.file,
      offset: where.offset,
    });
  const pre = readVarint32(data, 0, data.length);
  if (!pre) throw bad('has no valid uncompressed-length preamble');
  const declared = pre.value;
  if (declared > data.length * MAX_EXPANSION + 64) {
    throw bad(`declares ${declared} uncompressed bytes, impossible for ${data.length} compressed bytes`);
  }
  const produced = walkTags(data, pre.next, declared, bad);
  if (produced !== declared) throw bad(`decompresses to ${produced} bytes but its preamble says ${declared}`);
  let out: Uint8Array;
  try {
    out = uncompress(data, declared);
  } catch (e) {
    throw new FrostError('CORRUPT', `${where.file} is corrupt: the Snappy-compressed ${where.what} at offset ${where.offset} could not be decompressed.`, {
      file: where.file,
      offset: where.offset,
      cause: e,
    });
  }
  if (out.length !== declared) throw bad(`decompressed to ${out.length} bytes instead of ${declared}`);
  return out;
}

/** Validates the tag stream of §2.4 and returns how many bytes it would produce. */
function walkTags(data: Uint8Array, start: number, limit: number, bad: (why: string) => FrostError): number {
  let pos = start;
  let out = 0;
  const n = data.length;
  while (pos < n) {
    const tag = data[pos] as number;
    pos++;
    let len: number;
    let offset = 0;
    switch (tag & 3) {
      case 0: {
        let lenMinus1 = tag >>> 2;
        if (lenMinus1 >= 60) {
          const extra = lenMinus1 - 59;
          if (pos + extra > n) throw bad(`has a literal length running past the end at byte ${pos}`);
          lenMinus1 = 0;
          for (let i = extra - 1; i >= 0; i--) lenMinus1 = lenMinus1 * 256 + (data[pos + i] as number);
          pos += extra;
        }
        len = lenMinus1 + 1;
        if (pos + len > n) throw bad(`has a ${len}-byte literal running past the end at byte ${pos}`);
        pos += len;
        break;
      }
      case 1:
        if (pos + 1 > n) throw bad('ends inside a copy tag');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) + (data[pos] as number);
        pos += 1;
        break;
      case 2:
        if (pos + 2 > n) throw bad('ends inside a copy tag');
        len = (tag >>> 2) + 1;
        offset = (data[pos] as number) + (data[pos + 1] as number) * 256;
        pos += 2;
        break;
      default:
        if (pos + 4 > n) throw bad('ends inside a copy tag');
        len = (tag >>> 2) + 1;
        offset = (data[pos] as number) + (data[pos + 1] as number) * 256 + (data[pos + 2] as number) * 65536 + (data[pos + 3] as number) * 16777216;
        pos += 4;
        break;
    }
    if ((tag & 3) !== 0 && (offset === 0 || offset > out)) {
      throw bad(`has a copy with offset ${offset} at output byte ${out}`);
    }
    out += len;
    if (out > limit) throw bad(`produces more than the ${limit} bytes its preamble declares`);
  }
  return out;
}

/** Raw Snappy block (preamble + tags), as LevelDB's table writer stores type-1 blocks. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  return compress(data);
}
