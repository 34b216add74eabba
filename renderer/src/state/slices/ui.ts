import { PANEL_LIMITS } from '../persist.js';
import type { ThemeChoice, VariableSortKey } from '../types.js';
import type { ActionContext } from './context.js';

export type UiActions = ReturnType<typeof createUiActions>;

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function createUiActions(ctx: ActionContext) {
  const setTheme = (theme: ThemeChoice): void => ctx.set({ theme });
  /** system → light → dark → system. */
  const cycleTheme = (): void => setTheme(NEXT_THEME[ctx.get().theme]);

  function setPanelWidth(side: 'left' | 'right', px: number): void {
    const w = Math.round(Math.min(PANEL_LIMITS.max, Math.max(PANEL_LIMITS.min, px)));
    ctx.set(side === 'left' ? { leftWidth: w } : { rightWidth: w });
  }

  /** Sorts by `key`; choosing the current key again flips the direction. Sizes start largest first. */
  function sortVariables(key: VariableSortKey): void {
    const cur = ctx.get().variableSort;
    const dir = cur.key === key ? (cur.dir === 'asc' ? 'desc' : 'asc') : key === 'bytes' ? 'desc' : 'asc';
    ctx.set({ variableSort: { key, dir } });
  }

  const setVariableFilter = (variableFilter: string): void => ctx.set({ variableFilter });
  const setGraphQuery = (graphQuery: string): void => ctx.set({ graphQuery });

  function toggleGroup(name: string): void {
    const cur = ctx.get().expandedGroups;
    ctx.set({ expandedGroups: cur.includes(name) ? cur.filter((g) => g !== name) : [...cur, name] });
  }

  const setExpandedGroups = (names: readonly string[]): void => ctx.set({ expandedGroups: [...new Set(names)] });

  /** Shows or hides the left (source) or right (properties) panel. */
  function togglePanel(side: 'left' | 'right'): void {
    const s = ctx.get();
    ctx.set(side === 'left' ? { leftOpen: !s.leftOpen } : { rightOpen: !s.rightOpen });
  }

  const setShortcutsOpen = (shortcutsOpen: boolean): void => ctx.set({ shortcutsOpen });

  return { setTheme, cycleTheme, setPanelWidth, sortVariables, setVariableFilter, setGraphQuery, toggleGroup, setExpandedGroups, togglePanel, setShortcutsOpen };
}
