/**
 * The values Verify feeds: seeded random ones per placeholder (the same seed gives the same
 * bytes everywhere, so a report can be reproduced), or the user's own.
 */
import type { VerifyInputValues } from '../../../shared/model/verify-freeze.js';
import { FrostError } from '../errors.js';
import { DT, dtypeFromName } from '../tensor/dtype.js';
import type { TfjsTensorValue } from './tfjs-artifacts.js';

export { seededRandom } from '../seeded-random.js';

/** Static shape with every unknown dimension set to `batch`; unknown rank cannot be fed at random. */
export function concreteShape(shape: readonly number[] | null, batch: number): number[] | undefined {
  if (shape === null) return undefined;
  return shape.map((d) => (d < 0 ? batch : d));
}

/**
 * A feed of `dtype` (TensorFlow's Python name) and `shape`. Floats are uniform in [-1, 1);
 * integers in [0, 2) (inputs that are integers are usually labels or indices, which small
 * values keep in range); uint8 in [0, 256); bools fair coins; strings empty.
 */
export function randomFeed(dtype: string, shape: number[], next: () => number): TfjsTensorValue | string {
  const n = shape.reduce((a, b) => a * b, 1);
  const info = dtypeFromName(dtype);
  switch (info?.value) {
    case DT.FLOAT:
    case DT.DOUBLE:
    case DT.HALF:
    case DT.BFLOAT16: {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = next() * 2 - 1;
      return { dtype: 'float32', shape, data };
    }
    case DT.INT32:
    case DT.INT64:
    case DT.INT8:
    case DT.INT16:
    case DT.UINT16: {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(next() * 2);
      return { dtype: 'int32', shape, data };
    }
    case DT.UINT8: {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(next() * 256);
      return { dtype: 'int32', shape, data };
    }
    case DT.BOOL: {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = next() < 0.5 ? 0 : 1;
      return { dtype: 'bool', shape, data };
    }
    case DT.STRING:
      return { dtype: 'string', shape, data: Array.from({ length: n }, () => new Uint8Array(0)) };
    default:
      return `tfjs cannot feed a ${dtype} input`;
  }
}

/** The user's values for one input, checked against its dtype and shape. */
export function userFeed(given: VerifyInputValues, dtype: string, staticShape: readonly number[] | null): TfjsTensorValue {
  const shape = given.shape ?? (staticShape && staticShape.every((d) => d >= 0) ? [...staticShape] : undefined);
  if (!shape || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new FrostError('USAGE', `Input ${given.name} has unknown dimensions: give its shape with the values.`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (given.values.length !== n) {
    throw new FrostError('USAGE', `Input ${given.name} of shape [${shape.join(', ')}] takes ${n} values, but ${given.values.length} were given.`);
  }
  if (given.values.some((v) => typeof v !== 'number' || Number.isNaN(v))) throw new FrostError('USAGE', `Input ${given.name}: every value must be a number.`);
  const info = dtypeFromName(dtype);
  if (info?.kind === 'float') return { dtype: 'float32', shape, data: Float32Array.from(given.values) };
  if (info?.value === DT.BOOL) return { dtype: 'bool', shape, data: Uint8Array.from(given.values, (v) => (v ? 1 : 0)) };
  if (info?.kind === 'int' || info?.kind === 'uint') return { dtype: 'int32', shape, data: Int32Array.from(given.values, (v) => Math.trunc(v)) };
  throw new FrostError('USAGE', `Input ${given.name} is ${dtype}, which Verify cannot feed with numbers.`);
}
