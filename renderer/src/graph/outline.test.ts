import { describe, expect, it } from 'vitest';
import type { GraphIR, GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { graphIndex, inputNodeName, TOP_LEVEL } from './graph-index.js';
import { buildOutline, rowOfNode } from './outline.js';

const n = (name: string, op = 'Identity', inputs: string[] = [], extra: Partial<GraphNodeIR> = {}): GraphNodeIR => ({
  name,
  op,
  family: 'other',
  inputs,
  controlInputs: [],
  attrs: {},
  ...extra,
});

const g: GraphIR = {
  file: 'g.pbtxt',
  functions: [],
  nodes: [
    n('init', 'NoOp', [], { family: 'control' }),
    n('global_step', 'VariableV2', [], { family: 'variable', checkpointKey: 'global_step' }),
    n('global_step/read', 'Identity', ['global_step']),
    n('dnn/layer_10/MatMul', 'MatMul', ['x', 'dnn/w:0'], { family: 'math' }),
    n('dnn/layer_2/MatMul', 'MatMul', ['x', 'dnn/w', '^init'], { family: 'math' }),
    n('dnn/w', 'VariableV2', [], { family: 'variable', checkpointKey: 'dnn/w' }),
    n('x', 'Placeholder', [], { family: 'input' }),
    n('enqueue/fifo', 'FIFOQueueV2', [], { family: 'queue', pipeline: true }),
    n('out', 'Softmax', ['dnn/layer_10/MatMul:0'], { family: 'nn', controlInputs: ['init'] }),
  ],
};

describe('graphIndex', () => {
  const index = graphIndex(g);

  it('groups by top-level scope, a scope-named node with its scope, the rest in the top level (last)', () => {
    expect(index.groups.map((x) => x.name)).toEqual(['dnn', 'enqueue', 'global_step', TOP_LEVEL]);
    expect(index.groupOf('global_step')).toBe('global_step');
    expect(index.groupOf('init')).toBe(TOP_LEVEL);
    expect(index.groups[0]!.nodes.map((x) => x.name)).toEqual(['dnn/layer_2/MatMul', 'dnn/layer_10/MatMul', 'dnn/w']);
  });

  it('counts families, pipeline ops and variables per group', () => {
    const dnn = index.groups[0]!;
    expect(dnn.families).toEqual([
      ['math', 2],
      ['variable', 1],
    ]);
    expect(dnn.variables).toBe(1);
    expect(index.groups[1]!.pipeline).toBe(1);
  });

  it('knows consumers (data and control) and the nodes reading each checkpoint key', () => {
    expect(index.consumers.get('x')).toEqual(['dnn/layer_10/MatMul', 'dnn/layer_2/MatMul']);
    expect(index.consumers.get('dnn/w')).toEqual(['dnn/layer_10/MatMul', 'dnn/layer_2/MatMul']);
    expect(index.controlConsumers.get('init')).toEqual(['out']);
    expect(index.byCheckpointKey.get('dnn/w')).toEqual(['dnn/w']);
  });

  it('is built once per graph', () => {
    expect(graphIndex(g)).toBe(index);
  });

  it('maps tensor names to node names', () => {
    expect(inputNodeName('a/b:1')).toBe('a/b');
    expect(inputNodeName('^a/b')).toBe('a/b');
    expect(inputNodeName('a')).toBe('a');
    expect(inputNodeName('weird:name')).toBe('weird:name');
  });
});

describe('buildOutline', () => {
  const index = graphIndex(g);

  it('shows collapsed groups, and the nodes of expanded ones with names relative to the group', () => {
    const o = buildOutline(index, '', new Set(['dnn']));
    expect(o.searching).toBe(false);
    expect(o.matches).toBe(9);
    expect(o.rows.map((r) => (r.kind === 'group' ? `[${r.group.name}${r.expanded ? '-' : '+'}]` : r.local))).toEqual([
      '[dnn-]',
      'layer_2/MatMul',
      'layer_10/MatMul',
      'w',
      '[enqueue+]',
      '[global_step+]',
      `[${TOP_LEVEL}+]`,
    ]);
    const first = o.rows[1]!;
    expect(first.kind === 'node' && [first.pos, first.of]).toEqual([1, 3]);
    const head = o.rows[0]!;
    expect(head.kind === 'group' && [head.pos, head.of]).toEqual([1, 4]);
  });

  it('searching by name or op shows only matching groups, opened, with only their matches', () => {
    const o = buildOutline(index, 'matmul', new Set());
    expect(o.matches).toBe(2);
    expect(o.rows.map((r) => (r.kind === 'group' ? r.group.name : r.node.name))).toEqual(['dnn', 'dnn/layer_2/MatMul', 'dnn/layer_10/MatMul']);
    const byOp = buildOutline(index, 'softmax', new Set());
    expect(byOp.rows.map((r) => (r.kind === 'group' ? `${r.group.name} ${r.shown}/${r.group.nodes.length}` : r.local))).toEqual([`${TOP_LEVEL} 1/3`, 'out']);
    expect(buildOutline(index, 'zzz', new Set()).rows).toEqual([]);
  });

  it('finds the row of a node', () => {
    const o = buildOutline(index, '', new Set(['global_step']));
    expect(rowOfNode(o.rows, 'global_step/read')).toBe(4);
    expect(rowOfNode(o.rows, 'dnn/w')).toBe(-1);
  });
});
