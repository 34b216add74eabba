/**
 * Finds a tensor by the name a user types: a checkpoint key, a TF2 readable name, a tensor
 * name with its `:0`, or the name of a Const node in the graph (frozen graphs keep their
 * weights there). A miss lists the closest names so a typo is easy to fix.
 */
import { FrostError } from '../errors.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import type { TensorData } from '../tensor/tensor-data.js';
import type { Source } from './open-source.js';

export interface FoundTensor {
  /** The checkpoint key or node name it was found under. */
  name: string;
  origin: 'checkpoint' | 'graph-const';
  data: TensorData;
}

export async function findTensor(source: Source, wanted: string): Promise<FoundTensor> {
  const reader = source.reader;
  const candidates = [wanted, wanted.replace(/:0$/, '')];
  if (reader) {
    for (const key of candidates) {
      if (reader.get(key)) return { name: key, origin: 'checkpoint', data: await reader.read(key) };
    }
    for (const [key, display] of source.displayNames) {
      if (candidates.includes(display)) return { name: key, origin: 'checkpoint', data: await reader.read(key) };
    }
  }
  const nodes = source.graph?.graphDef.node ?? [];
  for (const name of candidates) {
    const node = nodes.find((n) => n.name === name);
    const tensor = node?.op === 'Const' ? node.attr?.['value']?.tensor : undefined;
    if (node && tensor) return { name, origin: 'graph-const', data: tensorFromProto(tensor, `node ${name} of ${source.graph?.file ?? ''}`) };
  }
  const known = [
    ...(reader?.list().map((e) => e.key) ?? []),
    ...source.displayNames.values(),
    ...nodes.filter((n) => n.op === 'Const').map((n) => n.name ?? ''),
  ];
  const near = closestNames(wanted, known, 5);
  const hint = near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : '';
  throw new FrostError('TENSOR_NOT_FOUND', `No tensor named "${wanted}" in ${source.path}.${hint}`, { file: source.path });
}

/** Names sharing the most with `wanted`: substring matches first, then small edit distance. */
export function closestNames(wanted: string, names: Iterable<string>, count: number): string[] {
  const w = wanted.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(names)) {
    const n = name.toLowerCase();
    let score: number;
    if (n.includes(w) || w.includes(n)) score = Math.abs(n.length - w.length) / 100;
    else if (n.length > 200 || w.length > 200) continue;
    else score = 1 + editDistance(n, w) / Math.max(n.length, w.length);
    if (score < 1.5) scored.push({ name, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).slice(0, count).map((s) => s.name);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
