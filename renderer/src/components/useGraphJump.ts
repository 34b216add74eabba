import { useCallback, useEffect, useRef, useState } from 'react';
import { revealNode, type Hierarchy } from '../graph/hierarchy.js';
import { centreOn, intersects, visibleWorld, type DrawScene, type Size, type Viewport } from '../graph/view-geometry.js';
import { useGraphView } from '../state/index.js';

interface Pending {
  name: string;
  /** 'always' centres the node; 'if-hidden' only when it is not on screen. */
  centre: 'always' | 'if-hidden';
}

/**
 * Jumping to a node in the drawn view: opens every group and series above it, waits for the
 * layout that shows it (the worker lays out only the groups that changed), then centres it.
 * A selection made elsewhere (outline, a properties link) is revealed the same way, but only
 * moves the view when the node is off screen, so clicking a drawn node never jolts the view.
 */
export function useGraphJump(h: Hierarchy, scene: DrawScene | null, viewport: Viewport | null, size: Size, expanded: readonly string[] | null, selected: string | null) {
  const pending = useRef<Pending | null>(null);
  const [seq, setSeq] = useState(0);
  const view = useGraphView();
  const va = view.actions;
  // A Compare pane opens with a selection already made: it reveals it once its groups are known.
  // (The Graph tab keeps its first view as the default expansion shows it.)
  const revealOnOpen = view.id !== 'main' && expanded === null;

  const jump = useCallback(
    (name: string, centre: Pending['centre'] = 'always', extra: readonly string[] = []): void => {
      if (!h.nodeByName.has(name) || expanded === null) return;
      let next = new Set(expanded);
      for (const n of [name, ...extra]) next = revealNode(h, next, n);
      if (next.size !== expanded.length) va.setGraphExpanded(next);
      pending.current = { name, centre };
      setSeq((s) => s + 1);
    },
    [va, h, expanded],
  );

  // A selection made anywhere shows in the drawing.
  useEffect(() => {
    // A pick from the search already asked to centre this node.
    if (selected !== null && pending.current?.name !== selected) jump(selected, 'if-hidden');
    // Only a new selection (or a new graph) reveals; expanding later must not re-trigger it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, h, revealOnOpen]);

  // Centre once the layout showing the node is drawn.
  useEffect(() => {
    const p = pending.current;
    if (!p || !scene || !viewport || size.width === 0) return;
    const node = h.nodeByName.get(p.name);
    const id = node === undefined ? -1 : (h.itemOfNode[node] as number);
    const box = scene.boxes.find((b) => b.id === id);
    if (!box) return; // not in this layout yet: the next one will have it
    pending.current = null;
    if (p.centre === 'if-hidden' && intersects(visibleWorld(viewport, size), box)) return;
    // A move of the view's own (not the user's): a linked pane does not follow it.
    va.revealViewport(centreOn(box, size, viewport.k));
  }, [va, scene, viewport, size, h, seq]);

  return jump;
}
