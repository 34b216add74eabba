/**
 * Text of a diff (shared/model/diff.ts) as `frost diff` prints it and the Compare view shows it:
 * one module, so the CLI and the UI can never disagree on a number.
 */
import type { GraphNodeDiff, NodeDiffKind, VariableDiff, WeightDelta } from './model/diff.js';

/** The order kinds are listed in (most interesting first). */
export const DIFF_KIND_ORDER: readonly NodeDiffKind[] = ['changed', 'renamed', 'frozen', 'cut', 'added', 'removed'];

/** A delta statistic: 4 significant digits, exponent for tiny/huge ones, '-' for null. */
export function formatDelta(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax < 1e-3 || ax >= 1e6) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** Cosine similarity with 6 decimals ('-' for null). */
export const formatCosine = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(6));

/** The share of changed elements: "0%", "37.5%", "2.0e-3%". */
export function formatChangedPercent(d: WeightDelta): string {
  if (d.changed === 0) return '0%';
  const pct = d.changedPercent;
  return `${pct < 0.1 ? pct.toExponential(1) : String(Number(pct.toPrecision(3)))}%`;
}

/** What happened to one node, in one line ("op: MatMul → BatchMatMul", "VarHandleOp → Const; value = checkpoint"). */
export function describeNodeDiff(n: GraphNodeDiff): string {
  if (n.changes?.length) {
    return n.changes.map((c) => `${c.key ? `${c.field} ${c.key}` : c.field}: ${c.before || '∅'} → ${c.after || '∅'}`).join('; ');
  }
  const parts: string[] = [];
  if (n.opA && n.opB && n.opA !== n.opB) parts.push(`${n.opA} → ${n.opB}`);
  else if (n.opA ?? n.opB) parts.push(n.opA ?? n.opB ?? '');
  if (n.value === 'same') parts.push('value = checkpoint');
  if (n.value === 'differs') parts.push('value ≠ checkpoint');
  if (n.weights) parts.push(`max abs Δ ${formatDelta(n.weights.maxAbs)}, ${formatChangedPercent(n.weights)} changed`);
  if (n.note && n.kind !== 'frozen') parts.push(n.note);
  return parts.join('; ');
}

/** Why a variable has no deltas ('' when it was compared). */
export function variableStatusText(v: VariableDiff): string {
  switch (v.status) {
    case 'compared':
      return '';
    case 'dtype':
      return 'dtype differs';
    case 'shape':
      return 'shape differs';
    case 'skipped':
      return 'not comparable';
    default:
      return v.problem ?? v.status;
  }
}
