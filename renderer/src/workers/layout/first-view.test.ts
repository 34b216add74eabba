import dagre from '@dagrejs/dagre';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, defaultExpansion } from '../../graph/hierarchy.js';
import { GraphBuilder, syntheticMlp } from '../../test/synthetic-graph.js';
import { firstViewLayout } from './first-view.js';
import { LAYERED_MAX_NODES } from './layered.js';
import { DagreNeeded, LayoutEngine } from './layout.js';

describe('firstViewLayout (the UI thread lays out a small first view)', () => {
  it('gives exactly the layout the worker would, for the default view of a 30k-node training graph', () => {
    const h = buildHierarchy(syntheticMlp(400));
    const open = defaultExpansion(h);
    const here = firstViewLayout(h, open);
    expect(here).not.toBeNull();
    const worker = new LayoutEngine(h, dagre).layout({ expanded: open, aux: 'side' });
    expect(here?.groups).toEqual(worker.groups);
    expect(here?.root).toBe(worker.root);
    expect(here?.stats.dagreCalls).toBe(0);
  });

  it('leaves a view that needs dagre to the worker', () => {
    // More children than the small layered layout takes, with edges that are neither a chain nor absent.
    const b = new GraphBuilder();
    const n = LAYERED_MAX_NODES + 10;
    for (let i = 0; i < n; i++) b.add(`x${i}`, 'Relu', i >= 2 ? [`x${i - 1}`, `x${i - 2}`] : []);
    const h = buildHierarchy(b.graph());
    expect(() => new LayoutEngine(h, null).layout({ expanded: new Set(), aux: 'side' })).toThrow(DagreNeeded);
    expect(firstViewLayout(h, new Set())).toBeNull();
    expect(new LayoutEngine(h, dagre).layout({ expanded: new Set(), aux: 'side' })?.groups[0]?.mode).toBe('dagre');
  });
});
