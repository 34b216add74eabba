// Graph diff on small hand-made GraphDefs: one case per rule of graph-diff.ts.
import { describe, expect, it } from 'vitest';
import type { NodeDef } from '../freeze/graph-index.js';
import { toLong } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import { diffGraphs } from './graph-diff.js';

const F = { type: DT.FLOAT };
function node(name: string, op: string, input: string[] = [], attr: NodeDef['attr'] = {}, device = ''): NodeDef {
  return { name, op, input, attr: { ...attr }, device };
}
function constF(name: string, values: number[]): NodeDef {
  return node(name, 'Const', [], { dtype: F, value: { tensor: { dtype: DT.FLOAT, tensorShape: { dim: [{ size: toLong(values.length) }] }, floatVal: values } } });
}

/** x → dense: MatMul(x, w/read) + BiasAdd(b/read) → Relu, with VariableV2 weights. */
function mlp(scope: string): NodeDef[] {
  return [
    node('x', 'Placeholder', [], { dtype: F }),
    node(`${scope}/w`, 'VariableV2', [], { dtype: { type: DT.FLOAT + 100 }, shape: { shape: { dim: [{ size: toLong(4) }, { size: toLong(3) }] } } }),
    node(`${scope}/w/read`, 'Identity', [`${scope}/w`], { T: F, _class: { list: { s: [new TextEncoder().encode(`loc:@${scope}/w`)] } } }),
    node(`${scope}/b`, 'VariableV2', [], { dtype: { type: DT.FLOAT + 100 }, shape: { shape: { dim: [{ size: toLong(3) }] } } }),
    node(`${scope}/b/read`, 'Identity', [`${scope}/b`], { T: F }),
    node(`${scope}/MatMul`, 'MatMul', ['x', `${scope}/w/read`], { T: F, transpose_a: { b: false }, transpose_b: { b: false } }),
    node(`${scope}/BiasAdd`, 'BiasAdd', [`${scope}/MatMul`, `${scope}/b/read`], { T: F }),
    node('out', 'Relu', [`${scope}/BiasAdd`], { T: F }),
  ];
}

describe('diffGraphs', () => {
  it('finds nothing in a graph compared with itself', async () => {
    const g = await diffGraphs({ nodes: mlp('dense') }, { nodes: mlp('dense') });
    expect(g.counts).toEqual({ added: 0, removed: 0, changed: 0, renamed: 0, frozen: 0, cut: 0, unchanged: 8 });
    expect(g.nodes).toEqual([]);
    expect(g.freezing).toBe(false);
  });

  it('matches a renamed scope by structure (op + matched inputs, then consumers) and pairs the names', async () => {
    const g = await diffGraphs({ nodes: mlp('dense') }, { nodes: mlp('fc') });
    expect(g.counts).toMatchObject({ added: 0, removed: 0, changed: 0, renamed: 6, unchanged: 2 });
    expect(g.pairs).toEqual({
      'dense/w': 'fc/w', 'dense/w/read': 'fc/w/read', 'dense/b': 'fc/b', 'dense/b/read': 'fc/b/read', 'dense/MatMul': 'fc/MatMul', 'dense/BiasAdd': 'fc/BiasAdd',
    });
    expect(g.nodes.every((n) => n.kind === 'renamed' && n.matchedBy === 'signature' && n.changes === undefined)).toBe(true);
    expect(g.sides.b['fc/MatMul']).toBe('renamed');
    expect(g.signatureRounds).toBeGreaterThan(0);
  });

  it('reports attr, device, dtype and shape changes with before/after text', async () => {
    const b = mlp('dense').map((n) => {
      if (n.name === 'dense/MatMul') return { ...n, attr: { ...n.attr, transpose_b: { b: true } }, device: '/device:GPU:0' };
      if (n.name === 'out') return { ...n, attr: { T: { type: DT.HALF } } };
      if (n.name === 'dense/b') return { ...n, attr: { ...n.attr, shape: { shape: { dim: [{ size: toLong(5) }] } } } };
      return n;
    });
    const g = await diffGraphs({ nodes: mlp('dense') }, { nodes: b });
    expect(g.counts).toMatchObject({ changed: 3, unchanged: 5 });
    const byName = new Map(g.nodes.map((n) => [n.a, n]));
    expect(byName.get('dense/MatMul')?.changes).toEqual([
      { field: 'device', before: '', after: '/device:GPU:0' },
      { field: 'attrs', key: 'transpose_b', before: 'false', after: 'true' },
    ]);
    expect(byName.get('out')?.changes).toEqual([{ field: 'dtype', key: 'T', before: 'float32', after: 'float16' }]);
    expect(byName.get('dense/b')?.changes).toEqual([{ field: 'shape', key: 'shape', before: '[3]', after: '[5]' }]);
  });

  it('sees rewired inputs, added and removed nodes, and a changed Const with its weight delta', async () => {
    const a = [...mlp('dense'), constF('k', [1, 2, 3, 4])];
    const b = [...mlp('dense').filter((n) => n.name !== 'out'), node('out2', 'Sigmoid', ['dense/MatMul'], { T: F }), constF('k', [1, 2, 3, 6])];
    b.push(node('dense/BiasAdd2', 'BiasAdd', ['dense/MatMul', 'x'], { T: F }));
    const g = await diffGraphs({ nodes: a }, { nodes: b });
    const kinds = Object.fromEntries(g.nodes.map((n) => [n.a ?? n.b, n.kind]));
    expect(kinds).toMatchObject({ out: 'removed', out2: 'added', k: 'changed', 'dense/BiasAdd2': 'added' });
    const k = g.nodes.find((n) => n.a === 'k');
    expect(k?.weights).toMatchObject({ elements: 4, changed: 1, maxAbs: 2, meanAbs: 0.5 });
    const moved = await diffGraphs({ nodes: a }, { nodes: a.map((n) => (n.name === 'out' ? { ...n, input: ['dense/MatMul'] } : n)) });
    expect(moved.nodes).toEqual([expect.objectContaining({ a: 'out', kind: 'changed', changes: [{ field: 'inputs', before: 'dense/BiasAdd', after: 'dense/MatMul' }] })]);
  });

  it('compares _output_shapes only when both sides have it, and tensors by value rather than encoding', async () => {
    const shapes = { list: { shape: [{ dim: [{ size: toLong(4) }] }] } };
    const a = [constF('k', [1, 2, 3, 4]), node('r', 'Relu', ['k'], { T: F, _output_shapes: shapes })];
    const asContent = { ...constF('k', []), attr: { dtype: F, value: { tensor: { dtype: DT.FLOAT, tensorShape: { dim: [{ size: toLong(4) }] }, tensorContent: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) } } } };
    const g = await diffGraphs({ nodes: a }, { nodes: [asContent, node('r', 'Relu', ['k'], { T: F })] });
    expect(g.counts.unchanged).toBe(2);
    const g2 = await diffGraphs({ nodes: a }, { nodes: [a[0] as NodeDef, node('r', 'Relu', ['k'], { T: F, _output_shapes: { list: { shape: [{ dim: [{ size: toLong(5) }] }] } } })] });
    expect(g2.nodes[0]?.changes).toEqual([{ field: 'shape', key: '_output_shapes', before: '[[4]]', after: '[[5]]' }]);
  });

  it('recognises freezing: Variable → Const is frozen, a folded /read is frozen, a dequeue → Placeholder is cut', async () => {
    const a = [
      node('q', 'FIFOQueueV2', [], {}, '/device:CPU:0'),
      node('n', 'Const', [], { dtype: { type: DT.INT32 } }),
      node('batch', 'QueueDequeueManyV2', ['q', 'n'], { component_types: { list: { type: [DT.FLOAT, DT.INT32] } } }, '/device:CPU:0'),
      node('w', 'VariableV2', [], { dtype: { type: DT.FLOAT + 100 } }, '/device:CPU:0'),
      node('w/read', 'Identity', ['w'], { T: F }, '/device:CPU:0'),
      node('mm', 'MatMul', ['batch', 'w/read'], { T: F }, '/device:CPU:0'),
      node('labels', 'Identity', ['batch:1'], { T: { type: DT.INT32 } }),
      node('w/Assign', 'Assign', ['w', 'mm'], { T: { type: DT.FLOAT + 100 } }),
    ];
    const b = [
      node('batch', 'Placeholder', [], { dtype: F }),
      node('batch/component_1', 'Placeholder', [], { dtype: { type: DT.INT32 } }),
      constF('w', [0.5]),
      node('mm', 'MatMul', ['batch', 'w'], { T: F }),
      node('labels', 'Identity', ['batch/component_1'], { T: { type: DT.INT32 } }),
    ];
    const values = new Map([['w', { kind: 'numeric' as const, dtype: DT.FLOAT, shape: [1], bytes: new Uint8Array(new Float32Array([0.5]).buffer) }]]);
    const g = await diffGraphs({ nodes: a, keys: new Map([['w', 'w']]) }, { nodes: b }, { checkpointValue: async (n) => values.get(n) });
    expect(g.freezing).toBe(true);
    const kinds = Object.fromEntries(g.nodes.map((n) => [`${n.a ?? ''}>${n.b ?? ''}`, n.kind]));
    expect(kinds).toEqual({
      'q>': 'removed', 'n>': 'removed', 'batch>batch': 'cut', 'w>w': 'frozen', 'w/read>': 'frozen', 'w/Assign>': 'removed', 'batch>batch/component_1': 'cut',
    });
    expect(g.nodes.find((n) => n.a === 'w')).toMatchObject({ value: 'same', checkpointKey: 'w' });
    // mm lost its device and reads w directly, labels reads the component placeholder: neither changed.
    expect(g.counts).toMatchObject({ changed: 0, unchanged: 2 });
    expect(g.freezeNormalized.devicesCleared).toBe(1);
  });

  it('marks a frozen Const whose value is not the checkpoint value', async () => {
    const a = [node('w', 'VariableV2', [], { dtype: { type: DT.FLOAT + 100 } })];
    const b = [constF('w', [1, 2])];
    const ckpt = { kind: 'numeric' as const, dtype: DT.FLOAT, shape: [2], bytes: new Uint8Array(new Float32Array([1, 3]).buffer) };
    const g = await diffGraphs({ nodes: a }, { nodes: b }, { checkpointValue: async () => ckpt });
    expect(g.nodes[0]).toMatchObject({ kind: 'frozen', value: 'differs', weights: { changed: 1, maxAbs: 1 } });
  });
});
