import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../test/synthetic-graph.js';
import { childEdgeKey, focusView, neighbourhood, queueCutEdges } from './focus.js';
import { buildHierarchy, type Hierarchy } from './hierarchy.js';

const idOf = (h: Hierarchy, name: string): number => h.nodeByName.get(name) as number;
const item = (h: Hierarchy, node: string): number => h.itemOfNode[idOf(h, node)] as number;
const group = (h: Hierarchy, name: string): number => h.groupByName.get(name) as number;

function chain(): Hierarchy {
  const b = new GraphBuilder();
  b.add('in/queue', 'FIFOQueueV2');
  b.add('in/batch', 'QueueDequeueManyV2', ['in/queue']);
  b.add('net/a', 'MatMul', ['in/batch']);
  b.add('net/b', 'Relu', ['net/a']);
  b.add('net/c', 'Identity', ['net/b']);
  b.add('out', 'Softmax', ['net/c', 'in/batch:1']);
  b.add('other/x', 'Const');
  b.add('other/y', 'Identity', ['other/x'], ['net/c']);
  return buildHierarchy(b.graph());
}

describe('focus mode', () => {
  it('collects n hops both ways, data and control', () => {
    const h = chain();
    const names = (s: Set<number>) => [...s].map((i) => h.graph.nodes[i]?.name).sort();
    expect(names(neighbourhood(h, idOf(h, 'net/b'), 1))).toEqual(['net/a', 'net/b', 'net/c']);
    expect(names(neighbourhood(h, idOf(h, 'net/b'), 2))).toEqual(['in/batch', 'net/a', 'net/b', 'net/c', 'other/y', 'out']);
    expect(names(neighbourhood(h, idOf(h, 'other/x'), 0))).toEqual(['other/x']);
  });

  it('lights the items holding a neighbour and the drawn edges between neighbours', () => {
    const h = chain();
    const f = focusView(h, idOf(h, 'net/b'), 1);
    expect(f.lit[group(h, 'net')]).toBe(1);
    expect(f.lit[item(h, 'net/c')]).toBe(1);
    expect(f.lit[group(h, 'in')]).toBe(0);
    expect(f.lit[group(h, 'other')]).toBe(0);
    expect(f.lit[0]).toBe(1);
    expect(f.edges).toEqual(new Set([`${item(h, 'net/a')}>${item(h, 'net/b')}`, `${item(h, 'net/b')}>${item(h, 'net/c')}`]));
  });
});

describe('queue cut edges', () => {
  it('marks the edges leaving a dequeue for the model, keyed by the drawn edge that carries them', () => {
    const h = chain();
    // in/batch → net/a meets at the root (groups in → net); in/batch:1 → out too (in → out); in/queue → in/batch stays in the pipeline.
    expect(queueCutEdges(h)).toEqual(new Set([`${group(h, 'in')}>${group(h, 'net')}`, `${group(h, 'in')}>${item(h, 'out')}`]));
    const e = [...h.edgeFrom].findIndex((from, i) => from === idOf(h, 'net/a') && h.edgeTo[i] === idOf(h, 'net/b'));
    expect(childEdgeKey(h, e)).toBe(`${item(h, 'net/a')}>${item(h, 'net/b')}`);
  });
});
