/** `frost outputs PATH [--json]`: the likely outputs and inputs of a graph, ranked, with reasons. */
import { openSource } from '../../core/index.js';
import { suggestOutputs } from '../../core/freeze/outputs.js';
import { flag, int, noExtraPositionals, parse, positional, str } from '../args.js';
import { table } from '../format.js';
import { outputTensorName } from '../../../shared/model/output-ranking.js';
import { printJSON, type CliIO } from '../io.js';
import { FrostError } from '../../core/index.js';

export const outputsHelp = `Usage: frost outputs PATH [--json] [--all] [--step N] [--tags T]

Ranks the nodes that are likely the model's outputs (prediction heads such as softmax or
logits, SavedModel signature outputs) and its likely inputs (placeholders, queue dequeues,
tf.data iterators), each with the reasons. Use the names with frost freeze --outputs.

  --json     print the ranking as JSON
  --all      list every candidate, not just the top 10
  --step N   the graph of checkpoint step N of a folder
  --tags T   the SavedModel MetaGraph with these tags, comma-separated (default: serve)`;

export async function runOutputs(argv: string[], io: CliIO): Promise<number> {
  const p = parse('outputs', argv, { json: { type: 'boolean' }, all: { type: 'boolean' }, step: { type: 'string' }, tags: { type: 'string' } });
  const path = positional('outputs', p, 0, 'PATH');
  noExtraPositionals('outputs', p, 1);
  const step = int('outputs', p, 'step');
  const tags = str(p, 'tags')?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const source = await openSource(path, { ...(step === undefined ? {} : { step }), ...(tags && tags.length > 0 ? { tags } : {}) });
  try {
    if (!source.graph) throw new FrostError('USAGE', `${source.path} has no graph (.meta, .pb or SavedModel) to rank outputs in.`, { file: source.path });
    const ranked = suggestOutputs(source.graph);
    if (flag(p, 'json')) {
      printJSON(io, ranked);
      return 0;
    }
    const limit = flag(p, 'all') ? Infinity : 10;
    const shape = (s: number[] | null | undefined): string => (s === undefined ? '' : s === null ? '<unknown>' : `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]`);
    io.out(`Likely outputs (${ranked.outputs.length}):`);
    io.out(ranked.outputs.length ? table(ranked.outputs.slice(0, limit).map((o, i) => [`${i + 1}.`, outputTensorName(o), o.op, `${o.dtype ?? ''} ${shape(o.shape)}`.trim(), o.reasons.join('; ')])) : '  (none found)');
    io.out(`\nLikely inputs (${ranked.inputs.length}):`);
    io.out(ranked.inputs.length ? table(ranked.inputs.slice(0, limit).map((o) => [o.name, o.kind, `${o.dtype ?? ''} ${shape(o.shape)}`.trim(), o.reasons.join('; ')])) : '  (none found)');
  } finally {
    await source.close();
  }
  return 0;
}
