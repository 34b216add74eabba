/**
 * Big-endian bundles (tf-formats.md §4.9): CRCs cover the bytes as stored, then each
 * element is byte-swapped; complex types swap per component; 1-byte types are unchanged.
 */
import { DT, dtypeInfo } from '../tensor/dtype.js';

/** Width of the units to swap for `dtype`, 1 when nothing needs swapping. */
export function swapUnit(dtype: number): number {
  if (dtype === DT.COMPLEX64) return 4;
  if (dtype === DT.COMPLEX128) return 8;
  const size = dtypeInfo(dtype)?.itemSize ?? 1;
  return size === 2 || size === 4 || size === 8 ? size : 1;
}

/** Swaps `bytes` in place, unit by unit. */
export function byteSwapInPlace(bytes: Uint8Array, dtype: number): void {
  const unit = swapUnit(dtype);
  if (unit === 1) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (unit === 2) buf.swap16();
  else if (unit === 4) buf.swap32();
  else buf.swap64();
}
