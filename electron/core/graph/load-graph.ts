/**
 * Loads a TensorFlow graph from any of the files that carry one: a binary `.meta`
 * (MetaGraphDef), a frozen `.pb` (GraphDef), a `.pbtxt` (text GraphDef or MetaGraphDef), or a
 * SavedModel (folder or `saved_model.pb[txt]`). The content decides, not the name: the
 * extension is only a tie-breaker. Decoding goes straight through the static classes with
 * no per-node conversion, so a 30k-node graph loads in tens of milliseconds.
 */
import { stat } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { FrostError, fsError } from '../errors.js';
import { readWholeFile } from '../io/file.js';
import { firstTextFieldName, parseTextProto } from '../proto/text-format.js';
import { tensorflow } from '../proto/tf.js';
import { chooseMetaGraph, savedModelVariablesPrefix } from './saved-model.js';
import { looksLikeText, remainingKinds, scanMessage, sniffBinaryGraph, textKindOfField, type BinaryGraphKind } from './sniff.js';

export type GraphFileKind = 'meta-graph' | 'graph-def' | 'graph-def-text' | 'meta-graph-text' | 'saved-model';

export interface LoadedGraph {
  kind: GraphFileKind;
  /** Absolute path of the file read. */
  file: string;
  /** The graph (for MetaGraphs and SavedModels: `metaGraph.graphDef`). */
  graphDef: tensorflow.GraphDef;
  metaGraph?: tensorflow.MetaGraphDef;
  savedModel?: { tagSets: string[][]; chosenTags: string[]; variablesPrefix?: string };
}

export interface LoadGraphOptions {
  /** SavedModel tag set to load (default `serve`, or the only MetaGraph). */
  tags?: string[];
  /** Most nodes a binary graph may have (default MAX_GRAPH_NODES; tests set it lower). */
  maxNodes?: number;
}

/** Protobuf and TensorFlow refuse messages of 2 GiB or more (§7, §10.4). */
export const MAX_GRAPH_BYTES = 2 ** 31 - 1;

/**
 * A decoded NodeDef takes about a kilobyte of heap, so a 2 GiB file of near-empty nodes would
 * exhaust memory long before the 2 GiB limit is reached. The largest real training graphs
 * have a few hundred thousand nodes; four million leaves ten times that room (issue #8).
 */
export const MAX_GRAPH_NODES = 4_000_000;

const SAVED_MODEL_FILES = ['saved_model.pb', 'saved_model.pbtxt'];

const LABEL: Record<BinaryGraphKind, string> = {
  'graph-def': 'GraphDef',
  'meta-graph': 'MetaGraphDef',
  'saved-model': 'SavedModel',
};

/** What the extension suggests; content sniffing has the last word. */
function hintFromName(file: string): GraphFileKind | undefined {
  const name = basename(file);
  if (name === 'saved_model.pb' || name === 'saved_model.pbtxt') return 'saved-model';
  const ext = extname(name).toLowerCase();
  if (ext === '.meta') return 'meta-graph';
  if (ext === '.pb' || ext === '.graphdef') return 'graph-def';
  if (ext === '.pbtxt' || ext === '.prototxt' || ext === '.txt') return 'graph-def-text';
  return undefined;
}

function binaryHint(hint: GraphFileKind | undefined): BinaryGraphKind | undefined {
  if (hint === 'graph-def-text') return 'graph-def';
  if (hint === 'meta-graph-text') return 'meta-graph';
  return hint;
}

/** A protobufjs error as a sentence a user can act on. */
function readableDecodeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const range = /index out of range: (\d+) \+ (\d+) > (\d+)/.exec(msg);
  if (range) return `a field at byte ${range[1]} needs ${range[2]} bytes but its message ends at byte ${range[3]} (the file is truncated or damaged)`;
  const wire = /invalid wire type (\d+) at offset (\d+)/.exec(msg);
  if (wire) return `byte ${wire[2]} has wire type ${wire[1]}, which is not valid protobuf (the file is damaged or not a graph)`;
  if (/max depth/.test(msg)) return 'messages are nested more than 100 levels deep';
  if (/utf-?8|invalid .*string/i.test(msg)) return 'a text field holds bytes that are not valid UTF-8';
  return msg;
}

/**
 * Structural checks: decoding alone accepts many byte strings that are not graphs. Unknown
 * top-level fields are fine when the wire structure already matched this kind (a newer TF),
 * and a sign of the wrong kind otherwise.
 */
function graphProblem(g: tensorflow.GraphDef.$Properties | null | undefined, tolerateUnknown: boolean): string | undefined {
  if (g === null || g === undefined) return undefined;
  if (!tolerateUnknown && g.$unknowns?.length) return 'it has fields a GraphDef does not have';
  const nodes = g.node ?? [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as tensorflow.NodeDef.$Properties;
    if (!n.name) return `node ${i} has no name`;
    if (!n.op) return `node ${n.name} has no op`;
  }
  return undefined;
}

function metaProblem(m: tensorflow.MetaGraphDef.$Properties, tolerateUnknown: boolean): string | undefined {
  if (!tolerateUnknown && m.$unknowns?.length) return 'it has fields a MetaGraphDef does not have';
  if (!m.graphDef && !m.metaInfoDef) return 'it has neither meta_info_def nor graph_def';
  if (!tolerateUnknown && m.metaInfoDef?.$unknowns?.length) return 'its meta_info_def has fields a MetaInfoDef does not have';
  return graphProblem(m.graphDef, tolerateUnknown);
}

interface Decoded {
  kind: BinaryGraphKind;
  graphDef: tensorflow.GraphDef;
  metaGraph?: tensorflow.MetaGraphDef;
  savedModel?: tensorflow.SavedModel;
}

function graphOfMeta(m: tensorflow.MetaGraphDef): tensorflow.GraphDef {
  return (m.graphDef as tensorflow.GraphDef | null | undefined) ?? new tensorflow.GraphDef();
}

/**
 * A reader that keeps unknown fields in `$unknowns` (protobufjs drops them by default): a
 * graph from a newer TF must survive a decode/encode round trip (§7), and unknown top-level
 * fields tell a misnamed file's real type.
 */
export function preservingReader(bytes: Uint8Array): protobuf.Reader {
  const r = protobuf.Reader.create(bytes);
  r.discardUnknown = false;
  return r;
}

/** Decodes as `kind` and checks the structure; returns the problem as text on failure. */
function tryDecode(bytes: Uint8Array, kind: BinaryGraphKind, tolerateUnknown: boolean): Decoded | string {
  try {
    if (kind === 'graph-def') {
      const g = tensorflow.GraphDef.decode(preservingReader(bytes));
      return graphProblem(g, tolerateUnknown) ?? { kind, graphDef: g };
    }
    if (kind === 'meta-graph') {
      const m = tensorflow.MetaGraphDef.decode(preservingReader(bytes));
      return metaProblem(m, tolerateUnknown) ?? { kind, graphDef: graphOfMeta(m), metaGraph: m };
    }
    const s = tensorflow.SavedModel.decode(preservingReader(bytes));
    if (!tolerateUnknown && s.$unknowns?.length) return 'it has fields a SavedModel does not have';
    if (s.metaGraphs.length === 0) return 'it holds no MetaGraphDef';
    for (const m of s.metaGraphs) {
      const p = metaProblem(m, tolerateUnknown);
      if (p !== undefined) return `its MetaGraphDef: ${p}`;
    }
    return { kind, graphDef: new tensorflow.GraphDef(), savedModel: s };
  } catch (e) {
    return readableDecodeError(e);
  }
}

/**
 * Counts the nodes of a binary GraphDef or MetaGraphDef (its graph_def, field 2) from the wire
 * alone — one cheap pass over the top level — so an oversized graph is refused before the
 * decoder builds an object per node.
 */
function checkNodeCount(bytes: Uint8Array, kind: BinaryGraphKind | undefined, file: string, maxNodes: number): void {
  let graph: Uint8Array | undefined = bytes;
  if (kind === 'meta-graph') graph = scanMessage(bytes).fields.get(2)?.first;
  else if (kind !== 'graph-def') return;
  const nodes = graph === undefined ? 0 : (scanMessage(graph).fields.get(1)?.count ?? 0);
  if (nodes > maxNodes) {
    throw new FrostError('TOO_LARGE', `${file} holds a graph of ${nodes} nodes, more than the ${maxNodes} Frost can open.`, { file });
  }
}

function decodeBinary(bytes: Uint8Array, file: string, hint: BinaryGraphKind | undefined, maxNodes = MAX_GRAPH_NODES): Decoded {
  const sniff = sniffBinaryGraph(bytes, hint);
  const likely = sniff.candidates[0] ?? hint;
  const label = likely === undefined ? 'TensorFlow graph' : LABEL[likely];
  if (sniff.problem !== undefined) {
    // The top level itself is broken: no decoder will do better than this description.
    throw new FrostError('CORRUPT', `${file} is not a valid ${label}: ${sniff.problem}.`, { file });
  }
  // Unrecognized bytes are decoded as a GraphDef first: count them as one.
  checkNodeCount(bytes, likely ?? 'graph-def', file, maxNodes);
  let firstProblem: string | undefined;
  for (const kind of [...sniff.candidates, ...remainingKinds(sniff.candidates, hint)]) {
    const r = tryDecode(bytes, kind, sniff.candidates.includes(kind));
    if (typeof r !== 'string') return r;
    firstProblem ??= r;
  }
  throw new FrostError('CORRUPT', `${file} is not a valid ${label}: ${firstProblem ?? 'it does not decode'}.`, { file });
}

function fromSavedModel(s: tensorflow.SavedModel, file: string, tags: readonly string[] | undefined): LoadedGraph {
  const chosen = chooseMetaGraph(s, file, tags);
  return {
    kind: 'saved-model',
    file,
    graphDef: graphOfMeta(chosen.metaGraph),
    metaGraph: chosen.metaGraph,
    savedModel: { tagSets: chosen.tagSets, chosenTags: chosen.chosenTags },
  };
}

function decodeText(bytes: Uint8Array, file: string, hint: GraphFileKind | undefined, tags: readonly string[] | undefined): LoadedGraph {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const first = firstTextFieldName(text);
  let kind = textKindOfField(first);
  if (kind === undefined && first === undefined) {
    // Nothing but comments: trust the name.
    kind = hint === 'meta-graph' || hint === 'meta-graph-text' ? 'meta-graph-text' : hint === 'saved-model' ? 'saved-model' : 'graph-def-text';
  }
  if (kind === undefined) {
    throw new FrostError('CORRUPT', `${file} is not a text GraphDef or MetaGraphDef: its first field is "${first ?? ''}", which neither has.`, { file });
  }
  if (kind === 'saved-model') return fromSavedModel(parseTextProto(text, 'tensorflow.SavedModel', file), file, tags);
  if (kind === 'meta-graph-text') {
    const m = parseTextProto(text, 'tensorflow.MetaGraphDef', file);
    return { kind, file, graphDef: graphOfMeta(m), metaGraph: m };
  }
  const g = parseTextProto(text, 'tensorflow.GraphDef', file);
  const problem = graphProblem(g, true);
  if (problem !== undefined) throw new FrostError('CORRUPT', `${file} is not a valid text GraphDef: ${problem}.`, { file });
  return { kind: 'graph-def-text', file, graphDef: g };
}

/**
 * Decodes the bytes of a graph file. `hint` (usually from the file name) only breaks ties:
 * the content decides between GraphDef, MetaGraphDef, SavedModel and their text forms.
 */
export function decodeGraphBytes(bytes: Uint8Array, file: string, hint?: GraphFileKind, options: LoadGraphOptions = {}): LoadedGraph {
  if (bytes.length === 0) throw new FrostError('CORRUPT', `${file} is empty: a graph file holds at least one node.`, { file });
  if (bytes.length > MAX_GRAPH_BYTES) {
    throw new FrostError('TOO_LARGE', `${file} is ${bytes.length} bytes: TensorFlow cannot parse a protobuf of 2 GiB or more.`, { file });
  }
  if (looksLikeText(bytes)) return decodeText(bytes, file, hint, options.tags);
  const d = decodeBinary(bytes, file, binaryHint(hint), options.maxNodes);
  if (d.savedModel !== undefined) return fromSavedModel(d.savedModel, file, options.tags);
  return d.metaGraph !== undefined ? { kind: 'meta-graph', file, graphDef: d.graphDef, metaGraph: d.metaGraph } : { kind: 'graph-def', file, graphDef: d.graphDef };
}

async function savedModelFileIn(dir: string): Promise<string> {
  for (const name of SAVED_MODEL_FILES) {
    const f = join(dir, name);
    try {
      if ((await stat(f)).isFile()) return f;
    } catch {
      // try the next name
    }
  }
  throw new FrostError('UNSUPPORTED_FORMAT', `${dir} is a folder without saved_model.pb: give the graph file itself (.meta, .pb or .pbtxt).`, { file: dir });
}

/** Reads and decodes a graph file, or the SavedModel in a folder. */
export async function loadGraph(path: string, options: LoadGraphOptions = {}): Promise<LoadedGraph> {
  let file = resolve(path);
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw fsError(e, file);
  }
  if (st.isDirectory()) {
    file = await savedModelFileIn(file);
    st = await stat(file);
  }
  if (st.size > MAX_GRAPH_BYTES) {
    throw new FrostError('TOO_LARGE', `${file} is ${st.size} bytes: TensorFlow cannot parse a protobuf of 2 GiB or more, so this is not a graph Frost can open.`, { file });
  }
  const bytes = await readWholeFile(file, MAX_GRAPH_BYTES);
  const loaded = decodeGraphBytes(bytes, file, hintFromName(file), options);
  if (loaded.savedModel !== undefined) {
    const prefix = await savedModelVariablesPrefix(dirname(file));
    if (prefix !== undefined) loaded.savedModel.variablesPrefix = prefix;
  }
  return loaded;
}
