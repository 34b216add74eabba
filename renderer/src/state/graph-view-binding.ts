/**
 * Where a drawn graph keeps its view: which groups are open, pan/zoom, focus, the selected node.
 * The Graph tab's drawing uses the window's store (`mainGraphView`); each pane of the Compare
 * tab gets a pane-scoped store of its own (pane-view.ts), handed to the drawing through React
 * context, so one GraphCanvas draws any of them.
 */
import { createContext, useContext } from 'react';
import { actions, store, useFrost } from './instance.js';
import { createPaneView, type GraphViewBinding, type GraphViewFields, type PaneOptions, type PaneView } from './pane-view.js';

const useMainFields = <T>(selector: (s: GraphViewFields) => T): T => useFrost(selector);

/** The Graph tab's drawing: the window's own store. */
export const mainGraphView: GraphViewBinding = {
  id: 'main',
  label: 'Graph drawing',
  use: useMainFields,
  actions: {
    initGraphExpansion: actions.initGraphExpansion,
    expandGraphGroup: actions.expandGraphGroup,
    collapseGraphGroup: actions.collapseGraphGroup,
    setGraphExpanded: actions.setGraphExpanded,
    setGraphViewport: actions.setGraphViewport,
    revealViewport: actions.setGraphViewport,
    panGraph: actions.panGraph,
    zoomGraph: actions.zoomGraph,
    fitGraph: actions.fitGraph,
    setGraphFocus: actions.setGraphFocus,
    selectNode: actions.selectNode,
  },
};

const GraphViewContext = createContext<GraphViewBinding>(mainGraphView);
export const GraphViewProvider = GraphViewContext.Provider;

/** The view the drawing below is bound to (the main one unless a pane provides its own). */
export function useGraphView(): GraphViewBinding {
  return useContext(GraphViewContext);
}

/** A Compare pane bound to the window's store. */
export function createComparePane(options: Omit<PaneOptions, 'window'>): PaneView {
  return createPaneView({ ...options, window: store });
}
