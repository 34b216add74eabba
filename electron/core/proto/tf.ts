/**
 * Entry to Frost's generated protobuf code (from our own .proto files in this folder, built by
 * `npm run gen:proto`). int64 fields decode to `Long` (exact); `toSafeNumber`/`toBigInt`
 * convert at the boundary so no precision is lost silently.
 */
import Long from 'long';
import { tensorflow } from './generated/tf.js';

export { tensorflow, Long };

export type Int64Like = number | Long | bigint | string | null | undefined;

export function toBigInt(v: Int64Like): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  return BigInt(v.toString());
}

/**
 * A number when |v| ≤ 2^53, undefined otherwise, so callers can raise an error naming
 * their file instead of silently rounding.
 */
export function toSafeNumber(v: Int64Like): number | undefined {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  const b = toBigInt(v);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : undefined;
}

/** For display and structural fields where a precision loss cannot matter. */
export function toNumber(v: Int64Like): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

export function toLong(v: number | bigint): Long {
  return Long.fromString(v.toString(), false);
}
