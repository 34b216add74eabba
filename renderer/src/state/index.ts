export { actions, store, useFrost } from './instance.js';
export { visibleVariables, stepSelection, variableMatches } from './selectors.js';
export { PANEL_LIMITS } from './persist.js';
export type * from './types.js';
export { ZOOM_STEP } from './slices/graph-view.js';
