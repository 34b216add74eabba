import { graphIndex } from '../../graph/graph-index.js';
import type { SelectionSlice } from '../types.js';
import type { ActionContext } from './context.js';
import type { AppActions } from './app.js';

export const selectionInitial = (): SelectionSlice => ({ selectedNode: null, selectedVariable: null, tensor: null, tensorSave: null });

export type SelectionActions = ReturnType<typeof createSelectionActions>;

export function createSelectionActions(ctx: ActionContext, app: () => AppActions) {
  let tensorSeq = 0;

  /** Reads the summary of tensor `name` for the properties panel; a newer request wins. */
  async function loadTensor(name: string): Promise<void> {
    const { sourceId } = ctx.get();
    if (sourceId === null) return;
    const seq = ++tensorSeq;
    ctx.set({ tensor: { name, status: 'loading' } });
    const res = await ctx.client.call('tensor:get', { sourceId, name });
    if (seq !== tensorSeq || ctx.get().sourceId !== sourceId) return;
    if (res.ok) {
      ctx.set({ tensor: { name, status: 'ready', summary: res.value } });
    } else {
      ctx.set({ tensor: { name, status: 'error', problem: res.error } });
      app().reportProblem(`Could not read ${name}`, res.error);
    }
  }

  /**
   * Selects graph node `name` (null clears): opens its group so the outline can show it and,
   * for a variable node, loads the value of its checkpoint key.
   */
  function selectNode(name: string | null): void {
    if (name === null) return clearSelection();
    const { graph, expandedGroups } = ctx.get();
    const node = graph ? graphIndex(graph).byName.get(name) : undefined;
    if (!graph || !node) return;
    const group = graphIndex(graph).groupOf(name);
    const key = node.checkpointKey ?? null;
    ctx.set({
      selectedNode: name,
      selectedVariable: key,
      ...(expandedGroups.includes(group) ? {} : { expandedGroups: [...expandedGroups, group] }),
      ...(key === null ? { tensor: null } : {}),
    });
    if (key === null) tensorSeq++;
    else if (ctx.get().tensor?.name !== key) void loadTensor(key);
  }

  /** Selects the variable with checkpoint key `key` and loads its value. */
  function selectVariable(key: string): void {
    const { report, tensor } = ctx.get();
    if (!report?.variables.some((v) => v.name === key)) return;
    ctx.set({ selectedVariable: key, selectedNode: null });
    if (tensor?.name !== key || tensor.status === 'error') void loadTensor(key);
  }

  /**
   * "Save as .npy": the core writes the tensor as a NumPy file; the browser then downloads it,
   * Electron offers a Save dialog (`freeze:save` saves any download of the service).
   */
  async function saveTensorNpy(name: string): Promise<void> {
    const { sourceId } = ctx.get();
    if (sourceId === null) return;
    const set = (s: NonNullable<SelectionSlice['tensorSave']>): void => ctx.set({ tensorSave: s });
    set({ name, status: 'saving' });
    const res = await ctx.client.call('tensor:npy', { sourceId, name });
    if (!res.ok) {
      set({ name, status: 'failed' });
      app().reportProblem(`Could not save ${name} as .npy`, res.error);
      return;
    }
    if (ctx.client.transport === 'http') {
      set({ name, status: ctx.client.downloadFile(res.value.downloadId) ? 'downloaded' : 'failed' });
      return;
    }
    const saved = await ctx.client.call('freeze:save', { downloadId: res.value.downloadId });
    if (!saved.ok) {
      set({ name, status: 'failed' });
      app().reportProblem(`Could not save ${name} as .npy`, saved.error);
    } else set(saved.value.saved ? { name, status: 'saved', ...(saved.value.path ? { path: saved.value.path } : {}) } : { name, status: 'not-saved' });
  }

  function clearSelection(): void {
    tensorSeq++;
    ctx.set(selectionInitial());
  }

  return { selectNode, selectVariable, clearSelection, loadTensor, saveTensorNpy };
}
