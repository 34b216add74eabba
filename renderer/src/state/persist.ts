/**
 * Which UI fields outlive the window, in one typed table (style anchors item 11): every field
 * of UiSlice must be classified, so a new field cannot be persisted (or forgotten) by accident.
 * - `persisted`: a preference, saved in localStorage and restored on start.
 * - `document`: belongs to the open source; reset when another source opens.
 * - `ephemeral`: transient; never saved.
 */
import type { ThemeChoice, UiSlice, VariableSort } from './types.js';

export type Persistence = 'persisted' | 'document' | 'ephemeral';

interface FieldPolicy<T> {
  persistence: Persistence;
  /** For persisted fields: turns a stored value back into a valid one (undefined = ignore it). */
  parse?: (raw: unknown) => T | undefined;
}

export const PANEL_LIMITS = { min: 220, max: 720 } as const;

const clampWidth = (raw: unknown): number | undefined =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.round(Math.min(PANEL_LIMITS.max, Math.max(PANEL_LIMITS.min, raw))) : undefined;

const bool = (raw: unknown): boolean | undefined => (typeof raw === 'boolean' ? raw : undefined);

const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export const UI_FIELDS: { [K in keyof UiSlice]: FieldPolicy<UiSlice[K]> } = {
  theme: { persistence: 'persisted', parse: (raw) => (THEMES.includes(raw as ThemeChoice) ? (raw as ThemeChoice) : undefined) },
  leftWidth: { persistence: 'persisted', parse: clampWidth },
  rightWidth: { persistence: 'persisted', parse: clampWidth },
  leftOpen: { persistence: 'persisted', parse: bool },
  rightOpen: { persistence: 'persisted', parse: bool },
  shortcutsOpen: { persistence: 'ephemeral' },
  variableSort: {
    persistence: 'persisted',
    parse: (raw) => {
      const r = raw as Partial<VariableSort> | null;
      const keyOk = r?.key === 'name' || r?.key === 'dtype' || r?.key === 'bytes';
      const dirOk = r?.dir === 'asc' || r?.dir === 'desc';
      return keyOk && dirOk ? { key: r.key!, dir: r.dir! } : undefined;
    },
  },
  variableFilter: { persistence: 'document' },
  graphQuery: { persistence: 'document' },
  expandedGroups: { persistence: 'document' },
};

export const UI_DEFAULTS: UiSlice = {
  theme: 'system',
  leftWidth: 420,
  rightWidth: 400,
  leftOpen: true,
  rightOpen: true,
  shortcutsOpen: false,
  variableSort: { key: 'name', dir: 'asc' },
  variableFilter: '',
  graphQuery: '',
  expandedGroups: [],
};

export const STORAGE_KEY = 'frost.ui.v1';

/** The part of localStorage we use; tests pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const fieldsWith = (p: Persistence) => (Object.keys(UI_FIELDS) as (keyof UiSlice)[]).filter((k) => UI_FIELDS[k].persistence === p);
export const PERSISTED_FIELDS = fieldsWith('persisted');
export const DOCUMENT_FIELDS = fieldsWith('document');

/** Reads saved preferences; anything missing, stale or malformed falls back to the default. */
export function loadPrefs(storage: KeyValueStorage | null): Partial<UiSlice> {
  if (!storage) return {};
  let saved: Record<string, unknown>;
  try {
    const text = storage.getItem(STORAGE_KEY);
    if (text === null) return {};
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    saved = parsed as Record<string, unknown>;
  } catch {
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const key of PERSISTED_FIELDS) {
    const value = UI_FIELDS[key].parse?.(saved[key]);
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<UiSlice>;
}

/** The persisted fields of `ui` as the JSON text we store. */
export function serializePrefs(ui: UiSlice): string {
  const out: Record<string, unknown> = {};
  for (const key of PERSISTED_FIELDS) out[key] = ui[key];
  return JSON.stringify(out);
}

/** The document fields at their defaults (applied when a new source opens). */
export function documentDefaults(): Partial<UiSlice> {
  const out: Record<string, unknown> = {};
  for (const key of DOCUMENT_FIELDS) out[key] = UI_DEFAULTS[key];
  return out as Partial<UiSlice>;
}
