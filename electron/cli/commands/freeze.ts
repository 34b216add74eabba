/**
 * `frost freeze`: checkpoint (+ graph) → frozen GraphDef .pb and a manifest beside it.
 * Also accepts TensorFlow freeze_graph's flag names, so existing scripts keep working.
 */
import { basename, resolve } from 'node:path';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import { FrostError, openSource } from '../../core/index.js';
import { planFreeze, writeFreeze, type FreezeOptions, type FreezePlan } from '../../core/freeze/freeze.js';
import { parseInputSpecs } from '../../core/freeze/input-spec.js';
import { verifyFreeze } from '../../core/verify/verify.js';
import type { VerifyFreezeResult } from '../../../shared/model/verify-freeze.js';
import { writeFileAtomic } from '../../core/io/atomic-write.js';
import { flag, int, noExtraPositionals, parse, str } from '../args.js';
import { formatBytes, plural } from '../format.js';
import { printJSON, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const freezeHelp = `Usage: frost freeze PATH --outputs NAME[,NAME...] [--out FILE.pb] [options]

Freezes a checkpoint into a frozen GraphDef: variables become constants (values streamed
from the checkpoint), the graph is pruned to the outputs, queue / tf.data input pipelines
are cut into typed placeholders, training-only parts are dropped, and the result is
validated before it is written (atomically). A manifest JSON is written beside the .pb.

  --outputs A,B        output nodes (or tensors, node:1)           [--output_node_names]
  --out FILE.pb        where to write (default: ./<checkpoint>-frozen.pb)  [--output_graph]
  --json               print the manifest as JSON
  --inputs SPEC,...    placeholders to create or override: name:dtype:shape, e.g.
                       batch:1:int32:[-1]  or  DecodeJpeg:uint8:[-1,-1,3]
  --keep-devices       keep device placements (default: cleared)   [--clear_devices=false]
  --no-cut-queues      keep queue dequeues instead of cutting them into placeholders
  --only V,...         freeze only these variables                 [--variable_names_whitelist]
  --except V,...       never freeze these variables                [--variable_names_blacklist]
  --step N             freeze global step N instead of the latest
  --tags T             SavedModel tag set (default: serve)         [--saved_model_tags]
  --verify             then run the original and the frozen graph with tfjs on the same
                       random inputs and print the max abs difference per output
                       (exit 1 when an output differs by more than 1e-5 or cannot run)
  --batch N            size of unknown input dimensions for --verify (default: the
                       training batch the graph recorded, else 2)

freeze_graph's --input_checkpoint, --input_meta_graph, --input_graph and
--input_saved_model_dir are accepted in place of PATH; --input_binary is ignored.`;

/** freeze_graph flag spellings → Frost's. */
const ALIASES: Record<string, string> = {
  output_node_names: 'outputs',
  output_graph: 'out',
  variable_names_whitelist: 'only',
  variable_names_allowlist: 'only',
  variable_names_blacklist: 'except',
  variable_names_denylist: 'except',
  saved_model_tags: 'tags',
};

/** Rewrites absl-style booleans (`--clear_devices=false`, `--noclear_devices`) and aliases. */
export function normalizeFreezeArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      out.push(arg);
      continue;
    }
    const [, name = '', value] = m;
    if (name === 'clear_devices' || name === 'noclear_devices') {
      const clear = name === 'clear_devices' && !/^(false|0|no)$/i.test(value ?? 'true');
      if (!clear) out.push('--keep-devices');
      continue;
    }
    if (name === 'input_binary' || name === 'noinput_binary' || name === 'restore_op_name' || name === 'filename_tensor_name' || name === 'checkpoint_version' || name === 'initializer_nodes') {
      continue; // freeze_graph flags that have no meaning here (freezing.md §2.1: deprecated or implied)
    }
    const alias = ALIASES[name];
    out.push(alias ? `--${alias}${value === undefined ? '' : `=${value}`}` : arg);
  }
  return out;
}

const list = (v: string | undefined): string[] | undefined =>
  v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);

export async function runFreeze(argvIn: string[], io: CliIO): Promise<number> {
  const argv = normalizeFreezeArgs(argvIn);
  const p = parse('freeze', argv, {
    outputs: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    inputs: { type: 'string' },
    'keep-devices': { type: 'boolean' },
    'no-cut-queues': { type: 'boolean' },
    only: { type: 'string' },
    except: { type: 'string' },
    step: { type: 'string' },
    tags: { type: 'string' },
    verify: { type: 'boolean' },
    batch: { type: 'string' },
    input_checkpoint: { type: 'string' },
    input_meta_graph: { type: 'string' },
    input_graph: { type: 'string' },
    input_saved_model_dir: { type: 'string' },
  });
  noExtraPositionals('freeze', p, 1);
  const path = p.positionals[0] ?? str(p, 'input_saved_model_dir') ?? str(p, 'input_checkpoint') ?? str(p, 'input_meta_graph') ?? str(p, 'input_graph');
  if (path === undefined) throw new UsageError('frost freeze: missing PATH (a checkpoint folder, prefix, .meta or SavedModel).');
  // freeze_graph's graph flags name the graph of the checkpoint given as PATH or --input_checkpoint.
  const graphFlag = str(p, 'input_meta_graph') ?? str(p, 'input_graph');
  const checkpointGiven = p.positionals[0] !== undefined || str(p, 'input_checkpoint') !== undefined;
  if (graphFlag !== undefined && str(p, 'input_saved_model_dir') !== undefined) throw new UsageError('frost freeze: --input_saved_model_dir holds its own graph; leave out --input_meta_graph / --input_graph.');
  const graph = checkpointGiven ? graphFlag : undefined;
  const outputs = list(str(p, 'outputs'));
  const step = int('freeze', p, 'step');
  const tags = list(str(p, 'tags'));
  const source = await openSource(path, { ...(step === undefined ? {} : { step }), ...(tags ? { tags } : {}), ...(graph ? { graph } : {}) });
  let out: string;
  try {
    if (!outputs || outputs.length === 0) {
      throw new UsageError(`frost freeze: --outputs is required. Run "frost outputs ${path}" to see the likely outputs of this graph.`);
    }
    let specs;
    try {
      specs = str(p, 'inputs') === undefined ? undefined : parseInputSpecs(str(p, 'inputs') as string);
    } catch (e) {
      if (e instanceof FrostError) throw new UsageError(`frost freeze: ${e.message}`);
      throw e;
    }
    const only = list(str(p, 'only'));
    const except = list(str(p, 'except'));
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    let plan: FreezePlan;
    let manifest: FreezeManifest;
    try {
      const options: FreezeOptions = {
        outputs,
        ...(specs ? { inputs: specs } : {}),
        keepDevices: flag(p, 'keep-devices'),
        cutQueues: !flag(p, 'no-cut-queues'),
        ...(only ? { only } : {}),
        ...(except ? { except } : {}),
      };
      plan = await planFreeze(source, options, controller.signal);
      const stem = basename(source.reader?.prefix ?? source.graph?.file ?? 'model').replace(/\.(pb|pbtxt|meta)$/, '').replace(/[?*]/g, '');
      out = resolve(str(p, 'out') ?? `${stem}-frozen.pb`);
      manifest = await writeFreeze(plan, out, { signal: controller.signal });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const manifestPath = `${out.replace(/\.pb$/, '')}.manifest.json`;
    await writeFileAtomic(manifestPath, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), { inputs: plan.inputFiles });
    const batch = int('freeze', p, 'batch');
    const verified = flag(p, 'verify') ? await verifyFreeze(source, manifest, out, batch === undefined ? {} : { batchSize: batch }) : undefined;
    if (flag(p, 'json')) printJSON(io, verified ? { ...manifest, verify: verified } : manifest);
    else io.out(renderFreeze(manifest, manifestPath) + (verified ? `\n${renderVerify(verified)}` : ''));
    if (verified && !verified.pass) {
      io.err(`frost freeze: ${out} was written, but Verify did not pass (see above).`);
      return 1;
    }
  } finally {
    await source.close();
  }
  return 0;
}

/** Verify's per-output table (issue #6): output, dtype, shape, max abs diff, pass/fail. */
export function renderVerify(v: VerifyFreezeResult): string {
  const lines = [`Verify (tfjs ${v.backend}, original vs frozen, tolerance ${v.tolerance}, seed ${v.seed}, ${v.ms} ms): ${v.pass ? 'pass' : 'FAIL'}`];
  if (v.backendNote) lines.push(`  note: ${v.backendNote}`);
  for (const i of v.inputs) lines.push(`  fed ${i.name} ${i.dtype} [${i.shape.join(', ')}]${i.original !== i.name ? ` (original: ${i.original})` : ''}`);
  for (const [which, g] of [['frozen', v.frozen], ['original', v.original]] as const) {
    if (!g.ran) lines.push(`  the ${which} graph did not run: ${g.unsupported.length ? `tfjs lacks ${g.unsupported.join(', ')}` : g.error}`);
  }
  const rows = v.outputs.map((o) => [o.name, o.dtype ?? '-', o.shape ? `[${o.shape.join(', ')}]` : '-', o.maxAbsDiff === null ? '-' : String(o.maxAbsDiff), o.pass ? 'pass' : `FAIL${o.note ? ` (${o.note})` : ''}`]);
  const head = ['output', 'dtype', 'shape', 'max abs diff', 'result'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  for (const r of [head, ...rows]) lines.push(`  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] as number))).join('  ')}`);
  return lines.join('\n');
}

function tensorText(t: { name: string; dtype?: string; shape?: number[] | null }): string {
  const shape = t.shape === undefined ? '' : t.shape === null ? ' <unknown shape>' : ` [${t.shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
  return `${t.name}${t.dtype ? ` ${t.dtype}` : ''}${shape}`;
}

export function renderFreeze(m: FreezeManifest, manifestPath: string): string {
  // A SavedModel's checkpoint is always variables/variables: name the SavedModel instead.
  const what = m.checkpoint && !/[\\/]variables[\\/]variables$/.test(m.checkpoint) ? basename(m.checkpoint) : basename(m.source);
  const lines = [`Froze ${what} → ${m.output} (${formatBytes(m.bytes)}, ${((m.ms ?? 0) / 1000).toFixed(2)} s)`];
  const varBytes = m.variables.reduce((n, v) => n + v.bytes, 0);
  lines.push(`  nodes ${m.nodes.before} → ${m.nodes.after}; ${plural(m.variablesFrozen, 'variable')} frozen (${formatBytes(varBytes)})`);
  lines.push(`  inputs:  ${m.inputs.length ? m.inputs.map((i) => `${tensorText(i)}${i.replaces ? ` (replaces ${i.replaces})` : ''}${i.optional ? ' (optional)' : ''}`).join('\n           ') : '(none)'}`);
  lines.push(`  outputs: ${m.outputs.map(tensorText).join('\n           ')}`);
  for (const c of m.cut) {
    lines.push(`  cut ${c.dequeue} (${c.op}${c.queue ? ` of ${c.queue}` : ''}) into ${c.placeholders.map((ph) => ph.name).join(', ')}; ${plural(c.removed, 'input-pipeline node')} removed`);
  }
  const byKind = new Map<string, number>();
  for (const r of m.rewrites) {
    // Same op before and after: its function body was rewritten (a While, a call).
    const k = r.from === r.to ? `${r.from} (body rewritten)` : `${r.from} → ${r.to}`;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  if (byKind.size) lines.push(`  rewrites: ${[...byKind].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (m.functions.kept.length || m.functions.dropped.length) lines.push(`  functions: ${m.functions.kept.length} kept, ${m.functions.dropped.length} dropped`);
  for (const w of m.warnings) lines.push(`  warning: ${w.message}`);
  lines.push(`  manifest: ${manifestPath}`);
  return lines.join('\n');
}

