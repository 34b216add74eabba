/**
 * Graph diff (issue #7): pairs the nodes of two GraphDefs (graph-match.ts) and classifies each
 * as added, removed, changed (op, inputs, attrs, device, dtype, shape), renamed, or — when B
 * is a frozen form of A — frozen or cut rather than removed + added:
 *   - a variable (VariableV2 / Variable / VarHandleOp) that became a Const of the same name is
 *     frozen, and its value is checked against A's checkpoint when there is one (freezing.md §4);
 *   - a read of a frozen variable that the freezer rewrote (ReadVariableOp → Identity, RefSwitch
 *     → Switch, …; §3.4, §8) or that another freezer folded away (`w/read` Identity gone, its
 *     consumers reading `w` directly) is frozen too, and the fold is followed when inputs are compared;
 *   - a dequeue replaced by a Placeholder of the same name, or by `<dequeue>/component_k`, is cut (§6.5).
 * Differences the freezer always makes (devices cleared, `_output_shapes` dropped, ref dtypes)
 * are then not counted as changes. `_output_shapes` is compared only when both sides have it,
 * and `_class` colocations only for targets matched on both sides. Matched pairs whose op,
 * device, inputs and attrs are all equal are counted per scope as unchanged, not listed.
 */
import type { GraphDiff, GraphNodeDiff, KindCounts, NodeChange, NodeDiffKind, ScopeDiffSummary, WeightDelta } from '../../../shared/model/diff.js';
import { FrostError } from '../errors.js';
import { parseInput, type NodeDef } from '../freeze/graph-index.js';
import { REF_TO_VALUE } from '../freeze/op-families.js';
import { isDequeueOp } from '../freeze/queues.js';
import { VARIABLE_OPS } from '../freeze/variable-keys.js';
import { attrText } from '../graph/ir.js';
import type { tensorflow as tf } from '../proto/tf.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { attrField, attrTensor, attrValueEqual, compareAttr } from './attr-compare.js';
import { aTensor, bTensorInA, makeSide, matchByName, matchBySignature, type Matching, type Side } from './graph-match.js';
import { tensorDelta } from './tensor-delta.js';

export interface GraphDiffInput {
  nodes: readonly NodeDef[];
  /** Variable node → checkpoint key (from the Saver's restore subgraph). */
  keys?: ReadonlyMap<string, string>;
}

export interface GraphDiffOptions {
  /** A's checkpoint value of a variable node, to check a frozen Const against (undefined: unknown). */
  checkpointValue?(aNode: string): Promise<TensorData | undefined>;
  /** Bound on signature-matching rounds (default 16). */
  maxSignatureRounds?: number;
  signal?: AbortSignal;
}

/** Op rewrites the freezer makes on reads and updates of frozen variables (retype.ts, §8). */
const FREEZE_REWRITES: ReadonlySet<string> = new Set([
  ...Object.entries(REF_TO_VALUE).map(([from, to]) => `${from}>${to}`),
  'ReadVariableOp>Identity', 'ResourceGather>GatherV2', 'VariableShape>Shape', 'Assign>Identity', 'AssignVariableOp>Identity',
  'AssignSub>Sub', 'AssignAdd>Add', 'IsVariableInitialized>Const', 'VarIsInitializedOp>Const',
]);
/** Reads that another freezer may fold away, consumers then reading the Const itself. */
const FOLDABLE_READS: ReadonlySet<string> = new Set(['Identity', 'ReadVariableOp', 'RefIdentity', 'Snapshot']);

const MAX_TEXT = 160;

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

function scopeOf(name: string): string {
  const i = name.indexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

function emptyCounts(): KindCounts {
  return { added: 0, removed: 0, changed: 0, renamed: 0, frozen: 0, cut: 0, unchanged: 0 };
}

function isPlaceholder(op: string): boolean {
  return op === 'Placeholder' || op === 'PlaceholderWithDefault';
}

const utf8 = new TextDecoder();

/**
 * `_class` colocation targets (`loc:@node`) as A names, kept only where the target is matched
 * on both sides: a colocation with a node the other graph lacks is that node's difference,
 * not this one's (the freezer drops such dangling colocations, §9).
 */
function colocations(v: tf.AttrValue.$Properties | undefined, toA: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const bytes of v?.list?.s ?? []) {
    const s = utf8.decode(bytes);
    if (!s.startsWith('loc:@')) {
      out.push(s);
      continue;
    }
    const a = toA(s.slice(5));
    if (a !== undefined) out.push(a);
  }
  return out.sort();
}

interface Ctx {
  a: Side;
  b: Side;
  m: Matching;
  fold: Map<string, { node: string; port: number }>;
  freezing: boolean;
  normalized: { devicesCleared: number; refTypesDropped: number };
}

function inputsText(side: Side, name: string): string {
  return (side.byName.get(name)?.input ?? []).join(', ');
}

/**
 * Same inputs, in A's terms: data inputs in order through the pairing (and folded reads),
 * control inputs as a set over targets matched on both sides. The common case — the very
 * same input strings, each naming a node paired with itself — is settled without allocating.
 */
function sameInputs(ctx: Ctx, an: NodeDef, bn: NodeDef): boolean {
  const { a, b, m, fold } = ctx;
  const ra = an.input ?? [];
  const rb = bn.input ?? [];
  if (ra.length === rb.length) {
    let same = true;
    for (let i = 0; i < ra.length && same; i++) {
      const x = ra[i] as string;
      if (x !== rb[i]) same = false;
      else {
        // B's node of that name is A's partner exactly when A's node is paired with itself. A
        // plain name (port 0) needs no parsing: one map lookup per input on a 30k-node graph.
        const self = m.aToB.get(x);
        const node = self === x ? x : parseInput(x).node;
        same = (self === x || m.aToB.get(node) === node) && (fold.size === 0 || !fold.has(node));
      }
    }
    if (same) return true;
  }
  const aName = an.name ?? '';
  const bName = bn.name ?? '';
  const ia = a.data(aName).map((r) => aTensor(fold, r.node, r.port));
  const ib = b.data(bName).map((r) => bTensorInA(m, r.node, r.port) ?? `+${r.node}:${r.port}`);
  if (ia.length !== ib.length || ia.some((t, i) => t !== ib[i])) return false;
  const ca = new Set(a.controls(aName).map((c) => aTensor(fold, c, 0)).filter((c) => m.aToB.has(c.slice(0, c.lastIndexOf(':')))));
  const cb = new Set(b.controls(bName).map((c) => bTensorInA(m, c, 0)).filter((c): c is string => c !== undefined));
  return ca.size === cb.size && [...ca].every((c) => cb.has(c));
}

/**
 * The fast verdict for the common case, without building any change record: same op, device,
 * inputs and attrs. False only means "look closer" (changesOf decides; a freeze-normalized
 * difference still ends up unchanged there).
 */
function unchanged(ctx: Ctx, an: NodeDef, bn: NodeDef): boolean {
  if (an.op !== bn.op || (an.device ?? '') !== (bn.device ?? '')) return false;
  const attrA = an.attr ?? {};
  const attrB = bn.attr ?? {};
  for (const key in attrA) {
    const va = attrA[key] as tf.AttrValue.$Properties;
    const vb = attrB[key];
    if (!vb) {
      if (key === '_output_shapes') continue;
      return false;
    }
    if (!attrValueEqual(va, vb)) return false;
    // Equal colocation lists still differ when a target is paired with another name.
    if (key === '_class' && (va.list?.s ?? []).some((s) => !selfPaired(ctx, s))) return false;
  }
  for (const key in attrB) {
    if (!(key in attrA) && key !== '_output_shapes') return false;
  }
  return sameInputs(ctx, an, bn);
}

/** A `loc:@x` entry whose node x is paired with itself (or is not a node on either side). */
function selfPaired(ctx: Ctx, bytes: Uint8Array): boolean {
  const s = utf8.decode(bytes);
  if (!s.startsWith('loc:@')) return true;
  const x = s.slice(5);
  const p = ctx.m.aToB.get(x);
  return p === undefined ? !ctx.m.bToA.has(x) : p === x;
}

/** Differences of one matched pair (A names as the reference frame). */
function changesOf(ctx: Ctx, an: NodeDef, bn: NodeDef): { changes: NodeChange[]; weights?: WeightDelta } {
  const { a, b, m } = ctx;
  const aName = an.name ?? '';
  const bName = bn.name ?? '';
  const changes: NodeChange[] = [];
  let weights: WeightDelta | undefined;
  if ((an.op ?? '') !== (bn.op ?? '')) changes.push({ field: 'op', before: an.op ?? '', after: bn.op ?? '' });

  if (!sameInputs(ctx, an, bn)) changes.push({ field: 'inputs', before: clip(inputsText(a, aName)), after: clip(inputsText(b, bName)) });

  const da = an.device ?? '';
  const db = bn.device ?? '';
  if (da !== db) {
    if (ctx.freezing && db === '') ctx.normalized.devicesCleared++;
    else changes.push({ field: 'device', before: da, after: db });
  }

  const attrA = an.attr ?? {};
  const attrB = bn.attr ?? {};
  const attrChanges: NodeChange[] = [];
  const compare = (key: string): void => {
    const va = attrA[key];
    const vb = attrB[key];
    if (key === '_output_shapes' && (!va || !vb)) return; // often stripped; only a both-sided change counts
    if (key === '_class') {
      const la = colocations(va, (x) => (m.aToB.has(x) ? x : undefined));
      const lb = colocations(vb, (x) => m.bToA.get(x));
      if (la.length !== lb.length || la.some((s, i) => s !== lb[i])) attrChanges.push({ field: 'attrs', key, before: clip(la.join(', ')), after: clip(lb.join(', ')) });
      return;
    }
    if (!va || !vb) {
      attrChanges.push({ field: attrField(key, va ?? vb), key, before: va ? clip(attrText(va, key)) : '', after: vb ? clip(attrText(vb, key)) : '' });
      return;
    }
    const c = compareAttr(va, vb, key, { ignoreRef: ctx.freezing });
    if (c === 'same') return;
    if (c === 'ref-only') {
      ctx.normalized.refTypesDropped++;
      return;
    }
    attrChanges.push({ field: attrField(key, va), key, before: clip(attrText(va, key)), after: clip(attrText(vb, key)) });
    if (va.tensor && vb.tensor && weights === undefined) {
      const ta = attrTensor(va, `${aName} ${key}`);
      const tb = attrTensor(vb, `${bName} ${key}`);
      if (ta && tb) weights = tensorDelta(ta, tb);
    }
  };
  for (const key in attrA) compare(key);
  for (const key in attrB) if (!(key in attrA)) compare(key);
  if (attrChanges.length > 1) attrChanges.sort((x, y) => ((x.key ?? '') < (y.key ?? '') ? -1 : 1));
  changes.push(...attrChanges);
  return weights ? { changes, weights } : { changes };
}

/**
 * A-side reads folded away by freezing: unmatched Identity-like nodes whose input (through
 * other folds) is a variable that B holds as a Const, and whose place some matched consumer
 * now takes the Const (or the fold's source) directly. A read no B node replaced is simply
 * removed (pruned).
 */
function foldedReads(a: Side, b: Side, m: Matching, frozenVars: ReadonlySet<string>): Map<string, { node: string; port: number }> {
  if (frozenVars.size === 0) return new Map();
  const candidates = new Map<string, { node: string; port: number }>();
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const n of a.nodes) {
      const name = n.name ?? '';
      if (candidates.has(name) || m.aToB.has(name) || !FOLDABLE_READS.has(n.op ?? '')) continue;
      const src = a.data(name)[0];
      if (src && (frozenVars.has(src.node) || candidates.has(src.node))) {
        candidates.set(name, src);
        changed = true;
      }
    }
  }
  const consumers = a.consumers(new Set(candidates.keys()));
  const fold = new Map<string, { node: string; port: number }>();
  for (const [name] of candidates) {
    const target = aTensor(candidates, name, 0);
    const replaced = (consumers.get(name) ?? []).some((c) => {
      const bc = m.aToB.get(c.node);
      const r = bc === undefined ? undefined : b.data(bc)[c.slot];
      return r !== undefined && bTensorInA(m, r.node, r.port) === target;
    });
    if (replaced) fold.set(name, candidates.get(name) as { node: string; port: number });
  }
  // A read whose only job was to feed a folded read is folded with it (w/read/_1 → w/read → w).
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const [name, src] of candidates) {
      if (!fold.has(name) && (consumers.get(name) ?? []).some((c) => fold.has(c.node))) {
        fold.set(name, src);
        changed = true;
      }
    }
  }
  return fold;
}

export async function diffGraphs(ga: GraphDiffInput, gb: GraphDiffInput, options: GraphDiffOptions = {}): Promise<GraphDiff> {
  const started = performance.now();
  const a = makeSide(ga.nodes);
  const b = makeSide(gb.nodes);
  const m = matchByName(a, b);

  const frozenPairs = (): Set<string> => {
    const out = new Set<string>();
    for (const n of a.nodes) {
      if (!VARIABLE_OPS.has(n.op ?? '')) continue;
      const bn = m.aToB.get(n.name ?? '');
      if (bn !== undefined && b.byName.get(bn)?.op === 'Const') out.add(n.name ?? '');
    }
    return out;
  };
  let frozenVars = frozenPairs();
  let fold = foldedReads(a, b, m, frozenVars);
  const signal = options.signal;
  matchBySignature(a, b, m, { maxRounds: options.maxSignatureRounds ?? 16, aFold: fold, skipA: new Set(), skipB: new Set() });
  if (signal?.aborted) throw new FrostError('CANCELLED', 'The diff was cancelled.');
  // Renamed variables frozen under their new name count too.
  if (m.rounds > 0) {
    frozenVars = frozenPairs();
    fold = foldedReads(a, b, m, frozenVars);
  }
  const freezing = frozenVars.size > 0;
  const ctx: Ctx = { a, b, m, fold, freezing, normalized: { devicesCleared: 0, refTypesDropped: 0 } };

  const counts = emptyCounts();
  const scopes = new Map<string, ScopeDiffSummary>();
  // Nodes come grouped by scope: the last scope's entry is reused without slicing or hashing.
  let last: ScopeDiffSummary | undefined;
  const bump = (kind: NodeDiffKind | 'unchanged', name: string): void => {
    counts[kind]++;
    let e = last;
    const len = e ? e.scope.length : -1;
    if (!e || !(len === 0 ? !name.includes('/') : name.length > len && name.charCodeAt(len) === 47 && name.startsWith(e.scope))) {
      const s = scopeOf(name);
      e = scopes.get(s);
      if (!e) scopes.set(s, (e = { scope: s, ...emptyCounts() }));
      last = e;
    }
    e[kind]++;
  };
  const nodes: GraphNodeDiff[] = [];
  const sides: GraphDiff['sides'] = { a: {}, b: {} };
  const pairs: Record<string, string> = {};
  /** A node only one side has: listed, coloured on its side, counted in its scope. */
  const recordUnpaired = (entry: GraphNodeDiff, side: 'a' | 'b', name: string, key: string | undefined): void => {
    if (key !== undefined) entry.checkpointKey = key;
    nodes.push(entry);
    sides[side][name] = entry.kind;
    bump(entry.kind, name);
  };
  const frozenChecks: GraphNodeDiff[] = [];
  const keyOf = (an: string | undefined, bn: string | undefined): string | undefined =>
    (an === undefined ? undefined : ga.keys?.get(an)) ?? (bn === undefined ? undefined : gb.keys?.get(bn));

  for (const an of a.nodes) {
    const aName = an.name ?? '';
    const bName = m.aToB.get(aName);
    if (bName === undefined) {
      const f = fold.get(aName);
      const entry: GraphNodeDiff = f
        ? { kind: 'frozen', a: aName, opA: an.op ?? '', note: `read of frozen variable ${f.node}, folded away (its consumers read the constant directly)` }
        : { kind: 'removed', a: aName, opA: an.op ?? '' };
      recordUnpaired(entry, 'a', aName, keyOf(aName, undefined));
      continue;
    }
    const bn = b.byName.get(bName) as NodeDef;
    const opA = an.op ?? '';
    const opB = bn.op ?? '';
    const by = m.by.get(aName) ?? 'name';
    if (by === 'name' && bName === aName && !frozenVars.has(aName) && unchanged(ctx, an, bn)) {
      bump('unchanged', aName);
      continue;
    }
    if (bName !== aName) pairs[aName] = bName;
    const entry: GraphNodeDiff = { kind: 'changed', a: aName, b: bName, opA, opB, matchedBy: by };
    const key = keyOf(aName, bName);
    if (key !== undefined) entry.checkpointKey = key;
    if (frozenVars.has(aName)) {
      entry.kind = 'frozen';
      entry.value = 'unchecked';
      frozenChecks.push(entry);
    } else if (!isPlaceholder(opA) && opB === 'Placeholder') {
      entry.kind = 'cut';
      if (isDequeueOp(opA)) entry.note = `dequeue replaced by a placeholder${bName === aName ? '' : ` (${bName})`}`;
      else entry.note = `${opA} replaced by a placeholder`;
    } else if (freezing && opA !== opB && FREEZE_REWRITES.has(`${opA}>${opB}`)) {
      entry.kind = 'frozen';
      entry.note = `rewritten ${opA} → ${opB} by freezing`;
    } else {
      const { changes, weights } = changesOf(ctx, an, bn);
      if (changes.length === 0 && by === 'name') {
        bump('unchanged', aName);
        continue;
      }
      entry.kind = by === 'signature' ? 'renamed' : 'changed';
      if (changes.length > 0) entry.changes = changes;
      if (weights) entry.weights = weights;
    }
    nodes.push(entry);
    sides.a[aName] = entry.kind;
    sides.b[bName] = entry.kind;
    bump(entry.kind, aName);
  }
  for (const bn of b.nodes) {
    const bName = bn.name ?? '';
    if (m.bToA.has(bName)) continue;
    const extra = m.extraCuts.get(bName);
    const entry: GraphNodeDiff = extra
      ? { kind: 'cut', a: extra.node, b: bName, opA: a.byName.get(extra.node)?.op ?? '', opB: bn.op ?? '', matchedBy: 'name', note: `placeholder for component ${extra.port} of dequeue ${extra.node}` }
      : { kind: 'added', b: bName, opB: bn.op ?? '' };
    recordUnpaired(entry, 'b', bName, keyOf(undefined, bName));
  }

  // Frozen values against A's checkpoint, one variable at a time (bounded memory).
  for (const entry of frozenChecks) {
    if (signal?.aborted) break;
    const value = await options.checkpointValue?.(entry.a as string);
    const tb = attrTensor(b.byName.get(entry.b as string)?.attr?.['value'] ?? undefined, `Const ${entry.b ?? ''}`);
    if (!value || !tb) continue;
    const delta = tensorDelta(value, tb);
    if (!delta) {
      entry.value = 'differs';
      entry.note = `the constant's dtype or shape differs from the checkpoint value`;
      continue;
    }
    entry.value = delta.changed === 0 ? 'same' : 'differs';
    if (delta.changed > 0) entry.weights = delta;
  }

  const total = (s: ScopeDiffSummary): number => s.added + s.removed + s.changed + s.renamed + s.frozen + s.cut;
  return {
    nodesA: a.nodes.length,
    nodesB: b.nodes.length,
    counts,
    freezing,
    freezeNormalized: ctx.normalized,
    nodes,
    sides,
    pairs,
    scopes: [...scopes.values()].sort((x, y) => total(y) - total(x) || x.scope.localeCompare(y.scope)),
    signatureRounds: m.rounds,
    ms: performance.now() - started,
  };
}
