/**
 * Readable names for the keys of TF2 object-based checkpoints (tf-formats.md §6). Keys such
 * as `model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE` are paths through the
 * object graph; the graph stored under `_CHECKPOINTABLE_OBJECT_GRAPH` also records each
 * variable's own name (`dense/kernel`) and which variables are optimizer slots. Pure: the
 * caller reads the tensor.
 */
import { FrostError } from '../errors.js';
import { tensorflow } from '../proto/tf.js';

export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';
const ATTRIBUTES = '.ATTRIBUTES';
const OPTIMIZER_SLOT = '.OPTIMIZER_SLOT';
const VARIABLE_VALUE = 'VARIABLE_VALUE';

type TrackableObject = tensorflow.TrackableObjectGraph.TrackableObject.$Properties;

/** Undoes TF's local-name escaping, left to right: `..` → `.`, `.S` → `/` (§6). */
export function unescapeLocalName(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const n = s[i + 1];
    if (c === '.' && n === '.') {
      out += '.';
      i++;
    } else if (c === '.' && n === 'S') {
      out += '/';
      i++;
    } else out += c;
  }
  return out;
}

/** TF's escaping of an edge name inside a key: `.` → `..` first, then `/` → `.S`. */
export function escapeLocalName(s: string): string {
  return s.replace(/\./g, '..').replace(/\//g, '.S');
}

/** The name a key reads as without an object graph (§6, rule 2). */
export function nameFromKey(key: string): string {
  const parts = key.split('/');
  let attr: string | undefined;
  const at = parts.lastIndexOf(ATTRIBUTES);
  if (at >= 0) {
    attr = parts.slice(at + 1).join('/');
    parts.length = at;
  }
  if (parts.length === 0 || parts.every((p) => p === '')) return key;
  let name: string;
  const slotAt = parts.indexOf(OPTIMIZER_SLOT);
  if (slotAt >= 0 && slotAt + 1 < parts.length) {
    const variable = parts.slice(0, slotAt).map(unescapeLocalName).join('/');
    const slot = unescapeLocalName(parts.at(-1) as string);
    name = `slot ${slot} of ${variable}`;
  } else {
    name = parts.map(unescapeLocalName).join('/');
  }
  return attr === undefined || attr === '' || attr === VARIABLE_VALUE ? name : `${name} (${attr})`;
}

/** Decodes the `_CHECKPOINTABLE_OBJECT_GRAPH` string (§8.22). */
export function decodeObjectGraph(bytes: Uint8Array, file = 'the checkpoint'): tensorflow.TrackableObjectGraph {
  try {
    return tensorflow.TrackableObjectGraph.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new FrostError('CORRUPT', `The ${OBJECT_GRAPH_KEY} entry of ${file} is not a valid TrackableObjectGraph: ${why}.`, { file, cause: e });
  }
}

/** Paths from the root (node 0) along `children`, breadth first as TF walks it. */
function objectPaths(nodes: readonly TrackableObject[]): Map<number, string> {
  const paths = new Map<number, string>([[0, '']]);
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q] as number;
    const base = paths.get(id) as string;
    for (const child of nodes[id]?.children ?? []) {
      const cid = child.nodeId ?? 0;
      if (paths.has(cid) || cid < 0 || cid >= nodes.length) continue;
      const local = child.localName ?? '';
      paths.set(cid, base === '' ? local : `${base}/${local}`);
      queue.push(cid);
    }
  }
  return paths;
}

function namesFromGraph(graph: tensorflow.TrackableObjectGraph): Map<string, string> {
  const nodes = graph.nodes as TrackableObject[];
  const paths = objectPaths(nodes);
  const fullNameCount = new Map<string, number>();
  for (const n of nodes) {
    for (const a of n.attributes ?? []) if (a.fullName) fullNameCount.set(a.fullName, (fullNameCount.get(a.fullName) ?? 0) + 1);
  }
  const slots = new Map<number, { original: number; slot: string }>();
  for (const n of nodes) {
    for (const s of n.slotVariables ?? []) slots.set(s.slotVariableNodeId ?? 0, { original: s.originalVariableNodeId ?? 0, slot: s.slotName ?? '' });
  }
  const uniqueFullName = (id: number): string | undefined => {
    const a = nodes[id]?.attributes?.find((x) => x.name === VARIABLE_VALUE) ?? nodes[id]?.attributes?.[0];
    const full = a?.fullName;
    return full && fullNameCount.get(full) === 1 ? full : undefined;
  };
  const variableName = (id: number): string | undefined => uniqueFullName(id) ?? (paths.get(id) || undefined);

  const names = new Map<string, string>();
  nodes.forEach((n, id) => {
    for (const a of n.attributes ?? []) {
      const key = a.checkpointKey;
      if (!key) continue;
      const slot = slots.get(id);
      // Slot variables hang off the optimizer, not the variable: name them by the variable
      // they belong to (§6, rule 3).
      const owner = slot ? variableName(slot.original) : undefined;
      const base = slot ? (owner !== undefined ? `slot ${slot.slot} of ${owner}` : nameFromKey(key)) : (variableName(id) ?? nameFromKey(key));
      const attr = a.name ?? '';
      names.set(key, attr === '' || attr === VARIABLE_VALUE || base === nameFromKey(key) ? base : `${base} (${attr})`);
    }
  });
  return names;
}

/**
 * Checkpoint key → readable name for every key in `keys`: the variable's own `full_name`
 * when the object graph gives a unique one, else its object path; optimizer slots read
 * `slot m of dense/kernel`. Without an object graph (or with one that does not decode),
 * names come from the keys themselves.
 */
export function objectGraphNames(objectGraph: Uint8Array | undefined, keys: readonly string[]): Map<string, string> {
  let fromGraph = new Map<string, string>();
  if (objectGraph !== undefined) {
    try {
      fromGraph = namesFromGraph(tensorflow.TrackableObjectGraph.decode(objectGraph));
    } catch {
      // A damaged object graph only costs the nicer names; keys still read well.
    }
  }
  const out = new Map<string, string>();
  for (const key of keys) out.set(key, key === OBJECT_GRAPH_KEY ? key : (fromGraph.get(key) ?? nameFromKey(key)));
  return out;
}
