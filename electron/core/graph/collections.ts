/**
 * Readable items for MetaGraphDef collections (tf-formats.md §9): the standard keys whose
 * `bytes_list` values are serialized protos are decoded with that proto; other byte values
 * are shown as text when they are printable UTF-8.
 */
import type { CollectionJSON, QueueRunnerJSON } from '../../../shared/model/inspect-report.js';
import { tensorflow, toNumber, type Int64Like } from '../proto/tf.js';

type Collection = tensorflow.CollectionDef.$Properties;

/** Collections whose bytes are `VariableDef`s (§9). */
export const VARIABLE_COLLECTIONS: ReadonlySet<string> = new Set([
  'variables',
  'trainable_variables',
  'local_variables',
  'model_variables',
  'moving_average_variables',
  'metric_variables',
  'trainable_resource_variables',
  'concatenated_variables',
  'global_step',
]);

export const QUEUE_RUNNERS = 'queue_runners';
const SAVERS = 'savers';
const COND_CONTEXT = 'cond_context';
const WHILE_CONTEXT = 'while_context';

const SAVER_VERSIONS = ['LEGACY', 'V1', 'V2'];

function list(values: readonly Int64Like[]): string {
  return `[${values.map((v) => toNumber(v)).join(',')}]`;
}

export function describeVariableDef(v: tensorflow.VariableDef.$Properties): string {
  const notes: string[] = [];
  if (v.isResource) notes.push('resource');
  const s = v.saveSliceInfoDef;
  if (s) {
    notes.push(`part of ${s.fullName ?? ''}: offset ${list(s.varOffset ?? [])}, shape ${list(s.varShape ?? [])} of ${list(s.fullShape ?? [])}`);
  }
  const name = v.variableName ?? '';
  return notes.length > 0 ? `${name} (${notes.join('; ')})` : name;
}

export function queueRunnerOf(q: tensorflow.QueueRunnerDef.$Properties): QueueRunnerJSON {
  return { queue: q.queueName ?? '', enqueueOps: [...(q.enqueueOpName ?? [])], closeOp: q.closeOpName ?? '', cancelOp: q.cancelOpName ?? '' };
}

export function describeQueueRunner(q: tensorflow.QueueRunnerDef.$Properties): string {
  const r = queueRunnerOf(q);
  return `${r.queue} (enqueue ${r.enqueueOps.join(', ') || 'none'}; close ${r.closeOp || 'none'}; cancel ${r.cancelOp || 'none'})`;
}

function describeSaver(s: tensorflow.SaverDef.$Properties): string {
  const notes = [SAVER_VERSIONS[s.version ?? 0] ?? `version ${s.version ?? 0}`];
  if (s.sharded) notes.push('sharded');
  if (s.maxToKeep) notes.push(`max_to_keep ${s.maxToKeep}`);
  return `${s.filenameTensorName ?? ''} → restore ${s.restoreOpName ?? ''} (${notes.join(', ')})`;
}

function describeCond(c: tensorflow.CondContextDef.$Properties): string {
  return `cond ${c.contextName ?? ''} (pred ${c.predName ?? ''}, pivot ${c.pivotName ?? ''}, branch ${c.branch ?? 0})`;
}

function describeWhile(w: tensorflow.WhileContextDef.$Properties): string {
  return `while ${w.contextName ?? ''} (pivot ${w.pivotName ?? ''}, parallel_iterations ${w.parallelIterations ?? 0})`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Printable UTF-8 as text, anything else as a short hex preview. */
export function printableBytes(b: Uint8Array): string {
  try {
    const s = strictUtf8.decode(b);
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) return s;
  } catch {
    // not text
  }
  const hex = Array.from(b.subarray(0, 16), (x) => x.toString(16).padStart(2, '0')).join(' ');
  return `<${b.length} bytes: ${hex}${b.length > 16 ? ' ...' : ''}>`;
}

type Decoder = (b: Uint8Array) => string;

function decoderFor(name: string): { type: string; decode: Decoder } | undefined {
  if (VARIABLE_COLLECTIONS.has(name)) return { type: 'VariableDef', decode: (b) => describeVariableDef(tensorflow.VariableDef.decode(b)) };
  if (name === QUEUE_RUNNERS) return { type: 'QueueRunnerDef', decode: (b) => describeQueueRunner(tensorflow.QueueRunnerDef.decode(b)) };
  if (name === SAVERS) return { type: 'SaverDef', decode: (b) => describeSaver(tensorflow.SaverDef.decode(b)) };
  if (name === COND_CONTEXT) return { type: 'CondContextDef', decode: (b) => describeCond(tensorflow.CondContextDef.decode(b)) };
  if (name === WHILE_CONTEXT) return { type: 'WhileContextDef', decode: (b) => describeWhile(tensorflow.WhileContextDef.decode(b)) };
  return undefined;
}

function bytesItems(name: string, values: readonly Uint8Array[]): string[] {
  const d = decoderFor(name);
  return values.map((b) => {
    if (d === undefined) return printableBytes(b);
    try {
      return d.decode(b);
    } catch {
      // §9: show the bytes when they do not decode as the registered proto.
      return `<${b.length} bytes, not a valid ${d.type}>`;
    }
  });
}

export function summarizeCollection(name: string, c: Collection): CollectionJSON {
  if (c.nodeList) return { name, kind: 'node_list', size: c.nodeList.value?.length ?? 0, items: [...(c.nodeList.value ?? [])] };
  if (c.bytesList) {
    const values = c.bytesList.value ?? [];
    return { name, kind: 'bytes_list', size: values.length, items: bytesItems(name, values) };
  }
  if (c.int64List) {
    const values = c.int64List.value ?? [];
    return { name, kind: 'int64_list', size: values.length, items: values.map((v) => v.toString()) };
  }
  if (c.floatList) {
    const values = c.floatList.value ?? [];
    return { name, kind: 'float_list', size: values.length, items: values.map((v) => String(v)) };
  }
  if (c.anyList) {
    const values = c.anyList.value ?? [];
    return { name, kind: 'any_list', size: values.length, items: values.map((a) => `${a.typeUrl ?? ''} (${a.value?.length ?? 0} bytes)`) };
  }
  return { name, kind: 'empty', size: 0, items: [] };
}

/** Queue runners from the `queue_runners` collection (bytes_list, or any_list of QueueRunnerDef). */
export function queueRunnersOf(c: Collection | undefined): QueueRunnerJSON[] {
  if (c === undefined) return [];
  const out: QueueRunnerJSON[] = [];
  const tryAdd = (b: Uint8Array): void => {
    try {
      out.push(queueRunnerOf(tensorflow.QueueRunnerDef.decode(b)));
    } catch {
      // Reported in the collection's items; nothing to list here.
    }
  };
  for (const b of c.bytesList?.value ?? []) tryAdd(b);
  for (const a of c.anyList?.value ?? []) if (a.typeUrl?.endsWith('/tensorflow.QueueRunnerDef') && a.value) tryAdd(a.value);
  return out;
}
