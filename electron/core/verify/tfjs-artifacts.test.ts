// GraphDef → tfjs model artifacts (tfjs-artifacts.ts): the protobuf-JSON topology tfjs-converter
// parses, the weights layout per dtype (float32, int32, bool, string; exact widenings; int64
// narrowed when it fits; the rest named), and a round trip through the real tfjs-converter.
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Long } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import type { TensorData } from '../tensor/tensor-data.js';
import type { NodeDef } from '../freeze/graph-index.js';
import { attrJSON, nodeJSON, toTfjsArtifacts, toTfjsValue } from './tfjs-artifacts.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const numeric = (dtype: number, shape: number[], bytes: ArrayLike<number> | ArrayBufferView): TensorData => ({
  kind: 'numeric',
  dtype,
  shape,
  bytes: ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Uint8Array.from(bytes),
});

describe('topology JSON as tfjs-converter reads it', () => {
  it('writes attrs in protobuf JSON form: s base64, i decimal text, type by enum name, shapes with text sizes', () => {
    expect(attrJSON({ s: utf8('NHWC') })).toEqual({ s: Buffer.from('NHWC').toString('base64') });
    expect(attrJSON({ i: Long.fromNumber(-3) })).toEqual({ i: '-3' });
    expect(attrJSON({ f: 0.5 })).toEqual({ f: 0.5 });
    expect(attrJSON({ b: false })).toEqual({ b: false });
    expect(attrJSON({ type: DT.FLOAT })).toEqual({ type: 'DT_FLOAT' });
    expect(attrJSON({ type: DT.FLOAT + 100 })).toEqual({ type: 'DT_FLOAT_REF' });
    expect(attrJSON({ shape: { dim: [{ size: Long.fromNumber(-1) }, { size: Long.fromNumber(784) }] } })).toEqual({ shape: { dim: [{ size: '-1' }, { size: '784' }] } });
    expect(attrJSON({ shape: { unknownRank: true } })).toEqual({ shape: { unknownRank: true } });
    expect(attrJSON({ list: { i: [Long.fromNumber(1), Long.fromNumber(2)], type: [DT.INT32, DT.BOOL], s: [utf8('a')] } })).toEqual({ list: { i: ['1', '2'], type: ['DT_INT32', 'DT_BOOL'], s: ['YQ=='] } });
    expect(attrJSON({ func: { name: 'body_fn' } })).toEqual({ func: { name: 'body_fn' } });
  });

  it("keeps a node's name, op, inputs and attrs, and leaves a Const's value to the weights", () => {
    const c: NodeDef = { name: 'w', op: 'Const', attr: { dtype: { type: DT.FLOAT }, value: { tensor: { dtype: DT.FLOAT } } } };
    expect(nodeJSON(c)).toEqual({ name: 'w', op: 'Const', input: [], attr: { dtype: { type: 'DT_FLOAT' } } });
    expect(nodeJSON({ name: 'y', op: 'MatMul', input: ['x', 'w:0', '^c'], attr: { transpose_a: { b: true } } })).toEqual({ name: 'y', op: 'MatMul', input: ['x', 'w:0', '^c'], attr: { transpose_a: { b: true } } });
  });
});

describe('weights per dtype', () => {
  it('float32, int32, bool and strings go in as tfjs stores them', () => {
    const values = new Map<string, TensorData>([
      ['f', numeric(DT.FLOAT, [2], new Float32Array([1.5, -2]))],
      ['i', numeric(DT.INT32, [2], new Int32Array([7, -8]))],
      ['b', numeric(DT.BOOL, [3], [1, 0, 2])],
      ['s', { kind: 'string', dtype: DT.STRING, shape: [2], strings: [utf8('hi'), utf8('')] }],
    ]);
    const nodes: NodeDef[] = [...values.keys()].map((name) => ({ name, op: 'Const', attr: {} }));
    const a = toTfjsArtifacts(nodes, values);
    expect(a.unsupportedDtypes).toEqual([]);
    expect(a.artifacts.weightSpecs).toEqual([
      { name: 'f', shape: [2], dtype: 'float32' },
      { name: 'i', shape: [2], dtype: 'int32' },
      { name: 'b', shape: [3], dtype: 'bool' },
      { name: 's', shape: [2], dtype: 'string' },
    ]);
    const bytes = new Uint8Array(a.artifacts.weightData as ArrayBuffer);
    expect([...bytes]).toEqual([
      ...new Uint8Array(new Float32Array([1.5, -2]).buffer),
      ...new Uint8Array(new Int32Array([7, -8]).buffer),
      1, 0, 1,
      2, 0, 0, 0, 104, 105, 0, 0, 0, 0,
    ]);
    expect(a.weightBytes).toBe(bytes.length);
  });

  it('widens int8/uint8/int16/uint16 and float16/bfloat16 exactly; int64 only when it fits int32', () => {
    expect(toTfjsValue(numeric(DT.INT8, [2], [0xff, 5]))).toMatchObject({ dtype: 'int32', data: new Int32Array([-1, 5]) });
    expect(toTfjsValue(numeric(DT.UINT8, [1], [200]))).toMatchObject({ dtype: 'int32', data: new Int32Array([200]) });
    expect(toTfjsValue(numeric(DT.INT16, [1], new Int16Array([-300])))).toMatchObject({ dtype: 'int32', data: new Int32Array([-300]) });
    expect(toTfjsValue(numeric(DT.UINT16, [1], new Uint16Array([60000])))).toMatchObject({ dtype: 'int32', data: new Int32Array([60000]) });
    expect(toTfjsValue(numeric(DT.HALF, [2], new Uint16Array([0x3c00, 0xc000])))).toMatchObject({ dtype: 'float32', data: new Float32Array([1, -2]) });
    expect(toTfjsValue(numeric(DT.BFLOAT16, [1], new Uint16Array([0x3f80])))).toMatchObject({ dtype: 'float32', data: new Float32Array([1]) });
    expect(toTfjsValue(numeric(DT.INT64, [2], new BigInt64Array([-5n, 2147483647n])))).toMatchObject({ dtype: 'int32', data: new Int32Array([-5, 2147483647]) });
    expect(toTfjsValue(numeric(DT.INT64, [1], new BigInt64Array([2147483648n])))).toBe("int64 value 2147483648 does not fit tfjs's int32");
  });

  it('names the Consts whose dtype tfjs cannot hold, and leaves them out of the weights', () => {
    const values = new Map<string, TensorData>([
      ['d', numeric(DT.DOUBLE, [1], new Float64Array([0.1]))],
      ['c', numeric(DT.COMPLEX64, [1], new Float32Array([1, 2]))],
      ['u', numeric(DT.UINT64, [1], new BigUint64Array([1n]))],
      ['ok', numeric(DT.FLOAT, [], new Float32Array([3]))],
    ]);
    const a = toTfjsArtifacts([...values.keys(), 'missing'].map((name) => ({ name, op: 'Const' })), values);
    expect(a.unsupportedDtypes).toEqual(['d (float64: tfjs has no float64 tensors)', 'c (complex64: tfjs has no complex64 tensors)', 'u (uint64: tfjs has no uint64 tensors)', 'missing (no value)']);
    expect(a.artifacts.weightSpecs).toEqual([{ name: 'ok', shape: [], dtype: 'float32' }]);
  });
});

describe('nodes tfjs-converter cannot type', () => {
  it('names non-Const nodes whose type attrs hold a dtype tfjs has no mapping for (bfloat16, int16, uint32)', () => {
    const nodes: NodeDef[] = [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: DT.FLOAT } } },
      { name: 'half', op: 'Cast', attr: { SrcT: { type: DT.FLOAT }, DstT: { type: 19 } } },
      { name: 'bf', op: 'Cast', attr: { SrcT: { type: DT.FLOAT }, DstT: { type: 14 } } },
      { name: 'q', op: 'IdentityN', attr: { T: { list: { type: [DT.FLOAT, 5, 22] } } } },
    ];
    expect(toTfjsArtifacts(nodes, new Map()).unsupportedNodes).toEqual([
      'Cast bf (bfloat16: tfjs has no bfloat16 tensors)',
      'IdentityN q (int16: tfjs has no int16 tensors)',
      'IdentityN q (uint32: tfjs has no uint32 tensors)',
    ]);
  });
});

describe('round trip through tfjs-converter', () => {
  it('loads the artifacts and reads every value back through Identity nodes', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const values = new Map<string, TensorData>([
      ['f', numeric(DT.FLOAT, [2, 1], new Float32Array([1.5, -2]))],
      ['i', numeric(DT.INT64, [2], new BigInt64Array([3n, -4n]))],
      ['b', numeric(DT.BOOL, [2], [1, 0])],
      ['s', { kind: 'string', dtype: DT.STRING, shape: [1], strings: [utf8('frost')] }],
    ]);
    const nodes: NodeDef[] = [];
    for (const [name, t] of values) {
      nodes.push({ name, op: 'Const', attr: { dtype: { type: t.dtype } } });
      nodes.push({ name: `${name}/out`, op: 'Identity', input: [name], attr: { T: { type: t.dtype } } });
    }
    const model = await loadGraphModel(tf.io.fromMemory(toTfjsArtifacts(nodes, values).artifacts));
    const out = model.execute({}, ['f/out', 'i/out', 'b/out', 's/out']) as Tensor[];
    expect(out.map((t) => [t.dtype, t.shape])).toEqual([
      ['float32', [2, 1]],
      ['int32', [2]],
      ['bool', [2]],
      ['string', [1]],
    ]);
    expect(Array.from(await out[0]!.data())).toEqual([1.5, -2]);
    expect(Array.from(await out[1]!.data())).toEqual([3, -4]);
    expect(Array.from(await out[2]!.data())).toEqual([1, 0]);
    expect(await out[3]!.data()).toEqual(['frost']);
    tf.dispose(out);
    model.dispose();
  });
});
