// TensorProto decoding (TF's FromProto rules) and encoding (make_tensor_proto's choices),
// tf-formats.md §8.3 and §10.1.
import { describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo } from './dtype.js';
import { dataView, formatElement, numberAt, type TensorData } from './tensor-data.js';
import { tensorFromProto, tensorToProto, typedValueCount } from './tensor-proto.js';

const shape = (...d: number[]): tensorflow.TensorShapeProto.$Properties => ({ dim: d.map((s) => ({ size: Long.fromNumber(s) })) });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const numeric = (t: TensorData): TensorData & { kind: 'numeric' } => {
  if (t.kind !== 'numeric') throw new Error('expected numeric');
  return t;
};
const values = (t: TensorData): string[] => {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => formatElement(t, i));
};

function rejects(p: tensorflow.TensorProto.$Properties, code: string, pattern: RegExp): void {
  let err: unknown;
  try {
    tensorFromProto(p, 'node c of g.pb');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FrostError);
  expect((err as FrostError).code).toBe(code);
  expect((err as FrostError).message).toMatch(/node c of g\.pb/);
  expect((err as FrostError).message).toMatch(pattern);
}

describe('tensorFromProto', () => {
  it('repeats the last value of a shorter typed list, truncates a longer one, zero-fills an empty one', () => {
    expect(values(tensorFromProto({ dtype: DT.FLOAT, tensorShape: shape(4), floatVal: [1, 2] }, 'x'))).toEqual(['1', '2', '2', '2']);
    expect(values(tensorFromProto({ dtype: DT.FLOAT, tensorShape: shape(2), floatVal: [1, 2, 3] }, 'x'))).toEqual(['1', '2']);
    expect(values(tensorFromProto({ dtype: DT.INT32, tensorShape: shape(3) }, 'x'))).toEqual(['0', '0', '0']);
    expect(values(tensorFromProto({ dtype: DT.DOUBLE, tensorShape: shape(2, 3), doubleVal: [0.25] }, 'x'))).toEqual(Array(6).fill('0.25'));
    expect(values(tensorFromProto({ dtype: DT.BOOL, tensorShape: shape(3), boolVal: [true, false] }, 'x'))).toEqual(['True', 'False', 'False']);
    expect(values(tensorFromProto({ dtype: DT.STRING, tensorShape: shape(3), stringVal: [new Uint8Array([0x61])] }, 'x'))).toEqual(["b'a'", "b'a'", "b'a'"]);
    expect(values(tensorFromProto({ dtype: DT.STRING, tensorShape: shape(2) }, 'x'))).toEqual(["b''", "b''"]);
    // A large broadcast of a multi-byte value (exercises the doubling copy).
    const big = numeric(tensorFromProto({ dtype: DT.INT64, tensorShape: shape(1000), int64Val: [Long.fromNumber(1), Long.fromString('-9007199254740993')] }, 'x'));
    expect(formatElement(big, 0)).toBe('1');
    for (const i of [1, 2, 500, 999]) expect(formatElement(big, i)).toBe('-9007199254740993');
  });

  it('counts complex values in pairs and repeats the last pair', () => {
    const t = tensorFromProto({ dtype: DT.COMPLEX64, tensorShape: shape(3), scomplexVal: [1, 2, 3, -4, 99] }, 'x');
    expect(values(t)).toEqual(['1+2j', '3-4j', '3-4j']);
    const d = tensorFromProto({ dtype: DT.COMPLEX128, tensorShape: shape(2), dcomplexVal: [0.5, -0.5] }, 'x');
    expect(values(d)).toEqual(['0.5-0.5j', '0.5-0.5j']);
  });

  it('gives tensor_content priority over typed fields and checks its size', () => {
    const content = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);
    const t = numeric(tensorFromProto({ dtype: DT.FLOAT, tensorShape: shape(2, 3), tensorContent: content, floatVal: [9] }, 'x'));
    expect(hex(t.bytes)).toBe('000000000000803f000000400000404000008040' + '0000a040');
    rejects({ dtype: DT.FLOAT, tensorShape: shape(2, 3), tensorContent: content.subarray(4) }, 'CORRUPT', /tensor_content has 20 bytes but float32\[2, 3\] needs 24/);
  });

  it('decodes tensor_content strings (varint lengths then bytes) and checks totals', () => {
    const content = Uint8Array.from([2, 0, 1, 0x61, 0x62, 0x63]);
    expect(values(tensorFromProto({ dtype: DT.STRING, tensorShape: shape(3), tensorContent: content }, 'x'))).toEqual(["b'ab'", "b''", "b'c'"]);
    rejects({ dtype: DT.STRING, tensorShape: shape(3), tensorContent: Uint8Array.from([2, 0, 9, 0x61]) }, 'CORRUPT', /exceed/);
    rejects({ dtype: DT.STRING, tensorShape: shape(1), tensorContent: Uint8Array.from([1, 0x61, 0x62]) }, 'CORRUPT', /lengths say 1/);
  });

  it('reads half/bfloat16 patterns from half_val (bfloat16 falls back to int_val)', () => {
    expect(hex(numeric(tensorFromProto({ dtype: DT.HALF, tensorShape: shape(2), halfVal: [0x3e00, 0xbc00] }, 'x')).bytes)).toBe('003e00bc');
    expect(values(tensorFromProto({ dtype: DT.HALF, tensorShape: shape(2), halfVal: [0x3e00, 0xbc00] }, 'x'))).toEqual(['1.5', '-1']);
    expect(hex(numeric(tensorFromProto({ dtype: DT.BFLOAT16, tensorShape: shape(1), halfVal: [0x3fc0] }, 'x')).bytes)).toBe('c03f');
    expect(hex(numeric(tensorFromProto({ dtype: DT.BFLOAT16, tensorShape: shape(1), intVal: [0x3fc0] }, 'x')).bytes)).toBe('c03f');
  });

  it('keeps int64/uint64 exact, narrows int_val types, nibble-packs int4', () => {
    const i64 = numeric(tensorFromProto({ dtype: DT.INT64, tensorShape: shape(2), int64Val: [Long.fromString('9223372036854775807'), Long.fromString('-9223372036854775808')] }, 'x'));
    expect(values(i64)).toEqual(['9223372036854775807', '-9223372036854775808']);
    const u64 = tensorFromProto({ dtype: DT.UINT64, tensorShape: shape(1), uint64Val: [Long.fromString('18446744073709551615', true)] }, 'x');
    expect(values(u64)).toEqual(['18446744073709551615']);
    expect(values(tensorFromProto({ dtype: DT.UINT32, tensorShape: shape(1), uint32Val: [4294967295] }, 'x'))).toEqual(['4294967295']);
    expect(values(tensorFromProto({ dtype: DT.INT8, tensorShape: shape(2), intVal: [-3, 127] }, 'x'))).toEqual(['-3', '127']);
    expect(values(tensorFromProto({ dtype: DT.UINT16, tensorShape: shape(1), intVal: [65535] }, 'x'))).toEqual(['65535']);
    expect(hex(numeric(tensorFromProto({ dtype: DT.INT4, tensorShape: shape(2), intVal: [-3, 7] }, 'x')).bytes)).toBe('0d07');
    expect(hex(numeric(tensorFromProto({ dtype: DT.FLOAT8_E4M3FN, tensorShape: shape(3), float8Val: Uint8Array.from([0x38, 0x40]) }, 'x')).bytes)).toBe('384040');
  });

  it('handles scalars and zero-element tensors', () => {
    const s = numeric(tensorFromProto({ dtype: DT.FLOAT, tensorShape: {}, floatVal: [2] }, 'x'));
    expect(s.shape).toEqual([]);
    expect(numberAt(s, 0)).toBe(2);
    expect(numeric(tensorFromProto({ dtype: DT.FLOAT, floatVal: [3] }, 'x')).shape).toEqual([]); // absent shape = scalar
    const z = numeric(tensorFromProto({ dtype: DT.FLOAT, tensorShape: shape(0, 5), floatVal: [1] }, 'x'));
    expect(z.bytes.length).toBe(0);
    expect(tensorFromProto({ dtype: DT.STRING, tensorShape: shape(0) }, 'x')).toEqual({ kind: 'string', dtype: DT.STRING, shape: [0], strings: [] });
  });

  it('rejects invalid dtypes and shapes with FrostErrors', () => {
    rejects({ dtype: DT.INVALID }, 'CORRUPT', /DT_INVALID/);
    rejects({ dtype: 77 as tensorflow.DataType }, 'UNSUPPORTED_DTYPE', /dtype\(77\)/);
    rejects({ dtype: DT.VARIANT, tensorShape: shape(1) }, 'UNSUPPORTED_DTYPE', /variant/);
    rejects({ dtype: DT.FLOAT, tensorShape: shape(-1, 3) }, 'CORRUPT', /dimension -1/);
    rejects({ dtype: DT.FLOAT, tensorShape: { unknownRank: true } }, 'CORRUPT', /unknown rank/);
    rejects({ dtype: DT.FLOAT, tensorShape: shape(...new Array<number>(255).fill(1)) }, 'CORRUPT', /rank 255/);
    rejects({ dtype: DT.FLOAT, tensorShape: shape(2 ** 30, 2 ** 30) }, 'CORRUPT', /more than 2\^53 elements/);
    rejects({ dtype: DT.FLOAT, tensorShape: shape(2 ** 30, 8), floatVal: [1] }, 'TOO_LARGE', /34359738368 bytes/);
  });
});

describe('tensorToProto', () => {
  const num = (dtype: number, shp: number[], bytes: number[] | Uint8Array): TensorData => ({ kind: 'numeric', dtype, shape: shp, bytes: Uint8Array.from(bytes) });

  it('writes a scalar float like the frozen-graph oracles: typed field, present empty shape', () => {
    const p = tensorToProto(num(DT.FLOAT, [], new Uint8Array(new Float32Array([2]).buffer)));
    expect(hex(tensorflow.TensorProto.encode(p).finish())).toBe('08011200' + '2a0400000040');
  });

  it('uses tensor_content for multi-element values of the content types', () => {
    const f = num(DT.FLOAT, [2, 3], new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer));
    const p = tensorToProto(f);
    expect(hex(p.tensorContent)).toBe(hex(numeric(f).bytes));
    expect(p.floatVal).toEqual([]);
    expect(hex(tensorflow.TensorProto.encode(p).finish())).toBe('0801' + '1208' + '12020802' + '12020803' + '2218' + hex(numeric(f).bytes));
    for (const dt of [DT.HALF, DT.BFLOAT16, DT.DOUBLE, DT.INT32, DT.UINT8, DT.INT16, DT.INT8, DT.INT64, DT.QINT8, DT.QUINT8, DT.QINT16, DT.QUINT16, DT.QINT32, DT.UINT32, DT.UINT64, DT.FLOAT8_E5M2, DT.FLOAT4_E2M1FN]) {
      const size = dtypeInfo(dt)!.itemSize;
      expect(tensorToProto(num(dt, [2], new Uint8Array(2 * size))).tensorContent.length, `dtype ${dt}`).toBe(2 * size);
    }
  });

  it('uses typed fields for bool, complex, uint16, int4 arrays and strings', () => {
    expect(tensorToProto(num(DT.BOOL, [3], [1, 0, 1])).boolVal).toEqual([true, false, true]);
    expect(tensorToProto(num(DT.COMPLEX64, [2], new Uint8Array(new Float32Array([1, 2, 3, -4]).buffer))).scomplexVal).toEqual([1, 2, 3, -4]);
    expect(tensorToProto(num(DT.COMPLEX128, [1], new Uint8Array(new Float64Array([1, 2]).buffer))).dcomplexVal).toEqual([1, 2]);
    expect(tensorToProto(num(DT.UINT16, [2], [0xff, 0xff, 1, 0])).intVal).toEqual([65535, 1]);
    expect(tensorToProto(num(DT.INT4, [2], [0x0d, 0x07])).intVal).toEqual([-3, 7]);
    const s = tensorToProto({ kind: 'string', dtype: DT.STRING, shape: [2], strings: [Uint8Array.from([0x61]), new Uint8Array(0)] });
    expect(s.stringVal.map(hex)).toEqual(['61', '']);
    expect(s.tensorContent.length).toBe(0);
  });

  it('round-trips every fixed-size dtype exactly, for 1 and 3 elements', () => {
    for (let dt = 1; dt <= 33; dt++) {
      const info = dtypeInfo(dt)!;
      if (info.itemSize === 0) continue;
      for (const n of [1, 3]) {
        const bytes = Uint8Array.from({ length: n * info.itemSize }, (_, i) => (i * 37 + dt) & 0xff);
        // Sub-byte and bool types only hold their valid bit patterns.
        if (dt === DT.BOOL) bytes.forEach((_, i) => (bytes[i] = i % 2));
        if (dt === DT.INT4 || dt === DT.UINT4) bytes.forEach((b, i) => (bytes[i] = b & 0x0f));
        if (dt === DT.INT2 || dt === DT.UINT2) bytes.forEach((b, i) => (bytes[i] = b & 0x03));
        if (dt === DT.FLOAT || dt === DT.COMPLEX64) new DataView(bytes.buffer).setFloat32(0, 1.5, true); // avoid NaN payloads
        if (dt === DT.DOUBLE || dt === DT.COMPLEX128) new DataView(bytes.buffer).setFloat64(0, -2.25, true);
        if (dt === DT.FLOAT || dt === DT.DOUBLE || dt === DT.COMPLEX64 || dt === DT.COMPLEX128) {
          const v = dataView({ kind: 'numeric', dtype: dt, shape: [n], bytes });
          for (let i = 0; i < bytes.length / (dt === DT.DOUBLE || dt === DT.COMPLEX128 ? 8 : 4); i++) {
            if (dt === DT.DOUBLE || dt === DT.COMPLEX128) v.setFloat64(i * 8, i - 0.5, true);
            else v.setFloat32(i * 4, i + 0.25, true);
          }
        }
        const t = num(dt, [n], bytes);
        const wire = tensorflow.TensorProto.encode(tensorToProto(t)).finish();
        const back = numeric(tensorFromProto(tensorflow.TensorProto.decode(wire), `dtype ${dt}`));
        expect(hex(back.bytes), `dtype ${dt} n=${n}`).toBe(hex(bytes));
        expect(back.shape).toEqual([n]);
      }
    }
  });

  it('refuses content of 2 GiB or more', () => {
    const fake = { kind: 'numeric', dtype: DT.FLOAT, shape: [2 ** 29], bytes: { length: 2 ** 31 } } as unknown as TensorData;
    expect(() => tensorToProto(fake)).toThrow(/larger than 2GB/);
  });

  it('typedValueCount counts elements per dtype', () => {
    expect(typedValueCount({ scomplexVal: [1, 2, 3, 4] }, DT.COMPLEX64)).toBe(2);
    expect(typedValueCount({ intVal: [1, 2, 3] }, DT.UINT8)).toBe(3);
    expect(typedValueCount({ floatVal: [1] }, DT.DOUBLE)).toBe(0);
  });
});
