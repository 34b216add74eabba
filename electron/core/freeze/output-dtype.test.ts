import { describe, expect, it } from 'vitest';
import { buildGraphIR } from '../graph/ir.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import type { NodeDef } from './graph-index.js';
import { outputDtype } from './output-dtype.js';

const t = (type: number) => ({ type });
const node = (op: string, attr: NodeDef['attr']): NodeDef => ({ name: op.toLowerCase(), op, attr });

describe('outputDtype', () => {
  it('reads the output type where an op keeps it apart from its input type T', () => {
    expect(outputDtype(node('ArgMax', { T: t(DT.FLOAT), output_type: t(DT.INT64) }), 0)).toBe(DT.INT64);
    expect(outputDtype(node('ArgMax', { T: t(DT.FLOAT) }), 0)).toBe(DT.INT64); // the op's default
    expect(outputDtype(node('ArgMin', { T: t(DT.FLOAT), output_type: t(DT.INT32) }), 0)).toBe(DT.INT32);
    expect(outputDtype(node('Shape', { T: t(DT.FLOAT), out_type: t(DT.INT64) }), 0)).toBe(DT.INT64);
    expect(outputDtype(node('Cast', { SrcT: t(DT.FLOAT), DstT: t(DT.INT32) }), 0)).toBe(DT.INT32);
    expect(outputDtype(node('RandomUniform', { T: t(DT.INT32), dtype: t(DT.FLOAT) }), 0)).toBe(DT.FLOAT);
    expect(outputDtype(node('Equal', { T: t(DT.FLOAT) }), 0)).toBe(DT.BOOL);
    expect(outputDtype(node('Relu', { T: t(DT.HALF) }), 0)).toBe(DT.HALF);
  });

  it('is what the graph IR shows for each output', () => {
    const dim2 = { dim: [{ size: Long.fromNumber(2) }] };
    const graphDef = tensorflow.GraphDef.create({ node: [node('ArgMax', { T: t(DT.FLOAT), output_type: t(DT.INT64) }), node('TopKV2', { T: t(DT.FLOAT), _output_shapes: { list: { shape: [dim2, dim2] } } })] });
    const ir = buildGraphIR({ kind: 'graph-def', file: 'g.pb', graphDef });
    expect(ir.nodes[0]?.outputs).toEqual([{ dtype: 'int64' }]);
    expect(ir.nodes[1]?.outputs).toEqual([{ dtype: 'float32', shape: [2] }, { dtype: 'int32', shape: [2] }]);
  });
});
