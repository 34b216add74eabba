/** Compare panes' view stores, without React: own expansion and viewport, linked gestures, derived selection. */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClient } from '../test/fake-client.js';
import { createFrost, type Frost } from './store.js';
import { createPaneView, type PaneView } from './pane-view.js';

let frosts: Frost[] = [];
afterEach(() => {
  for (const f of frosts) f.dispose();
  frosts = [];
});

function setup(): { frost: Frost; a: PaneView; b: PaneView; picked: (string | null)[] } {
  const frost = createFrost({ client: fakeClient('http'), storage: null, saveDelayMs: 0 });
  frosts.push(frost);
  const picked: (string | null)[] = [];
  const a = createPaneView({ window: frost.store, id: 'a', label: 'A', selected: (s) => s.selectedNode, select: (n) => picked.push(n) });
  const b = createPaneView({ window: frost.store, id: 'b', label: 'B', selected: (s) => (s.selectedNode === null ? null : `b:${s.selectedNode}`), select: (n) => picked.push(n) });
  a.linkTo(b);
  b.linkTo(a);
  return { frost, a, b, picked };
}

describe('pane views', () => {
  it('keep their own expansion and viewport, apart from the window’s', () => {
    const { frost, a, b } = setup();
    a.actions.initGraphExpansion(['x', 'x', 'y']);
    b.actions.initGraphExpansion(['z']);
    a.actions.initGraphExpansion(['ignored once set']);
    a.actions.fitGraph({ x: 0, y: 0, width: 100, height: 100 }, { width: 248, height: 248 });
    expect(a.store.getState().graphExpanded).toEqual(['x', 'y']);
    expect(b.store.getState().graphExpanded).toEqual(['z']);
    expect(a.store.getState().graphViewport).toMatchObject({ k: 1.25 });
    // Fitting one pane is not a gesture: the other stays unfitted.
    expect(b.store.getState().graphViewport).toBeNull();
    expect(frost.store.getState()).toMatchObject({ graphExpanded: null, graphViewport: null });
  });

  it('mirror pan and zoom gestures as the same screen move, but not a reveal', () => {
    const { a, b } = setup();
    a.actions.revealViewport({ x: 10, y: 20, k: 1 });
    b.actions.revealViewport({ x: -5, y: 0, k: 0.5 });
    expect(a.store.getState().graphViewport).toEqual({ x: 10, y: 20, k: 1 });
    a.actions.panGraph(30, -10);
    expect(b.store.getState().graphViewport).toEqual({ x: 25, y: -10, k: 0.5 });
    // Zoom ×2 around screen point (100, 100): world points under it stay put in both panes.
    a.actions.zoomGraph(2, 100, 100);
    expect(a.store.getState().graphViewport).toEqual({ x: -20, y: -80, k: 2 });
    expect(b.store.getState().graphViewport).toEqual({ x: -50, y: -120, k: 1 });
    // And back from B (a drag).
    b.actions.setGraphViewport({ x: -40, y: -120, k: 1 });
    expect(a.store.getState().graphViewport).toEqual({ x: -10, y: -80, k: 2 });
  });

  it('mirror opened and closed groups; a pick is handed to the owner', () => {
    const { frost, a, b, picked } = setup();
    a.actions.initGraphExpansion([]);
    b.actions.initGraphExpansion([]);
    a.actions.expandGraphGroup('dnn');
    b.actions.expandGraphGroup('dnn/logits');
    expect(a.store.getState().graphExpanded).toEqual(['dnn', 'dnn/logits']);
    expect(b.store.getState().graphExpanded).toEqual(['dnn', 'dnn/logits']);
    a.actions.collapseGraphGroup('dnn');
    expect(b.store.getState().graphExpanded).toEqual(['dnn/logits']);
    // Selecting goes to the pane's owner (which updates the window's selection), never to the peer.
    a.actions.selectNode('n1');
    expect(picked).toEqual(['n1']);
    expect(frost.store.getState().selectedNode).toBeNull();
  });
});
