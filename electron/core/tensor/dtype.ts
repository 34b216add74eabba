/**
 * TensorFlow's DataType enum (tf-formats.md §8.1) with element sizes (§4.4) and the names
 * TensorFlow's Python API uses (`float32`, `bfloat16`, `string`, ...), which are what
 * Frost prints and puts in JSON.
 */
export type DTypeKind = 'float' | 'int' | 'uint' | 'bool' | 'complex' | 'string' | 'quantized' | 'resource' | 'variant';

export interface DTypeInfo {
  /** The enum value. */
  readonly value: number;
  /** TensorFlow's enum name, e.g. DT_FLOAT. */
  readonly enumName: string;
  /** TensorFlow's Python name, e.g. float32. */
  readonly name: string;
  /** Bytes per element in a tensor payload; 0 for variable-size types. */
  readonly itemSize: number;
  readonly kind: DTypeKind;
}

const TABLE: readonly DTypeInfo[] = [
  [1, 'DT_FLOAT', 'float32', 4, 'float'],
  [2, 'DT_DOUBLE', 'float64', 8, 'float'],
  [3, 'DT_INT32', 'int32', 4, 'int'],
  [4, 'DT_UINT8', 'uint8', 1, 'uint'],
  [5, 'DT_INT16', 'int16', 2, 'int'],
  [6, 'DT_INT8', 'int8', 1, 'int'],
  [7, 'DT_STRING', 'string', 0, 'string'],
  [8, 'DT_COMPLEX64', 'complex64', 8, 'complex'],
  [9, 'DT_INT64', 'int64', 8, 'int'],
  [10, 'DT_BOOL', 'bool', 1, 'bool'],
  [11, 'DT_QINT8', 'qint8', 1, 'quantized'],
  [12, 'DT_QUINT8', 'quint8', 1, 'quantized'],
  [13, 'DT_QINT32', 'qint32', 4, 'quantized'],
  [14, 'DT_BFLOAT16', 'bfloat16', 2, 'float'],
  [15, 'DT_QINT16', 'qint16', 2, 'quantized'],
  [16, 'DT_QUINT16', 'quint16', 2, 'quantized'],
  [17, 'DT_UINT16', 'uint16', 2, 'uint'],
  [18, 'DT_COMPLEX128', 'complex128', 16, 'complex'],
  [19, 'DT_HALF', 'float16', 2, 'float'],
  [20, 'DT_RESOURCE', 'resource', 0, 'resource'],
  [21, 'DT_VARIANT', 'variant', 0, 'variant'],
  [22, 'DT_UINT32', 'uint32', 4, 'uint'],
  [23, 'DT_UINT64', 'uint64', 8, 'uint'],
  [24, 'DT_FLOAT8_E5M2', 'float8_e5m2', 1, 'float'],
  [25, 'DT_FLOAT8_E4M3FN', 'float8_e4m3fn', 1, 'float'],
  [26, 'DT_FLOAT8_E4M3FNUZ', 'float8_e4m3fnuz', 1, 'float'],
  [27, 'DT_FLOAT8_E4M3B11FNUZ', 'float8_e4m3b11fnuz', 1, 'float'],
  [28, 'DT_FLOAT8_E5M2FNUZ', 'float8_e5m2fnuz', 1, 'float'],
  [29, 'DT_INT4', 'int4', 1, 'int'],
  [30, 'DT_UINT4', 'uint4', 1, 'uint'],
  [31, 'DT_INT2', 'int2', 1, 'int'],
  [32, 'DT_UINT2', 'uint2', 1, 'uint'],
  [33, 'DT_FLOAT4_E2M1FN', 'float4_e2m1fn', 1, 'float'],
].map(([value, enumName, name, itemSize, kind]) => ({ value, enumName, name, itemSize, kind }) as DTypeInfo);

const BY_VALUE = new Map(TABLE.map((d) => [d.value, d]));
const BY_NAME = new Map<string, DTypeInfo>([
  ...TABLE.map((d) => [d.name, d] as const),
  ...TABLE.map((d) => [d.enumName, d] as const),
  ['half', BY_VALUE.get(19) as DTypeInfo],
  ['float', BY_VALUE.get(1) as DTypeInfo],
  ['double', BY_VALUE.get(2) as DTypeInfo],
]);

export const DT = {
  INVALID: 0, FLOAT: 1, DOUBLE: 2, INT32: 3, UINT8: 4, INT16: 5, INT8: 6, STRING: 7, COMPLEX64: 8, INT64: 9, BOOL: 10,
  QINT8: 11, QUINT8: 12, QINT32: 13, BFLOAT16: 14, QINT16: 15, QUINT16: 16, UINT16: 17, COMPLEX128: 18, HALF: 19,
  RESOURCE: 20, VARIANT: 21, UINT32: 22, UINT64: 23, FLOAT8_E5M2: 24, FLOAT8_E4M3FN: 25, FLOAT8_E4M3FNUZ: 26,
  FLOAT8_E4M3B11FNUZ: 27, FLOAT8_E5M2FNUZ: 28, INT4: 29, UINT4: 30, INT2: 31, UINT2: 32, FLOAT4_E2M1FN: 33,
} as const;

/** The _REF variants are base + 100 (§8.1). */
export const REF_OFFSET = 100;

export function dtypeInfo(value: number): DTypeInfo | undefined {
  return BY_VALUE.get(value);
}

export function baseDtype(value: number): number {
  return value > REF_OFFSET ? value - REF_OFFSET : value;
}

/** Python-style name; `float32_ref` for ref types, `dtype(42)` for values this build does not know. */
export function dtypeName(value: number): string {
  const base = baseDtype(value);
  const info = BY_VALUE.get(base);
  const name = info ? info.name : `dtype(${base})`;
  return value > REF_OFFSET ? `${name}_ref` : name;
}

/** Accepts `float32`, `DT_FLOAT`, `half`, `float`; returns undefined for anything else. */
export function dtypeFromName(name: string): DTypeInfo | undefined {
  return BY_NAME.get(name.trim());
}
