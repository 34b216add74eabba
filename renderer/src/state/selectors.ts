/** Derived views of the state: pure functions, memoized by the components that call them. */
import type { VariableJSON } from '../../../shared/model/inspect-report.js';
import { compareNames } from '../graph/graph-index.js';
import type { VariableSort } from './types.js';

/** Does a variable match the table's filter? Name, readable TF2 name or dtype, case-insensitive. */
export function variableMatches(v: VariableJSON, filter: string): boolean {
  const q = filter.trim().toLowerCase();
  return q === '' || v.name.toLowerCase().includes(q) || (v.displayName?.toLowerCase().includes(q) ?? false) || v.dtype.toLowerCase() === q;
}

/** The variables table's rows: filtered, then sorted (ties broken by name). */
export function visibleVariables(all: readonly VariableJSON[], sort: VariableSort, filter: string): VariableJSON[] {
  const rows = all.filter((v) => variableMatches(v, filter));
  const sign = sort.dir === 'asc' ? 1 : -1;
  const byName = (a: VariableJSON, b: VariableJSON) => compareNames(a.displayName ?? a.name, b.displayName ?? b.name);
  const primary: (a: VariableJSON, b: VariableJSON) => number =
    sort.key === 'bytes' ? (a, b) => a.bytes - b.bytes : sort.key === 'dtype' ? (a, b) => compareNames(a.dtype, b.dtype) : byName;
  return rows.sort((a, b) => sign * primary(a, b) || byName(a, b));
}

/** The key `delta` rows away from `current` in `rows` (clamped); the first row when nothing is selected. */
export function stepSelection(rows: readonly { name: string }[], current: string | null, delta: number): string | null {
  if (rows.length === 0) return null;
  const at = current === null ? -1 : rows.findIndex((r) => r.name === current);
  const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
  return rows[next]!.name;
}
