/** `frost diff A B [--json] [--steps N,M]`: graph and checkpoint differences between two sources. */
import { basename } from 'node:path';
import type { DiffResult, GraphDiff, VariableDiff } from '../../../shared/model/diff.js';
import { DIFF_KIND_ORDER as KIND_ORDER, describeNodeDiff as describeNode, formatChangedPercent as percent, formatCosine, formatDelta, variableStatusText } from '../../../shared/diff-format.js';
import { diffSources, openSource, type Source } from '../../core/index.js';
import { flag, int, parse, str } from '../args.js';
import { plural, table } from '../format.js';
import { printJSON, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const diffHelp = `Usage: frost diff A B [--json] [--limit N]
       frost diff FOLDER --steps N,M [--json]

Compares two things Frost opens (checkpoint folders, prefixes, .meta/.pb/.pbtxt graphs,
SavedModels). Graphs: nodes are matched by name, then by structure (op + matched inputs)
for renamed ones, and classified as added, removed, changed (op, inputs, attrs, device,
dtype, shape), renamed, or — when B is a frozen form of A — frozen (variable → Const,
checked against A's checkpoint) and cut (dequeue → placeholder). Checkpoints: per variable,
dtype/shape changes and value deltas B − A (max abs, mean abs, relative L2, cosine
similarity, % of elements changed), streamed over the data shards.

  --json        print the whole diff as JSON
  --steps N,M   compare global steps N and M of one checkpoint folder (A), or A at step N
                with B at step M
  --limit N     list at most N nodes and N variables in the table (default 40)
  --graph-only  skip the checkpoint comparison
  --tags T      SavedModel tag set, comma-separated (default: serve)`;

function parseSteps(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+),(\d+)$/.exec(v.trim());
  if (!m) throw new UsageError(`frost diff: --steps takes two step numbers, N,M (e.g. --steps 500,1000), not "${v}".`);
  return [Number(m[1]), Number(m[2])];
}

export async function runDiff(argv: string[], io: CliIO): Promise<number> {
  const p = parse('diff', argv, {
    json: { type: 'boolean' },
    steps: { type: 'string' },
    limit: { type: 'string' },
    'graph-only': { type: 'boolean' },
    tags: { type: 'string' },
  });
  const steps = parseSteps(str(p, 'steps'));
  const [pathA, pathBIn, extra] = p.positionals;
  if (extra !== undefined) throw new UsageError(`frost diff: unexpected argument "${extra}".`);
  if (pathA === undefined) throw new UsageError('frost diff: missing A and B (two checkpoints, folders or graphs).');
  if (pathBIn === undefined && !steps) throw new UsageError('frost diff: missing B (or pass --steps N,M to compare two steps of one folder).');
  const pathB = pathBIn ?? pathA;
  const limit = int('diff', p, 'limit') ?? 40;
  const tags = str(p, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean);
  const optsA = { ...(steps ? { step: steps[0] } : {}), ...(tags ? { tags } : {}) };
  const optsB = { ...(steps ? { step: steps[1] } : {}), ...(tags ? { tags } : {}) };
  const a = await openSource(pathA, optsA);
  let b: Source | undefined;
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    b = await openSource(pathB, optsB);
    const result = await diffSources(a, b, { signal: controller.signal, graphOnly: flag(p, 'graph-only') });
    if (flag(p, 'json')) printJSON(io, result);
    else io.out(renderDiff(result, limit));
  } finally {
    process.off('SIGINT', onSigint);
    await a.close();
    await b?.close();
  }
  return 0;
}

const num = formatDelta;

function renderGraph(g: GraphDiff, limit: number): string[] {
  const lines: string[] = [];
  lines.push(`Graph: ${g.nodesA} → ${g.nodesB} nodes${g.freezing ? ' (B is a frozen form of A)' : ''}, compared in ${g.ms.toFixed(0)} ms`);
  const kinds = [...KIND_ORDER, 'unchanged' as const].filter((k) => g.counts[k] > 0).map((k) => `${k} ${g.counts[k]}`);
  lines.push(`  ${kinds.join(', ') || 'no nodes'}`);
  if (g.freezing && (g.freezeNormalized.devicesCleared || g.freezeNormalized.refTypesDropped)) {
    lines.push(`  not counted as changes (freezing does them): ${plural(g.freezeNormalized.devicesCleared, 'device cleared', 'devices cleared')}, ${plural(g.freezeNormalized.refTypesDropped, 'ref dtype dropped', 'ref dtypes dropped')}`);
  }
  const scopes = g.scopes.filter((s) => s.added + s.removed + s.changed + s.renamed + s.frozen + s.cut > 0);
  if (scopes.length > 0) {
    lines.push('', 'By scope:');
    const shown = scopes.slice(0, limit);
    lines.push(table([['SCOPE', 'ADDED', 'REMOVED', 'CHANGED', 'RENAMED', 'FROZEN', 'CUT', 'UNCHANGED'], ...shown.map((s) => [s.scope || '(root)', ...[s.added, s.removed, s.changed, s.renamed, s.frozen, s.cut, s.unchanged].map(String)])]));
    if (scopes.length > shown.length) lines.push(`  … ${scopes.length - shown.length} more`);
  }
  if (g.nodes.length > 0) {
    const ordered = [...g.nodes].sort((x, y) => KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind));
    const shown = ordered.slice(0, limit);
    lines.push('', 'Nodes:');
    lines.push(table([['KIND', 'A', 'B', 'WHAT'], ...shown.map((n) => [n.kind, n.a ?? '-', n.b === undefined ? '-' : n.b === n.a ? '=' : n.b, describeNode(n)])]));
    if (ordered.length > shown.length) lines.push(`  … ${ordered.length - shown.length} more (--json lists them all)`);
  }
  return lines;
}

function shapeText(s: number[]): string {
  return `[${s.join(', ')}]`;
}

function variableRow(v: VariableDiff): string[] {
  const type = v.dtypeA === v.dtypeB && shapeText(v.shapeA) === shapeText(v.shapeB) ? `${v.dtypeA} ${shapeText(v.shapeA)}` : `${v.dtypeA} ${shapeText(v.shapeA)} → ${v.dtypeB} ${shapeText(v.shapeB)}`;
  const d = v.delta;
  if (v.status !== 'compared' || !d) {
    return [v.key, type, '-', '-', '-', '-', variableStatusText(v)];
  }
  return [v.key + (v.partitioned ? ' (partitioned)' : ''), type, num(d.maxAbs), num(d.meanAbs), num(d.relL2), formatCosine(d.cosine), percent(d)];
}

export function renderDiff(r: DiffResult, limit = 40): string {
  const lines: string[] = [`A: ${r.a.path}`, `B: ${r.b.path}`];
  if (r.graph) lines.push('', ...renderGraph(r.graph, limit));
  const c = r.checkpoint;
  if (c) {
    const name = (s: { prefix: string; step?: number }): string => `${basename(s.prefix)}${s.step === undefined ? '' : ` (step ${s.step})`}`;
    lines.push('', `Checkpoint: ${name(c.a)} → ${name(c.b)}: ${plural(c.totals.compared, 'variable')} compared, ${c.totals.changed} changed, ${c.totals.unchanged} unchanged` +
      `${c.totals.mismatched ? `, ${c.totals.mismatched} with another dtype/shape` : ''}${c.totals.unreadable ? `, ${c.totals.unreadable} unreadable` : ''} (${(c.ms / 1000).toFixed(2)} s)`);
    if (c.variables.length > 0) {
      const shown = c.variables.slice(0, limit);
      lines.push(table([['VARIABLE', 'TYPE', 'MAX ABS', 'MEAN ABS', 'REL L2', 'COSINE', 'CHANGED'], ...shown.map(variableRow)]));
      if (c.variables.length > shown.length) lines.push(`  … ${c.variables.length - shown.length} more (--json lists them all)`);
    }
    for (const [label, list] of [['only in A', c.onlyInA], ['only in B', c.onlyInB]] as const) {
      if (list.length === 0) continue;
      const shown = list.slice(0, limit).map((e) => `${e.key} ${e.dtype} ${shapeText(e.shape)}`);
      lines.push(`  ${label} (${list.length}): ${shown.join(', ')}${list.length > shown.length ? `, … ${list.length - shown.length} more` : ''}`);
    }
  }
  for (const n of r.notes) lines.push('', n);
  return lines.join('\n');
}
