/** `frost inspect PATH [--json] [--step N]`: what is in a checkpoint folder, file or graph. */
import { basename } from 'node:path';
import type { InspectReport } from '../../../shared/model/inspect-report.js';
import { inspectSource, openSource, verifySource } from '../../core/index.js';
import { flag, int, noExtraPositionals, parse, positional, str } from '../args.js';
import { formatBytes, plural, table } from '../format.js';
import { printJSON, type CliIO } from '../io.js';

export const inspectHelp = `Usage: frost inspect PATH [--json] [--step N] [--tags serve]

Shows what PATH holds: format, checkpoint steps, every variable (checkpoint key, dtype,
shape, bytes), the graph (node count, ops, collections, queue runners, signatures) and
warnings. PATH may be a checkpoint folder, a prefix (model.ckpt-1234), any file of a
checkpoint, a .meta/.pb/.pbtxt graph or a SavedModel folder.

  --json      print the report as JSON
  --verify    also check every tensor's stored checksum (exit code 1 if any is damaged)
  --step N    open global step N instead of the latest
  --tags T    SavedModel tag set, comma-separated (default: serve)`;

const FORMAT_NAMES: Record<InspectReport['format'], string> = {
  'checkpoint-folder': 'checkpoint folder',
  'checkpoint-v2': 'TensorFlow V2 checkpoint',
  'checkpoint-v1': 'TensorFlow V1 checkpoint (SavedTensorSlices)',
  'checkpoint-tf2': 'TensorFlow 2 object-based checkpoint',
  'meta-graph': 'MetaGraphDef (.meta)',
  'graph-def': 'GraphDef (.pb)',
  'graph-def-text': 'text GraphDef (.pbtxt)',
  'saved-model': 'SavedModel',
};

export async function runInspect(argv: string[], io: CliIO): Promise<number> {
  const p = parse('inspect', argv, { json: { type: 'boolean' }, verify: { type: 'boolean' }, step: { type: 'string' }, tags: { type: 'string' } });
  const path = positional('inspect', p, 0, 'PATH (a checkpoint folder, prefix or graph file)');
  noExtraPositionals('inspect', p, 1);
  const step = int('inspect', p, 'step');
  const tags = str(p, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean);
  const source = await openSource(path, { ...(step === undefined ? {} : { step }), ...(tags ? { tags } : {}) });
  try {
    const report = inspectSource(source);
    if (flag(p, 'verify')) report.verified = await verifySource(source);
    if (flag(p, 'json')) printJSON(io, report);
    else io.out(renderInspect(report));
    return report.verified?.damaged.length ? 1 : 0;
  } finally {
    await source.close();
  }
}

export function renderInspect(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${r.path}`);
  const fmt = r.checkpointFormat ? `${FORMAT_NAMES[r.format]}, ${r.checkpointFormat === 'v1' ? 'V1 tensors' : r.checkpointFormat === 'tf2-object' ? 'TF2 object-based keys' : 'V2 bundle'}` : FORMAT_NAMES[r.format];
  lines.push(`  Format: ${fmt}`);
  if (r.prefix) lines.push(`  Checkpoint: ${r.prefix}`);
  if (r.checkpoints.length > 0) {
    lines.push('', `Checkpoints (${r.checkpoints.length}):`);
    lines.push(
      table(
        r.checkpoints.map((c) => [
          c.prefix === r.prefix ? '*' : ' ',
          c.step === undefined ? '-' : `step ${c.step}`,
          basename(c.prefix),
          [c.latest ? 'latest' : '', c.present ? '' : 'files missing'].filter(Boolean).join(', '),
        ]),
      ),
    );
  }
  lines.push('', `Variables (${r.variables.length}, ${formatBytes(r.totalBytes)}):`);
  if (r.variables.length === 0) lines.push('  (none)');
  else {
    lines.push(
      table([
        ['NAME', 'DTYPE', 'SHAPE', 'BYTES', ''],
        ...r.variables.map((v) => [
          v.name,
          v.dtype,
          `[${v.shape.join(', ')}]`,
          String(v.bytes),
          [v.displayName ? `= ${v.displayName}` : '', v.partitions ? `${plural(v.partitions, 'partition')}` : ''].filter(Boolean).join('  '),
        ]),
      ]),
    );
  }
  const g = r.graph;
  if (g) {
    lines.push('', `Graph: ${g.file}`);
    const facts = [plural(g.nodeCount, 'node'), g.functionCount ? plural(g.functionCount, 'function') : '', g.tensorflowVersion ? `TensorFlow ${g.tensorflowVersion}` : '', g.producer !== undefined ? `producer ${g.producer}` : '', g.tags?.length ? `tags ${g.tags.join(',')}` : ''];
    lines.push(`  ${facts.filter(Boolean).join(', ')}`);
    const ops = Object.entries(g.ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`  Ops (${ops.length}): ${ops.slice(0, 24).map(([op, n]) => `${op} ${n}`).join(', ')}${ops.length > 24 ? ', …' : ''}`);
    if (g.collections.length) lines.push(`  Collections: ${g.collections.map((c) => `${c.name} (${c.size})`).join(', ')}`);
    for (const q of g.queueRunners) {
      lines.push(`  Queue runner: ${q.queue} ← ${q.enqueueOps.join(', ')}${q.closeOp ? `; close ${q.closeOp}` : ''}`);
    }
    for (const s of g.signatures) {
      const ins = s.inputs.map((t) => `${t.key}=${t.name}`).join(', ');
      const outs = s.outputs.map((t) => `${t.key}=${t.name}`).join(', ');
      lines.push(`  Signature ${s.key} (${s.method}): ${ins} → ${outs}`);
    }
  }
  if (r.verified) {
    const v = r.verified;
    lines.push('', v.damaged.length === 0
      ? `Verified: all ${plural(v.tensors, 'tensor')} (${formatBytes(v.bytes)}) match their checksums.`
      : `Verified ${plural(v.tensors, 'tensor')}: ${v.damaged.length} damaged:`);
    for (const d of v.damaged) lines.push(`  - ${d.message}`);
  }
  if (r.warnings.length) {
    lines.push('', `Warnings (${r.warnings.length}):`);
    for (const w of r.warnings) lines.push(`  - ${w.message}`);
  }
  return lines.join('\n');
}
