/**
 * Everything Verify runs, built on the calling thread (it reads files): the frozen .pb as
 * tfjs artifacts, the ORIGINAL graph pruned to the same outputs as tfjs artifacts, and the
 * feeds of both.
 *
 * The original graph runs as it is, with three substitutions that stand in for a TF Session
 * (docs/freezing.md §2.2 step 5, §6.5):
 *   - a ref variable (VariableV2 / Variable) becomes a Placeholder of the same name, fed with
 *     its value from the checkpoint — its `/read` Identity then reads that value;
 *   - a ReadVariableOp of a resource variable (VarHandleOp) becomes a Placeholder fed with the
 *     variable's value;
 *   - the dequeue components the freezer cut (manifest `inputs[].replaces`) are fed with the
 *     very values the frozen graph's placeholders get.
 * Control inputs are dropped from the original: they only order side effects (variable
 * updates, queue runners) that a single inference run must not perform.
 */
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import type { VerifyFeedJSON, VerifyOptions } from '../../../shared/model/verify-freeze.js';
import { FrostError } from '../errors.js';
import { loadGraph } from '../graph/load-graph.js';
import { GraphIndex, parseInput, type NodeDef } from '../freeze/graph-index.js';
import { VARIABLE_OPS, declaredVariable, mapVariablesToKeys } from '../freeze/variable-keys.js';
import { cutSlice } from '../freeze/write-frozen.js';
import type { Source } from '../source/open-source.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import { toNumber } from '../proto/tf.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { concreteShape, randomFeed, seededRandom, userFeed } from './random-inputs.js';
import { toTfjsArtifacts, toTfjsValue, type TfjsArtifacts, type TfjsTensorValue } from './tfjs-artifacts.js';

/** Weights larger than this are refused: both graphs' weights live in one wasm heap. */
export const VERIFY_WEIGHT_LIMIT_BYTES = 512 * 2 ** 20;
export const DEFAULT_TOLERANCE = 1e-5;
export const DEFAULT_BATCH = 2;

export interface GraphTask {
  model: TfjsArtifacts;
  feeds: Record<string, TfjsTensorValue>;
  /** Nodes fed instead of run (their op does not matter to tfjs). */
  fedNodes: string[];
  /** Why this graph cannot be run at all (values tfjs cannot hold, unreadable variables). */
  problems: string[];
}

export interface VerifyTask {
  frozen: GraphTask;
  original: GraphTask;
  outputs: string[];
  inputs: VerifyFeedJSON[];
  tolerance: number;
  seed: number;
  batchSize: number;
}

function constValues(nodes: readonly NodeDef[], where: string): Map<string, TensorData> {
  const values = new Map<string, TensorData>();
  for (const n of nodes) {
    if (n.op !== 'Const') continue;
    const proto = n.attr?.['value']?.tensor;
    if (proto) values.set(n.name ?? '', tensorFromProto(proto, `${where}, Const ${n.name}`));
  }
  return values;
}

function checkLimit(bytes: number, what: string): void {
  if (bytes > VERIFY_WEIGHT_LIMIT_BYTES) {
    throw new FrostError('TOO_LARGE', `${what} has ${Math.round(bytes / 2 ** 20)} MiB of weights; Verify runs models up to ${VERIFY_WEIGHT_LIMIT_BYTES / 2 ** 20} MiB.`);
  }
}

/** The static shape the original graph recorded for `tensor` (`_output_shapes`), when fully known. */
function recordedShape(index: GraphIndex, tensor: string): number[] | undefined {
  const ref = parseInput(tensor);
  const s = index.node(ref.node)?.attr?.['_output_shapes']?.list?.shape?.[ref.port];
  if (!s || s.unknownRank) return undefined;
  const dims = (s.dim ?? []).map((d) => toNumber(d.size));
  return dims.every((d) => d >= 0) ? dims : undefined;
}

/**
 * The feeds of the frozen graph's placeholders, and what each stands for in the original.
 * Without a batch size from the user, a cut dequeue's unknown dimensions take the sizes the
 * training graph recorded for it: graphs often bake the training batch into a constant
 * folded `Shape` (the iris estimator reshapes to [128, 4]), and only that batch runs in both.
 */
export function makeFeeds(manifest: FreezeManifest, options: VerifyOptions, index: GraphIndex): { feeds: VerifyFeedJSON[]; values: Map<string, TfjsTensorValue> } {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > 4096) throw new FrostError('USAGE', 'The batch size must be a whole number from 1 to 4096.');
  const next = seededRandom(options.seed ?? 1);
  const given = new Map((options.inputs ?? []).map((i) => [i.name.replace(/:0$/, ''), i]));
  const feeds: VerifyFeedJSON[] = [];
  const values = new Map<string, TfjsTensorValue>();
  for (const input of manifest.inputs) {
    const name = input.name.replace(/:0$/, '');
    const user = given.get(name);
    // A PlaceholderWithDefault keeps its default unless the user gives a value: it is usually a
    // mode switch (is_training = False) whose random value would turn dropout or batch
    // statistics on in both graphs.
    if (input.optional && !user) continue;
    let value: TfjsTensorValue | string;
    if (user) value = userFeed(user, input.dtype, input.shape);
    else {
      const recorded = options.batchSize === undefined && input.replaces ? recordedShape(index, input.replaces) : undefined;
      const fits = recorded && input.shape && recorded.length === input.shape.length && input.shape.every((d, i) => d < 0 || d === recorded[i]);
      const shape = fits ? recorded : concreteShape(input.shape, batch);
      value = shape ? randomFeed(input.dtype, shape, next) : `input ${name} has an unknown rank; give its values and shape`;
    }
    if (typeof value === 'string') {
      throw new FrostError('USAGE', `Verify cannot make a value for ${name}: ${value}.`);
    }
    values.set(name, value);
    feeds.push({ name, original: input.replaces ?? name, dtype: input.dtype, shape: value.shape, source: user ? 'user' : 'random' });
  }
  for (const name of given.keys()) {
    if (!manifest.inputs.some((i) => i.name.replace(/:0$/, '') === name)) throw new FrostError('USAGE', `The frozen graph has no input named ${name}.`);
  }
  return { feeds, values };
}

async function frozenTask(pbPath: string, feeds: VerifyFeedJSON[], values: Map<string, TfjsTensorValue>): Promise<GraphTask> {
  const loaded = await loadGraph(pbPath);
  const nodes = loaded.graphDef.node ?? [];
  const consts = constValues(nodes, pbPath);
  const model = toTfjsArtifacts(nodes, consts, loaded.graphDef.versions);
  checkLimit(model.weightBytes, 'The frozen graph');
  const fed: Record<string, TfjsTensorValue> = {};
  for (const f of feeds) fed[f.name] = values.get(f.name) as TfjsTensorValue;
  return { model, feeds: fed, fedNodes: feeds.map((f) => f.name), problems: [...model.unsupportedDtypes.map((d) => `Const ${d}`), ...model.unsupportedNodes] };
}

async function originalTask(source: Source, outputs: string[], feeds: VerifyFeedJSON[], values: Map<string, TfjsTensorValue>): Promise<GraphTask> {
  const loaded = source.graph;
  if (!loaded) throw new FrostError('USAGE', `${source.path} has no graph to verify against.`, { file: source.path });
  const index = new GraphIndex(loaded.graphDef.node ?? []);
  const problems: string[] = [];
  const fed: Record<string, TfjsTensorValue> = {};
  const fedNodes = new Set<string>();
  for (const f of feeds) {
    const ref = parseInput(f.original);
    if (!index.has(ref.node)) throw new FrostError('INVALID_GRAPH', `The original graph has no ${f.original}, which input ${f.name} replaces.`, { file: loaded.file });
    fed[ref.port === 0 ? ref.node : `${ref.node}:${ref.port}`] = values.get(f.name) as TfjsTensorValue;
    fedNodes.add(ref.node);
  }

  // Variables: ref variables are fed by name; a resource variable's reads are fed instead.
  const sources = mapVariablesToKeys(index, loaded.metaGraph ?? undefined, source.reader, source.displayNames);
  const readOf = new Map<string, string>(); // ReadVariableOp → its VarHandleOp
  for (const n of index.nodes) {
    if (n.op !== 'ReadVariableOp') continue;
    const handle = index.dataInputs(n.name ?? '')[0]?.node;
    if (handle !== undefined && index.op(handle) === 'VarHandleOp') readOf.set(n.name ?? '', handle);
  }
  const stop = new Set<string>([...fedNodes, ...readOf.keys()]);
  for (const n of index.nodes) if (VARIABLE_OPS.has(n.op ?? '')) stop.add(n.name ?? '');

  // Nodes the outputs need by data, stopping at fed nodes.
  const needed = new Set<string>();
  const stack = outputs.map((o) => parseInput(o).node);
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (needed.has(name)) continue;
    if (!index.has(name)) throw new FrostError('INVALID_GRAPH', `The original graph has no node ${name}.`, { file: loaded.file });
    needed.add(name);
    if (stop.has(name)) continue;
    for (const r of index.dataInputs(name)) stack.push(r.node);
  }

  const out: NodeDef[] = [];
  const reader = source.reader;
  const variableValue = async (node: string): Promise<TfjsTensorValue | undefined> => {
    const src = sources.get(node);
    if (!src || !reader) {
      problems.push(`variable ${node} has no value in the checkpoint`);
      return undefined;
    }
    const data = await reader.read(src.key);
    const v = toTfjsValue(src.slice ? cutSlice(data, src.slice) : data);
    if (typeof v === 'string') {
      problems.push(`variable ${node}: ${v}`);
      return undefined;
    }
    return v;
  };
  let variableBytes = 0;
  for (const n of index.nodes) {
    const name = n.name ?? '';
    if (!needed.has(name)) continue;
    const op = n.op ?? '';
    if (VARIABLE_OPS.has(op) || readOf.has(name)) {
      const varNode = readOf.get(name) ?? name;
      const declared = declaredVariable(index.node(varNode) as NodeDef);
      const v = await variableValue(varNode);
      if (v) {
        fed[name] = v;
        variableBytes += v.dtype === 'string' ? 0 : (v.data as Float32Array).byteLength;
        checkLimit(variableBytes, 'The original graph');
      }
      fedNodes.add(name);
      out.push({ name, op: 'Placeholder', input: [], attr: { dtype: { type: declared.dtype } } });
      continue;
    }
    if (fedNodes.has(name)) {
      out.push({ ...n, input: [] });
      continue;
    }
    out.push({ ...n, input: (n.input ?? []).filter((s) => !s.startsWith('^')) });
  }
  const model = toTfjsArtifacts(out, constValues(out, loaded.file), loaded.graphDef.versions);
  checkLimit(model.weightBytes + variableBytes, 'The original graph');
  problems.push(...model.unsupportedDtypes.map((d) => `Const ${d}`), ...model.unsupportedNodes);
  return { model, feeds: fed, fedNodes: [...fedNodes], problems };
}

/** Builds both graphs and their feeds for the freeze described by `manifest` (written to `pbPath`). */
export async function prepareVerify(source: Source, manifest: FreezeManifest, pbPath: string, options: VerifyOptions = {}): Promise<VerifyTask> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new FrostError('USAGE', 'The tolerance must be a number of 0 or more.');
  if (!source.graph) throw new FrostError('USAGE', `${source.path} has no graph to verify against.`, { file: source.path });
  const { feeds, values } = makeFeeds(manifest, options, new GraphIndex(source.graph.graphDef.node ?? []));
  const outputs = manifest.outputs.map((o) => o.name);
  const frozen = await frozenTask(pbPath, feeds, values);
  const original = await originalTask(source, outputs, feeds, values);
  return { frozen, original, outputs, inputs: feeds, tolerance, seed: options.seed ?? 1, batchSize: options.batchSize ?? DEFAULT_BATCH };
}
