import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../test/synthetic-graph.js';
import { aggregateEdges, buildHierarchy, defaultExpansion, revealNode, visibleRepresentatives, type Hierarchy, type HierarchyItem } from './hierarchy.js';

const byName = (h: Hierarchy, name: string): HierarchyItem => h.items[h.groupByName.get(name) as number] as HierarchyItem;
const op = (h: Hierarchy, name: string): HierarchyItem => h.items[h.itemOfNode[h.nodeByName.get(name) as number] as number] as HierarchyItem;

describe('buildHierarchy', () => {
  it('nests scopes and keeps a scope-named op inside its scope', () => {
    const b = new GraphBuilder();
    b.add('batch/n', 'Const');
    b.add('batch', 'QueueDequeueManyV2', ['batch/n']);
    b.add('a/b/c', 'Relu', ['batch']);
    b.add('a/d', 'Identity', ['a/b/c:0']);
    const h = buildHierarchy(b.graph());
    expect(byName(h, 'a/b').parent).toBe(byName(h, 'a').id);
    const batch = byName(h, 'batch');
    expect(batch.scopeOp).toBe(op(h, 'batch').id);
    expect(op(h, 'batch').label).toBe('(batch)');
    expect(batch.nodeCount).toBe(2);
    // The edge batch → a/b/c is charged to the root, between groups `batch` and `a`.
    expect(h.childEdges.get(0)).toEqual([{ from: batch.id, to: byName(h, 'a').id, data: 1, control: 0 }]);
    // batch/n → batch stays inside `batch`.
    expect(h.childEdges.get(batch.id)).toEqual([{ from: op(h, 'batch/n').id, to: op(h, 'batch').id, data: 1, control: 0 }]);
  });

  it('forms series of identical numbered groups and of numbered ops, not of different ones', () => {
    const b = new GraphBuilder();
    for (const name of ['dense', 'dense_1', 'dense_2', 'dense_3']) {
      b.add(`${name}/MatMul`, 'MatMul');
      b.add(`${name}/BiasAdd`, 'BiasAdd', [`${name}/MatMul`]);
    }
    b.add('dense_4/MatMul', 'MatMul'); // different inside: not in the series
    for (let i = 0; i < 6; i++) b.add(i === 0 ? 'add' : `add_${i}`, 'Add');
    for (let i = 0; i < 4; i++) b.add(`mul_${i}`, 'Mul'); // only 4: below SERIES_MIN_OPS
    const h = buildHierarchy(b.graph());
    const dense = byName(h, 'dense_[0-3]');
    expect(dense.kind).toBe('series');
    expect(dense.children.map((c) => (h.items[c] as HierarchyItem).name)).toEqual(['dense', 'dense_1', 'dense_2', 'dense_3']);
    expect(byName(h, 'dense_4').parent).toBe(0);
    const adds = byName(h, 'add_[0-5]');
    expect(adds.seriesSize).toBe(6);
    expect(adds.op).toBe('Add');
    expect(op(h, 'mul_0').parent).toBe(0);
  });

  it('spreads summary/init kinds to producers read only by them, but not gradients', () => {
    const b = new GraphBuilder();
    b.add('w', 'VariableV2');
    b.add('w/Initializer/zeros', 'Const');
    b.add('w/Assign', 'Assign', ['w', 'w/Initializer/zeros']);
    b.add('w/read', 'Identity', ['w']);
    b.add('x', 'Placeholder');
    b.add('y', 'MatMul', ['x', 'w/read']);
    b.add('loss', 'Mean', ['y']);
    b.add('frac', 'Mean', ['y']);
    b.add('frac_summary', 'ScalarSummary', ['frac']);
    b.add('gradients/loss_grad', 'Fill', ['loss']);
    b.add('init', 'NoOp', [], ['w/Assign']);
    const h = buildHierarchy(b.graph());
    expect(op(h, 'w/Assign').aux).toBe('init');
    expect(op(h, 'w/Initializer/zeros').aux).toBe('init');
    expect(op(h, 'w').aux).toBeNull(); // also read by w/read
    expect(op(h, 'frac').aux).toBe('summary');
    expect(op(h, 'y').aux).toBeNull();
    expect(op(h, 'loss').aux).toBeNull(); // read only by gradients: stays main
    expect(byName(h, 'gradients').aux).toBe('gradients');
    expect(byName(h, 'w').aux).toBeNull();
    expect(byName(h, 'w/Initializer').aux).toBe('init');
  });

  it('aggregates edges between visible items for any expansion state', () => {
    const b = new GraphBuilder();
    b.add('a/x', 'Const');
    b.add('a/y', 'Identity', ['a/x']);
    b.add('b/z', 'Add', ['a/x', 'a/y:0'], ['a/y']);
    b.add('c', 'NoOp', [], ['b/z']);
    const h = buildHierarchy(b.graph());
    const a = byName(h, 'a').id;
    const bb = byName(h, 'b').id;
    expect(aggregateEdges(h, new Set())).toEqual(
      expect.arrayContaining([
        { from: a, to: bb, data: 2, control: 1 },
        { from: bb, to: op(h, 'c').id, data: 0, control: 1 },
      ]),
    );
    const open = aggregateEdges(h, new Set(['a']));
    expect(open).toEqual(
      expect.arrayContaining([
        { from: op(h, 'a/x').id, to: op(h, 'a/y').id, data: 1, control: 0 },
        { from: op(h, 'a/x').id, to: bb, data: 1, control: 0 },
        { from: op(h, 'a/y').id, to: bb, data: 1, control: 1 },
      ]),
    );
    const rep = visibleRepresentatives(h, new Set());
    expect(rep[op(h, 'a/y').id]).toBe(a);
  });

  it('opens tiny groups and lone wrapper scopes by default, and reveals a node on request', () => {
    const b = new GraphBuilder();
    for (let i = 0; i < 10; i++) b.add(`model/block_${i}/conv`, 'Conv2D', i > 0 ? [`model/block_${i - 1}/conv`] : []);
    for (let i = 0; i < 10; i++) b.add(`model/head/op${i}`, 'Identity');
    b.add('save/Const', 'Const');
    const h = buildHierarchy(b.graph());
    const open = defaultExpansion(h);
    expect(open.has('model')).toBe(true); // the only main child of the root
    expect(open.has('model/head')).toBe(false); // 10 ops: collapsed
    expect(open.has('save')).toBe(false);
    const revealed = revealNode(h, open, 'model/block_3/conv');
    expect(revealed.has('model/block_[0-9]')).toBe(true);
    expect(revealed.has('model/block_3')).toBe(true);
  });
});
