import { afterEach, describe, expect, it } from 'vitest';
import { fakeClient } from '../test/fake-client.js';
import { createFrost, type Frost } from './store.js';

let frost: Frost | null = null;
afterEach(() => frost?.dispose());

function setup() {
  frost = createFrost({ client: fakeClient(), storage: null, saveDelayMs: 0 });
  return { actions: frost.actions, state: () => frost!.store.getState() };
}

describe('graph view state', () => {
  it('enters focus mode on a node, keeps the hop count when moving to another node, clamps it, and leaves', () => {
    const { actions, state } = setup();
    expect(state().graphFocus).toBeNull();
    actions.setGraphFocus('dnn/MatMul');
    expect(state().graphFocus).toEqual({ node: 'dnn/MatMul', hops: 1 });
    actions.setGraphFocus('dnn/MatMul', 3);
    actions.setGraphFocus('softmax');
    expect(state().graphFocus).toEqual({ node: 'softmax', hops: 3 });
    actions.setGraphFocus('softmax', 99);
    expect(state().graphFocus?.hops).toBe(5);
    actions.setGraphFocus(null);
    expect(state().graphFocus).toBeNull();
  });

  it('starts on the outline tab with nothing decided, and switches tabs', () => {
    const { actions, state } = setup();
    expect(state()).toMatchObject({ centreTab: 'outline', graphExpanded: null, graphViewport: null });
    actions.setCentreTab('graph');
    expect(state().centreTab).toBe('graph');
  });

  it('applies the default expansion once, then expands, collapses and toggles by name', () => {
    const { actions, state } = setup();
    actions.initGraphExpansion(['model', 'model']);
    expect(state().graphExpanded).toEqual(['model']);
    actions.initGraphExpansion(['other']);
    expect(state().graphExpanded).toEqual(['model']);
    actions.expandGraphGroup('dnn');
    actions.expandGraphGroup('dnn');
    expect(state().graphExpanded).toEqual(['model', 'dnn']);
    actions.collapseGraphGroup('model');
    expect(state().graphExpanded).toEqual(['dnn']);
    actions.toggleGraphGroup('dnn');
    actions.toggleGraphGroup('head');
    expect(state().graphExpanded).toEqual(['head']);
    actions.setGraphExpanded(['a', 'b', 'a']);
    expect(state().graphExpanded).toEqual(['a', 'b']);
  });

  it('fits, pans and zooms the viewport', () => {
    const { actions, state } = setup();
    actions.panGraph(10, 10);
    actions.zoomGraph(2, 0, 0);
    expect(state().graphViewport).toBeNull(); // nothing to move before the first fit
    actions.fitGraph({ x: 0, y: 0, width: 1000, height: 500 }, { width: 548, height: 548 });
    expect(state().graphViewport).toEqual({ k: 0.5, x: 24, y: 149 });
    actions.panGraph(6, -9);
    expect(state().graphViewport).toEqual({ k: 0.5, x: 30, y: 140 });
    actions.zoomGraph(2, 30, 140);
    expect(state().graphViewport).toEqual({ k: 1, x: 30, y: 140 });
    actions.setGraphViewport({ x: 0, y: 0, k: 100 });
    expect(state().graphViewport?.k).toBe(4);
  });

  it('forgets expansion and viewport when another source opens, keeping the tab', async () => {
    const client = fakeClient();
    const { report, graph } = await import('../test/fake-client.js');
    client.on('source:open', () => ({ ok: true, value: { sourceId: 's2', report: report({}) } }));
    client.on('graph:get', () => ({ ok: true, value: graph() }));
    client.on('recent:list', () => ({ ok: true, value: [] }));
    frost = createFrost({ client, storage: null, saveDelayMs: 0 });
    const { actions } = frost;
    actions.setCentreTab('graph');
    actions.initGraphExpansion(['dnn']);
    actions.fitGraph({ x: 0, y: 0, width: 10, height: 10 }, { width: 100, height: 100 });
    await actions.openSource('/data/other');
    expect(frost.store.getState()).toMatchObject({ centreTab: 'graph', graphExpanded: null, graphViewport: null });
  });
});

describe('View-menu zoom and fit', () => {
  it('shows the drawn graph and numbers each command so the canvas acts on every one', () => {
    const { actions: a, state } = setup();
    a.setCentreTab('outline');
    a.requestGraphCommand('zoom-in');
    expect(state().centreTab).toBe('graph');
    expect(state().graphCommand).toEqual({ kind: 'zoom-in', seq: 1 });
    a.requestGraphCommand('zoom-in');
    a.requestGraphCommand('fit');
    expect(state().graphCommand).toEqual({ kind: 'fit', seq: 3 });
  });
});
