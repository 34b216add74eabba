import { describe, expect, it } from 'vitest';
import { documentDefaults, loadPrefs, PERSISTED_FIELDS, serializePrefs, STORAGE_KEY, UI_DEFAULTS, UI_FIELDS } from './persist.js';

const store = (value: unknown) => ({ getItem: (k: string) => (k === STORAGE_KEY ? JSON.stringify(value) : null), setItem: () => {} });

describe('UI field policy', () => {
  it('classifies every field, and every persisted field can be parsed back', () => {
    expect(Object.keys(UI_FIELDS).sort()).toEqual(Object.keys(UI_DEFAULTS).sort());
    for (const key of PERSISTED_FIELDS) expect(UI_FIELDS[key].parse?.(UI_DEFAULTS[key])).toEqual(UI_DEFAULTS[key]);
  });

  it('persists preferences only: theme, panel sizes and visibility, sort', () => {
    expect([...PERSISTED_FIELDS].sort()).toEqual(['leftOpen', 'leftWidth', 'rightOpen', 'rightWidth', 'theme', 'variableSort']);
    expect(Object.keys(documentDefaults()).sort()).toEqual(['expandedGroups', 'graphQuery', 'variableFilter']);
  });

  it('round-trips saved preferences', () => {
    const ui = { ...UI_DEFAULTS, theme: 'dark' as const, leftWidth: 333, variableSort: { key: 'bytes' as const, dir: 'desc' as const }, graphQuery: 'x' };
    const text = serializePrefs(ui);
    expect(JSON.parse(text)).not.toHaveProperty('graphQuery');
    expect(loadPrefs({ getItem: () => text, setItem: () => {} })).toEqual({ theme: 'dark', leftWidth: 333, rightWidth: 400, leftOpen: true, rightOpen: true, variableSort: { key: 'bytes', dir: 'desc' } });
  });

  it('drops malformed or out-of-range values', () => {
    expect(loadPrefs(store({ theme: 'neon', leftWidth: 99999, rightWidth: -5, leftOpen: 'yes', variableSort: { key: 'shape', dir: 'asc' } }))).toEqual({ leftWidth: 720, rightWidth: 220 });
    expect(loadPrefs(store('nonsense'))).toEqual({});
    expect(loadPrefs({ getItem: () => '{not json', setItem: () => {} })).toEqual({});
    expect(loadPrefs(null)).toEqual({});
  });
});
