/**
 * The freezer: a checkpoint's training graph in, a frozen inference GraphDef out
 * (docs/freezing.md §2–§4, §6.5, §8, §9). Steps:
 *   1. resolve the outputs (node or node:k), with suggestions for a miss;
 *   2. map every variable to its checkpoint entry through the restore subgraph;
 *   3. cut queue / tf.data dequeues reached from the outputs into typed placeholders, and any
 *      tensor named in --inputs;
 *   4. prune to the outputs, dropping control edges into variable updates that no output
 *      needs as data (the batch-norm moving-average problem);
 *   5. replace variables by Consts and rewrite what read them (retype.ts);
 *   6. prune again, keep only the functions still called, clear devices, drop dangling
 *      colocations and stale static shapes;
 *   7. validate (no variable, update, saver, queue op; no dangling input; under 2 GiB);
 * and only then write, streaming the weights from the checkpoint (write-frozen.ts).
 */
import { outputDtype } from './output-dtype.js';
import { basename } from 'node:path';
import type { FreezeManifest, FrozenInputJSON, FrozenTensorJSON, FrozenVariableJSON, QueueCutJSON } from '../../../shared/model/freeze-manifest.js';
import { FrostError } from '../errors.js';
import type { CheckpointReader } from '../checkpoint/reader.js';
import { closestNames } from '../source/find-tensor.js';
import type { Source } from '../source/open-source.js';
import { DT, dtypeName } from '../tensor/dtype.js';
import { elementCount } from '../tensor/tensor-data.js';
import { type tensorflow as tf, toNumber } from '../proto/tf.js';
import type { ConstValue, FrozenGraph, FrozenNode } from './frozen-graph.js';
import { GraphIndex, colocationTargets, formatInput, parseInput, type NodeDef } from './graph-index.js';
import type { InputSpec } from './input-spec.js';
import { isSaverOp, isUpdateOp } from './op-families.js';
import { cutDequeues, isDequeueOp, isPipelineOp } from './queues.js';
import { Retyper, shapeProto, type ValueInfo } from './retype.js';
import { VARIABLE_OPS, declaredVariable, mapVariablesToKeys, type VariableSource } from './variable-keys.js';
import { assertFrozenGraphFits, measureFrozenGraph, writeFrozenGraph } from './write-frozen.js';

export interface FreezeOptions {
  /** Output nodes or tensors: `probs`, `logits:0`, `split:1`. */
  outputs: string[];
  /** Placeholders to create or override (--inputs). */
  inputs?: InputSpec[];
  /** Keep `device` fields (default: cleared everywhere, functions included). */
  keepDevices?: boolean;
  /** Replace dequeues by placeholders (default true). */
  cutQueues?: boolean;
  /** Freeze only these variables (node names or checkpoint keys). */
  only?: string[];
  /** Never freeze these variables. */
  except?: string[];
}

export interface FreezePlan {
  graph: FrozenGraph;
  manifest: FreezeManifest;
  reader: CheckpointReader | undefined;
  /** Files the frozen graph was made from: never overwritten. */
  inputFiles: string[];
}

function cloneNode(n: NodeDef): NodeDef {
  return { ...n, input: [...(n.input ?? [])], attr: { ...(n.attr ?? {}) } };
}

function fail(code: 'NODE_NOT_FOUND' | 'INVALID_GRAPH' | 'TENSOR_NOT_FOUND' | 'USAGE', intro: string, items: string[], file: string): never {
  const shown = items.slice(0, 12);
  const more = items.length > shown.length ? `; and ${items.length - shown.length} more` : '';
  throw new FrostError(code, `${intro}: ${shown.join('; ')}${more}.`, { file });
}

/** dtype/shape of a node's output `port`, from its attrs (before stale shapes are dropped). */
function outputInfo(n: NodeDef | undefined, port: number): { dtype?: number; shape?: number[] | null } {
  if (!n) return {};
  const a = n.attr ?? {};
  const t = outputDtype(n, port);
  const s = a['_output_shapes']?.list?.shape?.[port] ?? (n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault' ? a['shape']?.shape : undefined);
  const out: { dtype?: number; shape?: number[] | null } = {};
  if (t !== undefined && t !== null) out.dtype = t as number;
  if (s) out.shape = s.unknownRank ? null : (s.dim ?? []).map((d) => toNumber(d.size));
  return out;
}

function tensorJSON(name: string, info: { dtype?: number; shape?: number[] | null }): FrozenTensorJSON {
  const j: FrozenTensorJSON = { name };
  if (info.dtype !== undefined) j.dtype = dtypeName(info.dtype);
  if (info.shape !== undefined) j.shape = info.shape;
  return j;
}

export async function planFreeze(source: Source, options: FreezeOptions, signal?: AbortSignal): Promise<FreezePlan> {
  const started = performance.now();
  const loaded = source.graph;
  if (!loaded) {
    throw new FrostError('USAGE', `${source.path} has no graph to freeze: a checkpoint needs its .meta (or a SavedModel); pass the graph with --input_meta_graph.`, { file: source.path });
  }
  const file = loaded.file;
  const reader = source.reader;
  const original = new GraphIndex(loaded.graphDef.node ?? []);
  const warnings: FrostError[] = [];

  // 1. Outputs.
  if (options.outputs.length === 0) throw new FrostError('USAGE', 'Name at least one output node to freeze (--outputs).');
  const outputs = options.outputs.map((o) => parseInput(o.trim()));
  const missingOut = outputs.filter((o) => !original.has(o.node) || o.control);
  if (missingOut.length > 0) {
    const names = original.nodes.map((n) => n.name ?? '');
    fail('NODE_NOT_FOUND', `Not in the graph ${basename(file)}`, missingOut.map((o) => {
      const near = closestNames(o.node, names, 3);
      return `"${o.node}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`;
    }), file);
  }
  const outputNodes = [...new Set(outputs.map((o) => o.node))];

  // 2. Variables → checkpoint keys (on the original graph: the restore subgraph is pruned later).
  const sources = mapVariablesToKeys(original, loaded.metaGraph ?? undefined, reader, source.displayNames, loaded.graphDef.library);

  // 3. Cuts: dequeues, then any other tensor named in --inputs.
  let nodes: NodeDef[] = [...(loaded.graphDef.node ?? [])];
  const specs = options.inputs ?? [];
  const overrides: Record<string, { dtype?: number; shape?: number[] | null }> = {};
  for (const s of specs) {
    const ref = parseInput(s.tensor);
    overrides[`${ref.node}:${ref.port}`] = { ...(s.dtype === undefined ? {} : { dtype: s.dtype }), ...(s.shape === undefined ? {} : { shape: s.shape }) };
  }
  let cuts: QueueCutJSON[] = [];
  const replaces = new Map<string, string>(); // new placeholder name → original tensor
  if (options.cutQueues !== false) {
    const r = cutDequeues(original, outputNodes, { overrides });
    nodes = r.nodes;
    cuts = r.cuts;
    for (const w of r.warnings) warnings.push(new FrostError('INVALID_GRAPH', w, { file }));
    for (const [orig, name] of r.replaced) replaces.set(name.replace(/:0$/, ''), orig);
  }
  const tensorCuts = specs.filter((s) => {
    const ref = parseInput(s.tensor);
    const op = original.op(ref.node);
    return op !== undefined && op !== 'Placeholder' && op !== 'PlaceholderWithDefault' && !(options.cutQueues !== false && isDequeueOp(op));
  });
  nodes = cutAtTensors(nodes, tensorCuts, original, replaces, file);
  nodes = overridePlaceholders(nodes, specs);

  // 4. Prune, dropping control edges into updates no output needs.
  const untouched = nodes.length === original.nodes.length && nodes.every((n, i) => n === original.nodes[i]);
  let index = untouched ? original : new GraphIndex(nodes);
  const dropped: string[] = [];
  const working = new Map<string, NodeDef>();
  let kept = pruneKept(index, outputNodes, file);
  // Lookup tables the outputs read keep their initializers, grouped under one init op the
  // user runs once after import (their contents live in no GraphDef field of the table).
  const tableInit = tableInitializer(index, kept);
  if (tableInit) {
    nodes = [...nodes.filter((n) => n.name !== tableInit.name), tableInit];
    index = new GraphIndex(nodes);
    outputNodes.push(tableInit.name as string);
    kept = pruneKept(index, outputNodes, file);
  }
  for (let round = 0; round < 8; round++) {
    const dataReach = reachByData(index, outputNodes, 'inputs');
    let changed = false;
    for (const name of kept) {
      const n = index.node(name) as NodeDef;
      const ins = n.input ?? [];
      const keep = ins.filter((s) => {
        if (!s.startsWith('^')) return true;
        const target = s.slice(1);
        const op = index.op(target) ?? '';
        const drop = !dataReach.has(target) && (isUpdateOp(op) || isSaverOp(op) || (options.cutQueues !== false && isPipelineOp(op) && !isDequeueOp(op)));
        if (drop) dropped.push(target);
        return !drop;
      });
      if (keep.length !== ins.length) {
        const c = working.get(name) ?? cloneNode(n);
        c.input = keep;
        working.set(name, c);
        changed = true;
      }
    }
    if (!changed) break;
    nodes = nodes.map((n) => working.get(n.name ?? '') ?? n);
    index = new GraphIndex(nodes);
    kept = pruneKept(index, outputNodes, file);
  }
  if (dropped.length > 0) {
    const uniq = [...new Set(dropped)].filter((d) => !kept.has(d));
    if (uniq.length > 0) {
      warnings.push(new FrostError('INVALID_GRAPH', `Dropped ${uniq.length} control dependenc${uniq.length === 1 ? 'y' : 'ies'} on training-only ops (${uniq.slice(0, 3).join(', ')}${uniq.length > 3 ? ', …' : ''}): variable updates have no place in a frozen graph.`, { file }));
    }
  }
  const keptNodes = nodes.filter((n) => kept.has(n.name ?? '')).map((n) => cloneNode(n));
  const nodesBefore = loaded.graphDef.node?.length ?? 0;

  // 5. Variables → Consts.
  const only = options.only ? new Set(options.only) : undefined;
  const except = new Set(options.except ?? []);
  const values = new Map<string, ConstValue>();
  const valueInfo = new Map<string, ValueInfo>();
  const frozenVars: FrozenVariableJSON[] = [];
  const problems: string[] = [];
  for (const n of keptNodes) {
    const name = n.name ?? '';
    if (!VARIABLE_OPS.has(n.op ?? '')) continue;
    const src = sources.get(name);
    if ((only && !only.has(name) && !(src && only.has(src.key))) || except.has(name) || (src && except.has(src.key))) continue;
    const checked = checkVariable(n, src, reader);
    if (typeof checked === 'string') {
      problems.push(checked);
      continue;
    }
    const { dtype, shape, bytes } = checked;
    const s = src as VariableSource;
    values.set(name, { kind: 'checkpoint', key: s.key, dtype, shape, ...(s.slice ? { slice: s.slice } : {}) });
    valueInfo.set(name, { dtype, shape });
    frozenVars.push({ node: name, key: s.key, dtype: dtypeName(dtype), shape, bytes, via: s.via });
    n.op = 'Const';
    n.input = (n.input ?? []).filter((x) => x.startsWith('^'));
    n.attr = { dtype: { type: dtype } };
    n.device = '';
  }
  if (problems.length > 0) {
    fail(reader ? 'TENSOR_NOT_FOUND' : 'USAGE', reader ? `Cannot freeze: ${problems.length} variable${problems.length === 1 ? '' : 's'} reached from the outputs ha${problems.length === 1 ? 's' : 've'} no usable value in ${basename(reader.prefix)}` : `Cannot freeze: ${basename(file)} has variables but no checkpoint was found to read their values from`, problems, reader?.prefix ?? file);
  }
  const retyper = new Retyper(loaded.graphDef.library);
  const retyped = retyper.run(keptNodes, valueInfo, false, '');
  let out: NodeDef[] = [];
  const insertsBefore = new Map<string, typeof retyped.inserts>();
  for (const ins of retyped.inserts) {
    const list = insertsBefore.get(ins.before) ?? [];
    list.push(ins);
    insertsBefore.set(ins.before, list);
    if (ins.value) values.set(ins.node.name ?? '', ins.value);
  }
  for (const [name, v] of retyped.constants) values.set(name, v);
  for (const n of keptNodes) {
    for (const ins of insertsBefore.get(n.name ?? '') ?? []) out.push(ins.node);
    out.push(n);
  }
  if (retyper.errors.length > 0) {
    const intro = retyper.writesInFunctions
      ? 'Cannot freeze: the outputs reach variable updates inside a function (a tf.cond / If or while body), and a frozen graph has no variables to write. These are usually training-only updates on a `training` input (batch-norm moving averages); Frost cannot drop one branch of a functional If, so save the inference graph with training fixed to False and freeze that'
      : 'Cannot freeze';
    fail('INVALID_GRAPH', intro, retyper.errors, file);
  }

  // 6. Prune again (rewrites drop edges), functions, devices, colocations, static shapes.
  const finalIndex = new GraphIndex(out);
  const finalKept = pruneKept(finalIndex, outputNodes, file);
  out = out.filter((n) => finalKept.has(n.name ?? ''));
  for (const name of [...values.keys()]) if (!finalKept.has(name)) values.delete(name);
  const library = pruneLibrary(out, loaded.graphDef.library, retyper.newFunctions(), options.keepDevices === true);
  const cutPlaceholders = new Set(replaces.keys());
  const relaxed = cuts.some((c) => c.placeholders.some((ph) => ph.shape !== null && ph.shape[0] === -1));
  const downstream = reachByData(new GraphIndex(out), cutPlaceholders, 'consumers');
  for (const n of out) {
    if (!options.keepDevices) n.device = '';
    const a = n.attr ?? {};
    const targets = colocationTargets(n);
    if (targets.length > 0) {
      const live = (a['_class']?.list?.s ?? []).filter((b) => {
        const s = new TextDecoder().decode(b);
        return !s.startsWith('loc:@') || finalKept.has(s.slice(5));
      });
      if (live.length === 0) delete a['_class'];
      else a['_class'] = { list: { s: live } };
    }
    // A relaxed batch dimension makes the recorded static shapes downstream stale (§6.5 step 9).
    if (downstream.has(n.name ?? '') && !cutPlaceholders.has(n.name ?? '')) delete a['_output_shapes'];
  }

  // 7. Validate.
  validate(out, outputNodes, options, file);
  const graph: FrozenGraph = {
    nodes: out.map((def): FrozenNode => {
      const v = values.get(def.name ?? '');
      return v ? { def, value: v } : { def };
    }),
    library,
    versions: loaded.graphDef.versions ?? null,
  };
  // Exact but for a few value-dependent varints; the writer re-measures exactly before it writes.
  const size = measureFrozenGraph(graph, reader);
  assertFrozenGraphFits(size);
  if (signal?.aborted) throw new FrostError('CANCELLED', 'Freezing was cancelled.');

  // Manifest.
  const finalIdx = new GraphIndex(out);
  const inputs: FrozenInputJSON[] = out
    .filter((n) => n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault')
    .map((n) => {
      const info = outputInfo(n, 0);
      const j: FrozenInputJSON = { name: n.name ?? '', dtype: dtypeName(info.dtype ?? 0), shape: info.shape ?? null };
      const r = replaces.get(n.name ?? '');
      if (r) j.replaces = r;
      if (n.op === 'PlaceholderWithDefault') j.optional = true;
      return j;
    });
  const removedPipeline = (nodesBefore > 0 ? original.nodes : []).filter((n) => !finalKept.has(n.name ?? '') && isPipelineOp(n.op ?? '')).length;
  for (const c of cuts) c.removed = removedPipeline;
  const manifest: FreezeManifest = {
    source: source.path,
    ...(reader ? { checkpoint: reader.prefix } : {}),
    inputs,
    outputs: outputs.map((o) => {
      const info = outputInfo(original.node(o.node), o.port);
      // Downstream of a relaxed batch dimension the recorded leading dimension is stale.
      if (relaxed && downstream.has(o.node) && info.shape && info.shape.length > 0) info.shape = [-1, ...info.shape.slice(1)];
      return tensorJSON(formatInput({ ...o, control: false }), info);
    }),
    nodes: { before: nodesBefore, after: out.length },
    variablesFrozen: frozenVars.filter((v) => finalKept.has(v.node)).length,
    bytes: size.bytes,
    cut: cuts,
    variables: frozenVars.filter((v) => finalKept.has(v.node)),
    rewrites: retyper.rewrites.filter((r) => finalKept.has(r.node)),
    functions: {
      kept: (library?.function ?? []).map((f) => f.signature?.name ?? ''),
      dropped: (loaded.graphDef.library?.function ?? []).map((f) => f.signature?.name ?? '').filter((n) => !(library?.function ?? []).some((f) => f.signature?.name === n)),
    },
    warnings: [...warnings, ...extraWarnings(finalIdx, out, file, tableInit), ...noInputWarning(inputs.length, frozenVars.length, file)].map((w) => w.toJSON()),
    ...(tableInit ? { initOps: [tableInit.name as string] } : {}),
    ms: Math.round(performance.now() - started),
  };
  return { graph, manifest, reader, inputFiles: [file, ...(reader?.files ?? [])] };
}

export async function writeFreeze(plan: FreezePlan, path: string, options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<FreezeManifest> {
  const started = performance.now();
  const { bytes } = await writeFrozenGraph(path, plan.graph, plan.reader, { inputs: plan.inputFiles, ...options });
  return { ...plan.manifest, output: path, bytes, ms: (plan.manifest.ms ?? 0) + Math.round(performance.now() - started) };
}

function pruneKept(index: GraphIndex, outputs: string[], file: string): Set<string> {
  const { kept, missing } = index.ancestors(outputs);
  if (missing.size > 0) {
    const who = [...missing].map((m) => {
      const user = index.nodes.find((n) => kept.has(n.name ?? '') && (n.input ?? []).some((s) => parseInput(s).node === m));
      return `"${m}"${user ? ` (an input of ${user.name})` : ''}`;
    });
    fail('INVALID_GRAPH', `The graph ${basename(file)} is damaged: nodes the outputs need refer to nodes that do not exist`, who, file);
  }
  return kept;
}

/** Nodes reached from `roots` along data edges only: backwards (inputs) or forwards (consumers). */
function reachByData(index: GraphIndex, roots: Iterable<string>, direction: 'inputs' | 'consumers'): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    if (direction === 'inputs') for (const r of index.dataInputs(n)) stack.push(r.node);
    else for (const c of index.consumers(n)) if (!c.ref.control) stack.push(c.node);
  }
  return seen;
}

/** The variable's value must exist and agree with what the graph declares (freezing.md §8 rows 5-6). */
function checkVariable(n: NodeDef, src: VariableSource | undefined, reader: CheckpointReader | undefined): string | { dtype: number; shape: number[]; bytes: number } {
  const name = n.name ?? '';
  if (!reader) return `"${name}"`;
  if (!src) return `"${name}" (no checkpoint key maps to it)`;
  const entry = reader.get(src.key);
  if (!entry) return `"${name}" (key "${src.key}" is not in the checkpoint)`;
  const declared = declaredVariable(n);
  const shape = src.slice ? src.slice.length : entry.shape;
  if (declared.dtype !== 0 && declared.dtype !== entry.dtype) return `"${name}" is ${dtypeName(declared.dtype)} in the graph but "${src.key}" is ${dtypeName(entry.dtype)} in the checkpoint`;
  if (declared.shape && (declared.shape.length !== shape.length || declared.shape.some((d, i) => d !== shape[i]))) {
    return `"${name}" has shape [${declared.shape.join(', ')}] in the graph but [${shape.join(', ')}] in the checkpoint ("${src.key}")`;
  }
  if (entry.opaque) return `"${name}": "${src.key}" holds a ${dtypeName(entry.dtype)} that has no value to freeze`;
  const full = entry.bytes;
  const bytes = src.slice && entry.shape.length > 0 ? Math.round((full * elementCount(shape)) / Math.max(1, elementCount(entry.shape))) : full;
  return { dtype: entry.dtype, shape, bytes };
}

/** Keeps the functions still called (transitively), replacing converted ones (freezing.md §10.3). */
function pruneLibrary(nodes: NodeDef[], library: tf.FunctionDefLibrary.$Properties | null | undefined, added: tf.FunctionDef.$Properties[], keepDevices: boolean): tf.FunctionDefLibrary.$Properties | null {
  const all = new Map<string, tf.FunctionDef.$Properties>();
  for (const f of [...(library?.function ?? []), ...added]) all.set(f.signature?.name ?? '', f);
  if (all.size === 0) return library && (library.gradient?.length || library.registeredGradients?.length) ? library : null;
  const used = new Set<string>();
  const visit = (list: readonly NodeDef[]): void => {
    for (const n of list) {
      const names: string[] = [];
      if (all.has(n.op ?? '')) names.push(n.op ?? '');
      for (const v of Object.values(n.attr ?? {})) {
        if (v.func?.name) names.push(v.func.name);
        for (const f of v.list?.func ?? []) if (f.name) names.push(f.name);
      }
      for (const name of names) {
        if (used.has(name) || !all.has(name)) continue;
        used.add(name);
        visit((all.get(name) as tf.FunctionDef.$Properties).nodeDef ?? []);
      }
    }
  };
  visit(nodes);
  const fns = [...all.values()].filter((f) => used.has(f.signature?.name ?? ''));
  if (!keepDevices) for (const f of fns) for (const n of f.nodeDef ?? []) n.device = '';
  const gradients = (library?.gradient ?? []).filter((g) => used.has(g.functionName ?? ''));
  return fns.length === 0 && gradients.length === 0 ? null : { function: fns, gradient: gradients, registeredGradients: [] };
}

/**
 * The frozen graph's guarantees (freezing.md §9): outputs present, no dangling input, no
 * variable / update / saver op, no queue or reader op (unless asked to keep them), nothing
 * still typed as a resource.
 */
function validate(nodes: NodeDef[], outputs: string[], options: FreezeOptions, file: string): void {
  const names = new Set<string>();
  const problems: string[] = [];
  for (const n of nodes) {
    if (names.has(n.name ?? '')) problems.push(`two nodes are named "${n.name}"`);
    names.add(n.name ?? '');
  }
  const allowVars = new Set([...(options.except ?? [])]);
  const partial = options.only !== undefined;
  const byName = new Map(nodes.map((n) => [n.name ?? '', n]));
  for (const n of nodes) {
    const op = n.op ?? '';
    const name = n.name ?? '';
    for (const s of n.input ?? []) if (!names.has(parseInput(s).node)) problems.push(`${name} reads "${s}", which is not in the frozen graph`);
    if (VARIABLE_OPS.has(op) && !allowVars.has(name) && !partial) problems.push(`${name} is still a ${op}`);
    else if (isUpdateOp(op)) problems.push(`${name} (${op}) still writes a variable`);
    else if (isSaverOp(op)) problems.push(`${name} (${op}) is part of the checkpoint saver`);
    else if (options.cutQueues !== false && isPipelineOp(op)) problems.push(`${name} (${op}) is part of an input pipeline`);
    const t = n.attr?.['T']?.type ?? n.attr?.['dtype']?.type;
    if (t === DT.RESOURCE && !(VARIABLE_OPS.has(op) && (allowVars.has(name) || partial)) && op !== 'Placeholder' && !carriesLiveResource(n, byName)) {
      problems.push(`${name} (${op}) still expects a resource handle`);
    }
  }
  for (const o of outputs) if (!names.has(o)) problems.push(`output ${o} was lost`);
  if (problems.length > 0) fail('INVALID_GRAPH', 'The frozen graph would not be valid', problems, file);
}

/**
 * A node typed `resource` (Enter, Identity, Switch… of a handle) is fine in a frozen graph when
 * the handle it passes on comes from a resource that lives at run time: a TensorArray of a v1
 * dynamic_rnn loop, a stack, a lookup table. It is broken when it leads back to something that
 * is no longer a handle (a variable frozen into a Const). Walks the first data input back
 * through the resource-typed pass-throughs to the op that made the handle.
 */
function carriesLiveResource(node: NodeDef, byName: Map<string, NodeDef>): boolean {
  let cur: NodeDef | undefined = node;
  for (let hops = 0; cur && hops < byName.size; hops++) {
    const type: number | null | undefined = cur.attr?.['T']?.type ?? cur.attr?.['dtype']?.type;
    if (type !== DT.RESOURCE) return !VARIABLE_OPS.has(cur.op ?? '') && cur.op !== 'Const';
    const first = (cur.input ?? []).find((s) => !s.startsWith('^'));
    if (first === undefined) return false;
    cur = byName.get(parseInput(first).node);
  }
  return false;
}

/**
 * Outputs that depend on weights but on no placeholder usually mean the training input was
 * baked into the graph (an input_fn's tf.constant): the frozen graph then ignores any input.
 */
function noInputWarning(inputs: number, variables: number, file: string): FrostError[] {
  if (inputs > 0 || variables === 0) return [];
  return [
    new FrostError('INVALID_GRAPH', 'The outputs depend on no placeholder: the model\'s input is built into the graph (e.g. training data as constants), so the frozen graph takes no input. Cut where the data enters with --inputs NODE:dtype:shape.', { file }),
  ];
}

const TABLE_OP = /^(HashTable|MutableHashTable|MutableDenseHashTable|MutableHashTableOfTensors)(V2)?$/;
const TABLE_INIT_OP = /^(InitializeTable|InitializeTableFromTextFile|InitializeTableFromDataset|LookupTableImport)(V2)?$/;

/**
 * The init op for the lookup tables among `kept`: a NoOp with a control input on each of
 * their initializers (InitializeTable*, LookupTableImport*), named `init_all_tables` like
 * TF's own (that node is replaced when the graph has one), or undefined without tables.
 */
function tableInitializer(index: GraphIndex, kept: ReadonlySet<string>): NodeDef | undefined {
  const tables = new Set([...kept].filter((n) => TABLE_OP.test(index.op(n) ?? '')));
  if (tables.size === 0) return undefined;
  const inits = index.nodes.filter((n) => {
    if (!TABLE_INIT_OP.test(n.op ?? '')) return false;
    // The table handle is input 0, possibly through an Identity.
    let cur: string | undefined = index.dataInputs(n.name ?? '')[0]?.node;
    for (let hops = 0; cur !== undefined && index.op(cur) === 'Identity' && hops < 4; hops++) cur = index.dataInputs(cur)[0]?.node;
    return cur !== undefined && tables.has(cur);
  });
  if (inits.length === 0) return undefined;
  const existing = index.node('init_all_tables');
  const name = !existing || existing.op === 'NoOp' ? 'init_all_tables' : 'frost/init_all_tables';
  return { name, op: 'NoOp', input: inits.map((n) => `^${n.name ?? ''}`), attr: {}, device: '' };
}

/** Ops whose body is a Python function held by the process that built the graph. */
const PYTHON_CALLBACK_OPS: ReadonlySet<string> = new Set(['PyFunc', 'PyFuncStateless', 'EagerPyFunc']);

function extraWarnings(index: GraphIndex, nodes: NodeDef[], file: string, tableInit?: NodeDef): FrostError[] {
  const w: FrostError[] = [];
  const tables = nodes.filter((n) => TABLE_OP.test(n.op ?? ''));
  if (tables.length > 0 && tableInit) {
    const fromFiles = nodes.filter((n) => /^InitializeTableFromTextFile/.test(n.op ?? ''));
    w.push(new FrostError('INVALID_GRAPH', `The frozen graph keeps ${tables.length} lookup table${tables.length === 1 ? '' : 's'} (${tables.map((t) => t.name).slice(0, 3).join(', ')}) with ${tables.length === 1 ? 'its' : 'their'} initializers: run the op ${tableInit.name} once after importing it, before the outputs (TF Serving: as the main_op).${fromFiles.length > 0 ? ` ${fromFiles.length} of them read a vocabulary file at run time (${fromFiles.map((n) => n.name).slice(0, 2).join(', ')}): ship that file with the graph.` : ''}`, { file }));
  } else if (tables.length > 0) {
    w.push(new FrostError('INVALID_GRAPH', `The frozen graph uses lookup tables (${tables.map((t) => t.name).slice(0, 3).join(', ')}) whose initializers Frost could not keep (a TF2 SavedModel fills them in its init function, often from asset files, and a GraphDef holds neither): fill them before use, or deploy the SavedModel itself.`, { file }));
  }
  const python = nodes.filter((n) => PYTHON_CALLBACK_OPS.has(n.op ?? ''));
  if (python.length > 0) {
    w.push(new FrostError('INVALID_GRAPH', `The frozen graph keeps ${python.length} Python callback op${python.length === 1 ? '' : 's'} (${python.map((n) => `${n.op} ${n.name}`).slice(0, 3).join(', ')}): tf.py_func / tf.numpy_function run Python code registered in the process that built the graph, which is not part of a GraphDef, so the graph fails anywhere else (TF Serving, C++, another Python process). Replace them with TensorFlow ops, or cut the graph before them with --inputs.`, { file }));
  }
  for (const n of nodes) {
    if (n.op !== 'PlaceholderWithDefault') continue;
    const t = n.attr?.['dtype']?.type;
    if (t === DT.BOOL && /train|phase|learning/i.test(n.name ?? '')) {
      w.push(new FrostError('INVALID_GRAPH', `${n.name} is a bool switch with a default; inference usually wants it False — check its default before deploying.`, { file }));
    }
  }
  void index;
  return w;
}

/**
 * Replaces tensors named in --inputs (that are not dequeues) by placeholders: every output
 * of that node the outputs use must be given, since the node itself goes.
 */
function cutAtTensors(nodes: NodeDef[], specs: InputSpec[], index: GraphIndex, replaces: Map<string, string>, file: string): NodeDef[] {
  if (specs.length === 0) return nodes;
  const byNode = new Map<string, Map<number, InputSpec>>();
  for (const s of specs) {
    const r = parseInput(s.tensor);
    const m = byNode.get(r.node) ?? new Map<number, InputSpec>();
    m.set(r.port, s);
    byNode.set(r.node, m);
  }
  const rename = new Map<string, string>();
  const replacement = new Map<string, NodeDef[]>();
  for (const [node, ports] of byNode) {
    for (const [port, spec] of ports) {
      const info = outputInfo(index.node(node), port);
      const dtype = spec.dtype ?? info.dtype;
      if (dtype === undefined) fail('USAGE', 'Cannot make a placeholder', [`the dtype of ${spec.tensor} is not recorded in the graph; give it as ${spec.tensor}:float32:[-1,...]`], file);
      const shape = spec.shape !== undefined ? spec.shape : (info.shape ?? null);
      const name = port === 0 ? node : `${node}/component_${port}`;
      rename.set(`${node}:${port}`, name);
      replaces.set(name, `${node}:${port}`);
      const list = replacement.get(node) ?? [];
      list.push({ name, op: 'Placeholder', input: [], attr: { dtype: { type: dtype }, shape: { shape: shapeProto(shape ?? undefined) } } });
      replacement.set(node, list);
    }
  }
  const out: NodeDef[] = [];
  for (const n of nodes) {
    const repl = replacement.get(n.name ?? '');
    if (repl) {
      out.push(...repl);
      continue;
    }
    let changed = false;
    const input = (n.input ?? []).map((s) => {
      const r = parseInput(s);
      if (r.control) return s;
      const to = rename.get(`${r.node}:${r.port}`);
      if (to !== undefined) {
        changed = true;
        return to;
      }
      if (byNode.has(r.node)) fail('USAGE', `Cannot cut at ${r.node}`, [`${n.name} also uses ${s}; add it to --inputs too`], file);
      return s;
    });
    out.push(changed ? { ...n, input } : n);
  }
  return out;
}

/** --inputs naming an existing Placeholder sets its dtype/shape. */
function overridePlaceholders(nodes: NodeDef[], specs: InputSpec[]): NodeDef[] {
  if (specs.length === 0) return nodes;
  const bySpec = new Map(specs.map((s) => [parseInput(s.tensor).node, s]));
  return nodes.map((n) => {
    const s = bySpec.get(n.name ?? '');
    if (!s || (n.op !== 'Placeholder' && n.op !== 'PlaceholderWithDefault')) return n;
    const c = cloneNode(n);
    const attr = c.attr as Record<string, tf.AttrValue.$Properties>;
    if (s.dtype !== undefined) attr['dtype'] = { type: s.dtype };
    if (s.shape !== undefined) attr['shape'] = { shape: shapeProto(s.shape ?? undefined) };
    delete attr['_output_shapes'];
    return c;
  });
}

