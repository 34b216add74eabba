/** `frost export PATH --npz FILE`: every variable into one .npz, keyed by checkpoint key. */
import { resolve } from 'node:path';
import { inputFilesOf, openSource, writeNpz, FrostError, type TensorData } from '../../core/index.js';
import { int, noExtraPositionals, parse, positional, str } from '../args.js';
import { formatBytes, plural } from '../format.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const exportHelp = `Usage: frost export PATH --npz FILE [--step N]

Writes every variable of the checkpoint into one NumPy .npz file, keyed by checkpoint key
(load with numpy.load(FILE)[key]). Tensors are streamed one at a time; string tensors
become fixed-width bytes arrays; bfloat16 and float8 are widened to float32.

  --npz FILE  the .npz file to write (written atomically; never over an input file)
  --step N    export global step N instead of the latest`;

export async function runExport(argv: string[], io: CliIO): Promise<number> {
  const p = parse('export', argv, { npz: { type: 'string' }, step: { type: 'string' } });
  const path = positional('export', p, 0, 'PATH');
  noExtraPositionals('export', p, 1);
  const npz = str(p, 'npz');
  if (npz === undefined) throw new UsageError('frost export: --npz FILE is required.');
  const step = int('export', p, 'step');
  const source = await openSource(path, step === undefined ? {} : { step });
  try {
    const reader = source.reader;
    if (!reader) throw new FrostError('TENSOR_NOT_FOUND', `${source.path} has no checkpoint variables to export.`, { file: source.path });
    const entries = reader.list().filter((e) => !e.opaque);
    const skipped = reader.list().length - entries.length;
    let bytes = 0;
    async function* tensors(): AsyncGenerator<{ key: string; data: TensorData }> {
      for (const e of entries) {
        const data = await reader!.read(e.key);
        bytes += e.bytes;
        yield { key: e.key, data };
      }
    }
    const out = resolve(npz);
    await writeNpz(out, tensors(), { inputs: inputFilesOf(source) });
    io.out(`Wrote ${plural(entries.length, 'tensor')} (${formatBytes(bytes)}) to ${out}${skipped ? `; skipped ${plural(skipped, 'resource/variant entry', 'resource/variant entries')}` : ''}.`);
  } finally {
    await source.close();
  }
  return 0;
}
