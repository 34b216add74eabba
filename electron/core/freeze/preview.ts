/**
 * The live preview of click-to-freeze (issue #6): the freezer's plan (freeze.ts, steps 1–7)
 * for the chosen outputs, without writing — counts, the placeholders Frost will put at each
 * cut dequeue, the kept nodes, and the plan's warnings in plain words with what Frost does
 * about each (docs/freezing.md §6.5 cuts and relaxed batch, §4 ref/resource rewrites, §8 the
 * control edges into training ops).
 */
import type { FreezeInputOverride, FreezePreview, FreezePreviewWarning } from '../../../shared/model/freeze-preview.js';
import { FrostError } from '../errors.js';
import type { Source } from '../source/open-source.js';
import { dtypeFromName } from '../tensor/dtype.js';
import { toNumber } from '../proto/tf.js';
import { planFreeze, type FreezeOptions } from './freeze.js';
import { GraphIndex } from './graph-index.js';
import type { InputSpec } from './input-spec.js';

/** A placeholder edited in the UI as the freezer's `--inputs` spec. */
export function inputSpecOf(o: FreezeInputOverride): InputSpec {
  const spec: InputSpec = { tensor: o.tensor };
  if (o.dtype !== undefined) {
    const info = dtypeFromName(o.dtype);
    if (!info) throw new FrostError('USAGE', `"${o.dtype}" is not a dtype (input ${o.tensor}); use a name like float32 or int64.`);
    spec.dtype = info.value;
  }
  if (o.shape !== undefined) {
    if (o.shape !== null && o.shape.some((d) => !Number.isSafeInteger(d) || d < -1)) throw new FrostError('USAGE', `The shape of input ${o.tensor} must list whole numbers (-1 for unknown).`);
    spec.shape = o.shape === null ? null : [...o.shape];
  }
  return spec;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function previewFreeze(source: Source, options: FreezeOptions, signal?: AbortSignal): Promise<FreezePreview> {
  const plan = await planFreeze(source, options, signal);
  const m = plan.manifest;
  const original = new Set((source.graph?.graphDef.node ?? []).map((n) => n.name ?? ''));
  // A cut dequeue counts as kept: its placeholder stands where it was (and may carry a new name).
  const replaced = m.inputs.flatMap((i) => (i.replaces ? [i.replaces.replace(/:\d+$/, '')] : []));
  const kept = [...new Set([...plan.graph.nodes.map((n) => n.def.name ?? ''), ...replaced])].filter((n) => original.has(n));
  const warnings: FreezePreviewWarning[] = [];
  for (const w of m.warnings) {
    if (/^Dropped \d+ control dependenc/.test(w.message)) {
      warnings.push({ kind: 'training-ops', message: `The outputs reach training-only ops through control edges. ${w.message}`, action: 'Frost drops those edges: the frozen graph never updates a variable.' });
    } else {
      warnings.push({ kind: 'other', message: w.message, action: 'Frost freezes anyway; check this before deploying.' });
    }
  }
  if (m.rewrites.length > 0) {
    const kinds = [...new Set(m.rewrites.map((r) => `${r.from} → ${r.to}`))];
    warnings.push({
      kind: 'ref-rewrites',
      message: `${plural(m.rewrites.length, 'node')} use variables by reference or through resource handles (${kinds.slice(0, 4).join(', ')}${kinds.length > 4 ? ', …' : ''}); left as they are, the frozen graph would fail to import ("expected float_ref") or to run.`,
      action: `Frost rewrites them into value forms on the frozen constants (${m.rewrites[0]?.why ?? ''}${m.rewrites.length > 1 ? ', …' : ''}).`,
    });
  }
  // Only where the training graph recorded a fixed batch: then the shapes recorded after the cut are stale.
  const index = new GraphIndex(source.graph?.graphDef.node ?? []);
  for (const c of m.cut) {
    const shapes = index.node(c.dequeue)?.attr?.['_output_shapes']?.list?.shape ?? [];
    const relaxed = c.placeholders.filter((p) => {
      const recorded = shapes[p.component]?.dim?.[0];
      return p.shape !== null && p.shape[0] === -1 && recorded !== undefined && toNumber(recorded.size) >= 0;
    });
    if (relaxed.length === 0) continue;
    const batch = toNumber(shapes[relaxed[0]?.component ?? 0]?.dim?.[0]?.size);
    warnings.push({
      kind: 'stale-shapes',
      message: `${c.dequeue} (${c.op}) delivered training batches of ${batch}; the static shapes recorded after it name that size.`,
      action: `Frost makes the batch dimension of ${relaxed.map((p) => p.name).join(', ')} unknown (-1) and drops the stale recorded shapes downstream; if the graph still needs ${batch} (a constant-folded shape), set the shape here.`,
    });
  }
  return {
    nodes: { before: m.nodes.before, kept: m.nodes.after, dropped: Math.max(0, m.nodes.before - kept.length) },
    variablesFrozen: m.variablesFrozen,
    bytes: m.bytes,
    inputs: m.inputs,
    cut: m.cut,
    warnings,
    kept,
  };
}
