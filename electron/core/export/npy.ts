/**
 * NumPy `.npy` output (format 1.0; 2.0 only when the header would pass 65535 bytes).
 *
 * The header is byte-for-byte what `np.save` writes (sorted dict keys, the spare spaces
 * numpy leaves after it for in-place growth of the first axis, padding so the data starts
 * at a multiple of 64), so a Frost export and a numpy export of the same array are the same
 * file.
 *
 * Type mapping: every type numpy has natively is copied through unchanged (little-endian,
 * row-major, exactly the stored bytes). Quantized types become their integer storage type.
 * Types numpy cannot read without extra packages are widened exactly: bfloat16 and the
 * float8 / float4 families to float32 (every value of theirs is a float32 value; bfloat16 is
 * widened by bit shift, so even NaN payloads survive), int4 / int2 to int8 and uint4 / uint2
 * to uint8. Strings become fixed-width bytes `|S<maxlen>` (at least `|S1`), zero-padded;
 * numpy strips trailing NUL bytes when it hands out such elements, which is numpy's
 * semantics for `S` arrays.
 *
 * Everything is produced as a sequence of bounded chunks so a multi-GB tensor that needs
 * conversion never needs a second full-size buffer.
 */
import { FrostError } from '../errors.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../io/atomic-write.js';
import { DT, baseDtype, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { dataView, elementCount, numberAt, type TensorData } from '../tensor/tensor-data.js';

/** How one TensorFlow dtype is stored in a .npy file. */
export interface NpyType {
  /** numpy's dtype string, e.g. `<f4`, `|b1`. For strings: `|S` without the width. */
  readonly descr: string;
  /** Bytes per element in the .npy payload (0 for strings: depends on the data). */
  readonly itemSize: number;
  /** How the stored bytes become .npy bytes. */
  readonly conversion: 'copy' | 'bfloat16-to-float32' | 'to-float32' | 'to-int8' | 'to-uint8' | 'strings';
}

const COPY: ReadonlyMap<number, readonly [string, number]> = new Map([
  [DT.FLOAT, ['<f4', 4]],
  [DT.DOUBLE, ['<f8', 8]],
  [DT.HALF, ['<f2', 2]],
  [DT.INT8, ['|i1', 1]],
  [DT.INT16, ['<i2', 2]],
  [DT.INT32, ['<i4', 4]],
  [DT.INT64, ['<i8', 8]],
  [DT.UINT8, ['|u1', 1]],
  [DT.UINT16, ['<u2', 2]],
  [DT.UINT32, ['<u4', 4]],
  [DT.UINT64, ['<u8', 8]],
  [DT.BOOL, ['|b1', 1]],
  [DT.COMPLEX64, ['<c8', 8]],
  [DT.COMPLEX128, ['<c16', 16]],
  [DT.QINT8, ['|i1', 1]],
  [DT.QUINT8, ['|u1', 1]],
  [DT.QINT16, ['<i2', 2]],
  [DT.QUINT16, ['<u2', 2]],
  [DT.QINT32, ['<i4', 4]],
]);

const TO_FLOAT32 = new Set<number>([
  DT.FLOAT8_E5M2, DT.FLOAT8_E4M3FN, DT.FLOAT8_E4M3FNUZ, DT.FLOAT8_E4M3B11FNUZ, DT.FLOAT8_E5M2FNUZ, DT.FLOAT4_E2M1FN,
]);

/** The .npy type for a TensorFlow dtype; throws UNSUPPORTED_DTYPE for resource / variant. */
export function npyType(dtype: number): NpyType {
  const base = baseDtype(dtype);
  const copy = COPY.get(base);
  if (copy) return { descr: copy[0], itemSize: copy[1], conversion: 'copy' };
  if (base === DT.BFLOAT16) return { descr: '<f4', itemSize: 4, conversion: 'bfloat16-to-float32' };
  if (TO_FLOAT32.has(base)) return { descr: '<f4', itemSize: 4, conversion: 'to-float32' };
  if (base === DT.INT4 || base === DT.INT2) return { descr: '|i1', itemSize: 1, conversion: 'to-int8' };
  if (base === DT.UINT4 || base === DT.UINT2) return { descr: '|u1', itemSize: 1, conversion: 'to-uint8' };
  if (base === DT.STRING) return { descr: '|S', itemSize: 0, conversion: 'strings' };
  throw new FrostError('UNSUPPORTED_DTYPE', `Tensors of type ${dtypeName(dtype)} cannot be written as NumPy arrays.`);
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
/** numpy leaves room to rewrite the first dimension with up to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Python's repr of a shape tuple: `()`, `(5,)`, `(3, 4)`. */
function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * The complete .npy preamble (magic, version, header length, header dict, padding) for a
 * C-order array; the data follows immediately and starts at a multiple of 64.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FrostError('USAGE', `Cannot write a NumPy header for shape ${shapeRepr(shape)}.`);
  }
  if (!/^[\x20-\x7e]+$/.test(descr) || descr.includes("'") || descr.includes('\\')) {
    throw new FrostError('USAGE', `Invalid NumPy dtype string ${JSON.stringify(descr)}.`);
  }
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // Version 1.0 stores the header length in 2 bytes, 2.0 in 4 (numpy picks 1.0 when it fits).
  let major = 1;
  let preamble = 10;
  let headerLen = padded(dict.length + 1, preamble);
  if (headerLen > 0xffff) {
    major = 2;
    preamble = 12;
    headerLen = padded(dict.length + 1, preamble);
  }
  const out = new Uint8Array(preamble + headerLen);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < dict.length; i++) out[preamble + i] = dict.charCodeAt(i);
  out.fill(0x20, preamble + dict.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

/** numpy's rule: header text + '\n' + spaces so that preamble + header is a multiple of 64 (always at least one pad). */
function padded(textWithNewline: number, preamble: number): number {
  return textWithNewline + (ARRAY_ALIGN - ((preamble + textWithNewline) % ARRAY_ALIGN));
}

/** A tensor laid out as a .npy file: header plus a payload produced in chunks. */
export interface NpyEncoding {
  readonly descr: string;
  readonly shape: readonly number[];
  readonly header: Uint8Array;
  readonly payloadBytes: number;
  /** header.length + payloadBytes: the .npy file size. */
  readonly byteLength: number;
  /** The payload in order, in chunks of at most about 1 MiB (a numeric copy is one chunk, no copy made); may be iterated more than once. */
  payload(): Iterable<Uint8Array>;
}

const CHUNK_BYTES = 1 << 20;

export function npyEncoding(data: TensorData): NpyEncoding {
  const shape = [...data.shape];
  const count = elementCount(shape);
  const type = npyType(data.dtype);
  let descr = type.descr;
  let payloadBytes: number;
  let payload: () => Iterable<Uint8Array>;
  if (data.kind === 'string') {
    if (type.conversion !== 'strings') throw new FrostError('CORRUPT', `A string tensor carries dtype ${dtypeName(data.dtype)}.`);
    if (data.strings.length !== count) {
      throw new FrostError('CORRUPT', `String tensor of shape ${shapeRepr(shape)} holds ${data.strings.length} strings instead of ${count}.`);
    }
    let width = 1;
    for (const s of data.strings) width = Math.max(width, s.length);
    descr = `|S${width}`;
    payloadBytes = width * count;
    payload = () => stringChunks(data.strings, width);
  } else {
    if (type.conversion === 'strings') throw new FrostError('CORRUPT', 'A numeric tensor carries dtype string.');
    const stored = dtypeInfo(baseDtype(data.dtype))?.itemSize ?? 0;
    if (data.bytes.length !== stored * count) {
      throw new FrostError(
        'CORRUPT',
        `A ${dtypeName(data.dtype)} tensor of shape ${shapeRepr(shape)} needs ${stored * count} bytes but holds ${data.bytes.length}.`,
      );
    }
    payloadBytes = type.itemSize * count;
    payload = type.conversion === 'copy' ? () => (data.bytes.length > 0 ? [data.bytes] : []) : () => convertedChunks(data, type, count);
  }
  const header = encodeNpyHeader(descr, shape);
  return { descr, shape, header, payloadBytes, byteLength: header.length + payloadBytes, payload };
}

function* stringChunks(strings: readonly Uint8Array[], width: number): Generator<Uint8Array> {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / width));
  for (let start = 0; start < strings.length; start += perChunk) {
    const end = Math.min(strings.length, start + perChunk);
    const chunk = new Uint8Array((end - start) * width); // zero-filled: the padding
    for (let i = start; i < end; i++) chunk.set(strings[i] as Uint8Array, (i - start) * width);
    yield chunk;
  }
}

function* convertedChunks(data: TensorData & { kind: 'numeric' }, type: NpyType, count: number): Generator<Uint8Array> {
  const src = dataView(data);
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / type.itemSize));
  for (let start = 0; start < count; start += perChunk) {
    const end = Math.min(count, start + perChunk);
    const chunk = new Uint8Array((end - start) * type.itemSize);
    const out = new DataView(chunk.buffer);
    switch (type.conversion) {
      case 'bfloat16-to-float32':
        // bfloat16 is the top half of a float32: shifting keeps every bit, NaN payloads included.
        for (let i = start; i < end; i++) out.setUint32((i - start) * 4, src.getUint16(i * 2, true) << 16 >>> 0, true);
        break;
      case 'to-float32':
        for (let i = start; i < end; i++) out.setFloat32((i - start) * 4, numberAt(data, i, src), true);
        break;
      case 'to-int8':
        for (let i = start; i < end; i++) out.setInt8(i - start, numberAt(data, i, src));
        break;
      case 'to-uint8':
        for (let i = start; i < end; i++) out.setUint8(i - start, numberAt(data, i, src));
        break;
      default:
        throw new Error(`unreachable conversion ${type.conversion}`);
    }
    yield chunk;
  }
}

/** Writes `data` as a .npy file at `path`, atomically (temp file + rename). */
export async function writeNpy(path: string, data: TensorData, options: AtomicWriteOptions = {}): Promise<void> {
  const npy = npyEncoding(data);
  await writeFileAtomic(
    path,
    async (write) => {
      await write(npy.header);
      for (const chunk of npy.payload()) await write(chunk);
    },
    options,
  );
}
