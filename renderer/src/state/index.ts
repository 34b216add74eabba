export { actions, store, useFrost } from './instance.js';
export { visibleVariables, stepSelection, variableMatches } from './selectors.js';
export { PANEL_LIMITS } from './persist.js';
export type * from './types.js';
export { ZOOM_STEP } from './slices/graph-view.js';
export { mainGraphView, GraphViewProvider, useGraphView, createComparePane } from './graph-view-binding.js';
export type { GraphViewBinding, GraphViewFields, NodeDecoration, PaneView } from './pane-view.js';
