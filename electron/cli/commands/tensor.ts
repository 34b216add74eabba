/** `frost tensor PATH NAME [--npy FILE] [--json]`: one tensor's dtype, shape, stats, histogram and values. */
import { resolve } from 'node:path';
import { computeHistogram, computeStats, findTensor, formatShape, inputFilesOf, openSource, writeNpy, dtypeName, elementCount } from '../../core/index.js';
import { previewTensor } from '../../core/tensor/preview.js';
import { formatNumber, type TensorData } from '../../core/tensor/tensor-data.js';
import { flag, int, noExtraPositionals, parse, positional, str } from '../args.js';
import { formatBytes } from '../format.js';
import { printJSON, type CliIO } from '../io.js';

export const tensorHelp = `Usage: frost tensor PATH NAME [--npy FILE] [--json] [--step N]

Prints one tensor: dtype, shape, statistics (min, max, mean, std, zeros), a histogram and a
numpy-style preview. NAME is a checkpoint key, a TF2 readable name, or a Const node of a
(frozen) graph.

  --npy FILE  also write the tensor as a NumPy .npy file (bfloat16 and float8 are widened
              to float32, strings become fixed-width bytes)
  --json      print the result as JSON
  --step N    read from global step N instead of the latest`;

function byteLength(t: TensorData): number {
  return t.kind === 'numeric' ? t.bytes.length : t.strings.reduce((n, s) => n + s.length, 0);
}

export async function runTensor(argv: string[], io: CliIO): Promise<number> {
  const p = parse('tensor', argv, { npy: { type: 'string' }, json: { type: 'boolean' }, step: { type: 'string' } });
  const path = positional('tensor', p, 0, 'PATH');
  const name = positional('tensor', p, 1, 'NAME (a checkpoint key; see frost inspect PATH)');
  noExtraPositionals('tensor', p, 2);
  const step = int('tensor', p, 'step');
  const source = await openSource(path, step === undefined ? {} : { step });
  try {
    const found = await findTensor(source, name);
    const t = found.data;
    const npy = str(p, 'npy');
    if (npy !== undefined) await writeNpy(resolve(npy), t, { inputs: inputFilesOf(source) });
    const stats = t.kind === 'numeric' ? computeStats(t) : undefined;
    const hist = t.kind === 'numeric' && stats ? computeHistogram(t, 10, stats) : undefined;
    if (flag(p, 'json')) {
      printJSON(io, {
        name: found.name,
        origin: found.origin,
        dtype: dtypeName(t.dtype),
        shape: t.shape,
        elements: elementCount(t.shape),
        bytes: byteLength(t),
        ...(stats ? { stats } : {}),
        ...(hist ? { histogram: hist } : {}),
        preview: previewTensor(t),
        ...(npy ? { npy: resolve(npy) } : {}),
      });
      return 0;
    }
    const lines = [`${found.name}  ${dtypeName(t.dtype)}  ${formatShape(t.shape)}  ${elementCount(t.shape)} elements, ${formatBytes(byteLength(t))}${found.origin === 'graph-const' ? '  (Const node in the graph)' : ''}`];
    if (stats) {
      const pct = stats.count ? ((100 * stats.zeros) / stats.count).toFixed(1) : '0.0';
      lines.push(`  min ${formatNumber(stats.min)}  max ${formatNumber(stats.max)}  mean ${formatNumber(stats.mean)}  std ${formatNumber(stats.std)}  zeros ${stats.zeros} (${pct}%)${stats.nan ? `  nan ${stats.nan}` : ''}${stats.inf ? `  inf ${stats.inf}` : ''}${stats.sampled ? `  (sampled ${stats.count} elements)` : ''}`);
    }
    if (hist && hist.counts.length) {
      const peak = Math.max(...hist.counts);
      lines.push('  histogram:');
      hist.counts.forEach((c, i) => {
        const lo = formatNumber(hist.edges[i] as number).padStart(12);
        const hi = formatNumber(hist.edges[i + 1] as number).padStart(12);
        const bar = '█'.repeat(peak ? Math.round((30 * c) / peak) : 0);
        lines.push(`    [${lo}, ${hi}${i === hist.counts.length - 1 ? ']' : ')'} ${bar} ${c}`);
      });
    }
    lines.push('  values:', previewTensor(t).split('\n').map((l) => `    ${l}`).join('\n'));
    if (npy) lines.push(`Wrote ${resolve(npy)}`);
    io.out(lines.join('\n'));
  } finally {
    await source.close();
  }
  return 0;
}
