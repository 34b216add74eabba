/** Display formatting shared by the panels. */

export { formatBytes } from '../../../shared/format.js';

/** [4, 10] → "[4, 10]"; unknown dimensions as "?", unknown rank as "unknown". */
export function formatShape(shape: readonly number[] | null | undefined): string {
  if (shape === null || shape === undefined) return 'unknown';
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** "[-1, 64]", "-1x64", "?" (unknown rank) → dims (-1 unknown) or null; undefined when it is not a shape. */
export function parseShapeText(text: string): number[] | null | undefined {
  const t = text.trim();
  if (t === '?' || t.toLowerCase() === 'unknown') return null;
  const inner = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  if (inner.trim() === '') return [];
  const dims = inner.split(/[,x×]/).map((d) => d.trim());
  if (dims.some((d) => !/^(-1|\?|\d+)$/.test(d))) return undefined;
  return dims.map((d) => (d === '?' || d === '-1' ? -1 : Number(d)));
}

/** A statistic for display: up to 6 significant digits, exponent for very large/small values. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3);
  return String(Number(x.toPrecision(6)));
}

/** 2500 → "2,500". */
export const formatCount = (n: number): string => n.toLocaleString('en');

/** The last path segment (either separator). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

const FORMAT_NAMES: Record<string, string> = {
  'checkpoint-folder': 'Checkpoint folder',
  'checkpoint-v2': 'V2 checkpoint',
  'checkpoint-v1': 'V1 checkpoint',
  'checkpoint-tf2': 'TF2 object checkpoint',
  'meta-graph': 'MetaGraph (.meta)',
  'graph-def': 'GraphDef (.pb)',
  'graph-def-text': 'GraphDef text (.pbtxt)',
  'saved-model': 'SavedModel',
};
export const formatName = (f: string): string => FORMAT_NAMES[f] ?? f;
