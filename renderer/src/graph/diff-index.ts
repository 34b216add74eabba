/**
 * Lookups over a DiffResult for the Compare view, the properties panel and the drawn graphs:
 * diff entries by A and B name, weight deltas by checkpoint key, the listed order, and the
 * filter of the list. Built once per result (results are immutable once received).
 */
import { DIFF_KIND_ORDER } from '../../../shared/diff-format.js';
import type { DiffResult, GraphNodeDiff, NodeDiffKind, VariableDiff } from '../../../shared/model/diff.js';
import type { CompareFilter } from '../state/types.js';

export interface DiffIndex {
  /** Every listed entry, most interesting kind first (the CLI's order), A's order within a kind. */
  ordered: readonly GraphNodeDiff[];
  byA: ReadonlyMap<string, GraphNodeDiff>;
  byB: ReadonlyMap<string, GraphNodeDiff>;
  /** Compared variables by checkpoint key. */
  variables: ReadonlyMap<string, VariableDiff>;
  /** Keys only one checkpoint has. */
  onlyIn: ReadonlyMap<string, 'a' | 'b'>;
}

const cache = new WeakMap<DiffResult, DiffIndex>();

export function diffIndex(result: DiffResult): DiffIndex {
  const hit = cache.get(result);
  if (hit) return hit;
  const nodes = result.graph?.nodes ?? [];
  const rank = new Map(DIFF_KIND_ORDER.map((k, i) => [k, i]));
  // Array.prototype.sort is stable: within a kind, the core's order (A's order, then B's) stays.
  const ordered = [...nodes].sort((x, y) => (rank.get(x.kind) ?? 0) - (rank.get(y.kind) ?? 0));
  const byA = new Map<string, GraphNodeDiff>();
  const byB = new Map<string, GraphNodeDiff>();
  for (const n of nodes) {
    if (n.a !== undefined) byA.set(n.a, n);
    if (n.b !== undefined) byB.set(n.b, n);
  }
  const c = result.checkpoint;
  const variables = new Map((c?.variables ?? []).map((v) => [v.key, v]));
  const onlyIn = new Map<string, 'a' | 'b'>([...(c?.onlyInA ?? []).map((e) => [e.key, 'a'] as const), ...(c?.onlyInB ?? []).map((e) => [e.key, 'b'] as const)]);
  const index: DiffIndex = { ordered, byA, byB, variables, onlyIn };
  cache.set(result, index);
  return index;
}

/** The top-level name scope of a node ('' at the root), as the core counts scopes. */
export function topScope(name: string): string {
  const i = name.indexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/** Every kind, the default of the list's filter. */
export const ALL_KINDS: readonly NodeDiffKind[] = DIFF_KIND_ORDER;

/** The entries the list shows for `filter` (kind chips, scope, text over names and ops). */
export function filterDiffNodes(ordered: readonly GraphNodeDiff[], filter: CompareFilter): GraphNodeDiff[] {
  const kinds = new Set(filter.kinds);
  const q = filter.text.trim().toLowerCase();
  return ordered.filter((n) => {
    if (!kinds.has(n.kind)) return false;
    if (filter.scope !== null && topScope(n.a ?? n.b ?? '') !== filter.scope) return false;
    if (q === '') return true;
    return [n.a, n.b, n.opA, n.opB].some((s) => s?.toLowerCase().includes(q) ?? false);
  });
}

/** The row id of an entry (its A name, or its B name for an added node). */
export const diffEntryId = (n: GraphNodeDiff): string => (n.a !== undefined ? `a:${n.a}` : `b:${n.b ?? ''}`);

/**
 * How hot a weight change is, 0 (none) … 1: relative L2 on a log scale from 1e-6 to 1, so a
 * step of fine-tuning and a reinitialised layer are both told apart. A change from all zeros
 * (relL2 null with changed elements) is fully hot.
 */
export function weightHeat(v: VariableDiff | undefined): number {
  const d = v?.delta;
  if (!d || d.changed === 0) return 0;
  if (d.relL2 === null) return 1;
  if (d.relL2 <= 0) return 0;
  const t = (Math.log10(d.relL2) + 6) / 6;
  return Math.min(1, Math.max(0.05, t));
}
