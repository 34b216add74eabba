/** The overlay of a comparison: A's nodes, B's added ones, edges of both, names mapped through pairs. */
import { describe, expect, it } from 'vitest';
import type { GraphDiff } from '../../../shared/model/diff.js';
import type { GraphIR, GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { overlayGraph } from './overlay-graph.js';

const node = (name: string, op: string, inputs: string[] = [], controlInputs: string[] = []): GraphNodeIR => ({ name, op, family: 'math', inputs, controlInputs, attrs: {} });
const graph = (nodes: GraphNodeIR[]): GraphIR => ({ file: 'g.pb', nodes, functions: [] });

function diff(sides: GraphDiff['sides'], pairs: Record<string, string> = {}): GraphDiff {
  return {
    nodesA: 0,
    nodesB: 0,
    counts: { added: 0, removed: 0, changed: 0, renamed: 0, frozen: 0, cut: 0, unchanged: 0 },
    freezing: false,
    freezeNormalized: { devicesCleared: 0, refTypesDropped: 0 },
    nodes: [],
    sides,
    pairs,
    scopes: [],
    signatureRounds: 0,
    ms: 0,
  };
}

describe('overlayGraph', () => {
  it('keeps A, adds B’s added nodes with inputs renamed to A’s names, and unions the edges of matched pairs', () => {
    const a = graph([node('x', 'Placeholder'), node('w', 'VariableV2'), node('old/mm', 'MatMul', ['x', 'w']), node('gone', 'Identity', ['old/mm'])]);
    const b = graph([node('x', 'Placeholder'), node('w', 'Const'), node('new/mm', 'MatMul', ['x', 'w', 'bias']), node('bias', 'Const'), node('relu', 'Relu', ['new/mm:0'], ['bias'])]);
    const d = diff(
      { a: { w: 'frozen', 'old/mm': 'renamed', gone: 'removed' }, b: { w: 'frozen', 'new/mm': 'renamed', bias: 'added', relu: 'added' } },
      { 'old/mm': 'new/mm' },
    );
    const o = overlayGraph(a, b, d);
    expect(o.graph.nodes.map((n) => n.name)).toEqual(['x', 'w', 'old/mm', 'gone', 'bias', 'relu']);
    expect(Object.fromEntries(o.kinds)).toEqual({ w: 'frozen', 'old/mm': 'renamed', gone: 'removed', bias: 'added', relu: 'added' });
    expect([...o.fromB]).toEqual([['bias', 'bias'], ['relu', 'relu']]);
    // The renamed MatMul gets B's extra input; B's consumer of new/mm reads it under A's name.
    expect(o.graph.nodes.find((n) => n.name === 'old/mm')?.inputs).toEqual(['x', 'w', 'bias']);
    expect(o.graph.nodes.find((n) => n.name === 'relu')).toMatchObject({ inputs: ['old/mm:0'], controlInputs: ['bias'] });
    // A removed node keeps A's edges only; A's graph object is not changed.
    expect(o.graph.nodes.find((n) => n.name === 'gone')?.inputs).toEqual(['old/mm']);
    expect(a.nodes[2]?.inputs).toEqual(['x', 'w']);
  });

  it('gives an added node whose name A still uses (A’s was renamed away) a name of its own', () => {
    const a = graph([node('n', 'Relu'), node('m', 'Relu', ['n'])]);
    const b = graph([node('k', 'Relu'), node('n', 'Tanh'), node('m', 'Relu', ['k'])]);
    const o = overlayGraph(a, b, diff({ a: { n: 'renamed' }, b: { k: 'renamed', n: 'added' } }, { n: 'k' }));
    expect(o.graph.nodes.map((x) => x.name)).toEqual(['n', 'm', 'n (B)']);
    expect(o.fromB.get('n (B)')).toBe('n');
    expect(o.kinds.get('n (B)')).toBe('added');
    expect(o.graph.nodes.find((x) => x.name === 'm')?.inputs).toEqual(['n']);
  });
});
