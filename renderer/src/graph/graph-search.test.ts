import { describe, expect, it } from 'vitest';
import { GraphBuilder, syntheticMlp } from '../test/synthetic-graph.js';
import { searchGraph } from './graph-search.js';

describe('searchGraph', () => {
  const b = new GraphBuilder();
  b.add('input/fifo_queue', 'FIFOQueueV2');
  b.add('dnn/logits/MatMul', 'MatMul');
  b.add('dnn/hidden/MatMul', 'MatMul');
  b.add('matmul_helper/Identity', 'Identity');
  b.add('softmax', 'Softmax', ['dnn/logits/MatMul']);
  const g = b.graph();
  (g.nodes[4] as (typeof g.nodes)[number]).attrs = { T: 'float32' };
  (g.nodes[0] as (typeof g.nodes)[number]).attrs = { shared_name: 'my_input_queue', capacity: '32' };

  it('ranks exact last-part and name matches before op and attr matches, ties in graph order', () => {
    const r = searchGraph(g, 'matmul');
    expect(r.hits.map((h) => h.name)).toEqual(['dnn/logits/MatMul', 'dnn/hidden/MatMul', 'matmul_helper/Identity']);
    expect(r.hits.every((h) => h.field === 'name')).toBe(true);
    expect(searchGraph(g, 'softm').hits.map((h) => [h.name, h.field])).toEqual([['softmax', 'name']]);
  });

  it('matches the op type and attr values, and says which', () => {
    expect(searchGraph(g, 'FIFOQueueV2').hits).toMatchObject([{ name: 'input/fifo_queue', field: 'op', rank: 4 }]);
    const attr = searchGraph(g, 'MY_INPUT');
    expect(attr.hits).toMatchObject([{ name: 'input/fifo_queue', field: 'attr', attr: { key: 'shared_name', value: 'my_input_queue' } }]);
    expect(searchGraph(g, 'float32').hits.map((h) => h.name)).toEqual(['softmax']);
  });

  it('finds nothing for a blank query or no match, and caps the list but counts all', () => {
    expect(searchGraph(g, '  ')).toEqual({ hits: [], total: 0 });
    expect(searchGraph(g, 'no-such-thing').total).toBe(0);
    const big = syntheticMlp(40);
    const r = searchGraph(big, 'MatMul', 25);
    expect(r.hits).toHaveLength(25);
    expect(r.total).toBeGreaterThan(40);
  });
});
