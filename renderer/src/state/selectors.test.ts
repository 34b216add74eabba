import { describe, expect, it } from 'vitest';
import type { VariableJSON } from '../../../shared/model/inspect-report.js';
import { stepSelection, variableMatches, visibleVariables } from './selectors.js';

const v = (name: string, dtype: string, bytes: number, displayName?: string): VariableJSON => ({ name, dtype, shape: [], bytes, ...(displayName ? { displayName } : {}) });
const vars = [v('layer_10/w', 'float32', 400), v('layer_2/w', 'float32', 40), v('step', 'int64', 8), v('a/.ATTRIBUTES/VARIABLE_VALUE', 'float16', 40, 'dense/kernel')];

describe('visibleVariables', () => {
  it('sorts names naturally (layer_2 before layer_10), by readable name when there is one', () => {
    expect(visibleVariables(vars, { key: 'name', dir: 'asc' }, '').map((x) => x.name)).toEqual(['a/.ATTRIBUTES/VARIABLE_VALUE', 'layer_2/w', 'layer_10/w', 'step']);
    expect(visibleVariables(vars, { key: 'name', dir: 'desc' }, '').map((x) => x.name)[0]).toBe('step');
  });
  it('sorts by size and dtype with the name breaking ties', () => {
    expect(visibleVariables(vars, { key: 'bytes', dir: 'desc' }, '').map((x) => x.name)).toEqual(['layer_10/w', 'a/.ATTRIBUTES/VARIABLE_VALUE', 'layer_2/w', 'step']);
    expect(visibleVariables(vars, { key: 'dtype', dir: 'asc' }, '').map((x) => x.dtype)).toEqual(['float16', 'float32', 'float32', 'int64']);
  });
  it('filters by name, readable name or exact dtype, case-insensitively, without mutating the input', () => {
    const before = vars.map((x) => x.name);
    expect(visibleVariables(vars, { key: 'name', dir: 'asc' }, ' LAYER ').map((x) => x.name)).toEqual(['layer_2/w', 'layer_10/w']);
    expect(visibleVariables(vars, { key: 'name', dir: 'asc' }, 'dense').map((x) => x.name)).toEqual(['a/.ATTRIBUTES/VARIABLE_VALUE']);
    expect(visibleVariables(vars, { key: 'name', dir: 'asc' }, 'int64').map((x) => x.name)).toEqual(['step']);
    expect(variableMatches(vars[0]!, 'float')).toBe(false);
    expect(vars.map((x) => x.name)).toEqual(before);
  });
});

describe('stepSelection', () => {
  const rows = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
  it('moves and clamps', () => {
    expect(stepSelection(rows, 'a', 1)).toBe('b');
    expect(stepSelection(rows, 'c', 1)).toBe('c');
    expect(stepSelection(rows, 'b', -10)).toBe('a');
    expect(stepSelection(rows, 'a', 100)).toBe('c');
  });
  it('starts at the first row when nothing (or something filtered out) is selected', () => {
    expect(stepSelection(rows, null, 1)).toBe('a');
    expect(stepSelection(rows, 'zzz', -1)).toBe('a');
    expect(stepSelection([], null, 1)).toBeNull();
  });
});
