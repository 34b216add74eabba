import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../test/synthetic-graph.js';
import { edgeLabel, tensorText } from './edge-labels.js';
import { buildHierarchy, type HierarchyItem } from './hierarchy.js';

describe('edge labels', () => {
  it('formats dtype and shape', () => {
    expect(tensorText('float32', [-1, 4])).toBe('float32[?,4]');
    expect(tensorText('int64', [])).toBe('int64[]');
    expect(tensorText('float32', null)).toBe('float32');
    expect(tensorText(undefined, [3])).toBe('?[3]');
    expect(tensorText(undefined, undefined)).toBeNull();
  });

  it('labels op→op edges with the tensor they carry, group edges with their count', () => {
    const b = new GraphBuilder();
    b.add('x', 'Placeholder');
    b.add('split', 'Split', ['x']);
    b.add('net/a', 'MatMul', ['split:1']);
    b.add('net/b', 'MatMul', ['x', 'split']);
    b.add('y', 'AddN', ['split', 'split:1']);
    const g = b.graph();
    const node = (name: string) => g.nodes.find((n) => n.name === name) as (typeof g.nodes)[number];
    node('x').outputs = [{ dtype: 'float32', shape: [-1, 8] }];
    node('split').outputs = [{ dtype: 'float32', shape: [-1, 4] }, { dtype: 'float32', shape: [-1, 4] }];
    const h = buildHierarchy(g);
    const id = (name: string) => h.itemOfNode[h.nodeByName.get(name) as number] as number;
    const net = h.groupByName.get('net') as number;
    const root = h.childEdges.get(0) ?? [];
    const edge = (from: number, to: number) => root.find((e) => e.from === from && e.to === to) as (typeof root)[number];
    expect(edgeLabel(h, edge(id('x'), id('split')))).toBe('float32[?,8]');
    // split → net carries split:1 and split:0 (two tensors into the group).
    expect(edgeLabel(h, edge(id('split'), net))).toBe('×2');
    expect(edgeLabel(h, edge(id('split'), id('y')))).toBe('×2');
    const inner = h.childEdges.get(net);
    expect(inner).toBeUndefined();
    expect((h.items[net] as HierarchyItem).children).toHaveLength(2);
    // Control-only edges have no label.
    expect(edgeLabel(h, { from: id('x'), to: id('split'), data: 0, control: 1 })).toBeNull();
  });
});
