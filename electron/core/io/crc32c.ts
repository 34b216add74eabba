/**
 * CRC-32C (Castagnoli) and TensorFlow's CRC masking, tf-formats.md §3.
 * The checksum itself comes from @node-rs/crc32 (hardware CRC32C, ~10 GB/s here), which a
 * data-shard verify needs to stay near raw read speed; see bench/.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

const MASK_DELTA = 0xa282ead8;

/** crc32c(data), or the CRC of `prev`'s data followed by `data` when `prev` is given. */
export function crc32c(data: Uint8Array, prev = 0): number {
  if (data.length === 0) return prev >>> 0;
  return nativeCrc32c(Buffer.from(data.buffer, data.byteOffset, data.byteLength), prev) >>> 0;
}

/** mask(c) = rotate right 15, plus kMaskDelta (mod 2^32): every CRC stored on disk is masked. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
