/**
 * Complete shapes as bundle entries and TensorProtos require them (tf-formats.md §4.2,
 * §8.2, §8.3, §11): every dim >= 0, rank <= 254, no unknown rank, element count without
 * overflow. Graph shapes (with -1) are a different thing and are not handled here.
 */
import { constants } from 'node:buffer';
import type { tensorflow } from '../proto/tf.js';
import { toSafeNumber } from '../proto/tf.js';

export const MAX_RANK = 254;
/** The largest byte array Node can allocate; bigger tensors are refused as TOO_LARGE. */
export const MAX_TENSOR_BYTES = constants.MAX_LENGTH;

/** The shape as numbers, or a sentence saying why it is not a valid complete shape. */
export function completeShape(proto: tensorflow.TensorShapeProto.$Properties | null | undefined): number[] | string {
  if (!proto) return [];
  if (proto.unknownRank) return 'the shape has unknown rank';
  const dims = proto.dim ?? [];
  if (dims.length > MAX_RANK) return `the shape has rank ${dims.length}, more than ${MAX_RANK}`;
  const shape: number[] = [];
  let count = 1n;
  for (const d of dims) {
    const size = toSafeNumber(d.size);
    if (size === undefined || size < 0) return `the shape has dimension ${String(d.size)}; every dimension must be known and >= 0`;
    shape.push(size);
    count *= BigInt(size);
  }
  if (count > BigInt(Number.MAX_SAFE_INTEGER)) return `the shape [${shape.join(', ')}] has more than 2^53 elements`;
  return shape;
}
