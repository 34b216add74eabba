/**
 * What a loaded graph contains, as plain JSON for `frost inspect` and the app's side panels:
 * node and op counts, versions, collections decoded per §9, queue runners and signatures.
 */
import type { GraphSummaryJSON, SignatureJSON, SignatureTensorJSON } from '../../../shared/model/inspect-report.js';
import { compareUtf8 } from '../proto/map-order.js';
import { toNumber, type tensorflow } from '../proto/tf.js';
import { dtypeName } from '../tensor/dtype.js';
import { QUEUE_RUNNERS, queueRunnersOf, summarizeCollection } from './collections.js';
import type { LoadedGraph } from './load-graph.js';

export type GraphSummary = Omit<GraphSummaryJSON, 'file'>;

function sortedEntries<T>(map: Record<string, T> | null | undefined): [string, T][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => compareUtf8(a, b));
}

function tensorName(info: tensorflow.TensorInfo.$Properties): string {
  if (info.name) return info.name;
  if (info.cooSparse) return info.cooSparse.valuesTensorName ?? '';
  if (info.compositeTensor) return `composite(${(info.compositeTensor.components ?? []).map(tensorName).join(', ')})`;
  return '';
}

function signatureTensor(key: string, info: tensorflow.TensorInfo.$Properties): SignatureTensorJSON {
  const t: SignatureTensorJSON = { key, name: tensorName(info) };
  if (info.dtype) t.dtype = dtypeName(info.dtype);
  const shape = info.tensorShape;
  if (shape) t.shape = shape.unknownRank ? null : (shape.dim ?? []).map((d) => toNumber(d.size));
  return t;
}

function signaturesOf(meta: tensorflow.MetaGraphDef | undefined): SignatureJSON[] {
  return sortedEntries(meta?.signatureDef).map(([key, sig]) => ({
    key,
    method: sig.methodName ?? '',
    inputs: sortedEntries(sig.inputs).map(([k, v]) => signatureTensor(k, v)),
    outputs: sortedEntries(sig.outputs).map(([k, v]) => signatureTensor(k, v)),
  }));
}

export function summarizeGraph(loaded: LoadedGraph): GraphSummary {
  const g = loaded.graphDef;
  const counts = new Map<string, number>();
  for (const n of g.node) {
    const op = n.op ?? '';
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  const meta = loaded.metaGraph;
  const collectionDef = meta?.collectionDef ?? {};
  const summary: GraphSummary = {
    nodeCount: g.node.length,
    // fromEntries defines own properties, so an op named like an Object member stays data.
    ops: Object.fromEntries([...counts].sort(([a], [b]) => compareUtf8(a, b))),
    functionCount: g.library?.function?.length ?? 0,
    collections: sortedEntries(collectionDef).map(([name, c]) => summarizeCollection(name, c)),
    queueRunners: queueRunnersOf(Object.hasOwn(collectionDef, QUEUE_RUNNERS) ? collectionDef[QUEUE_RUNNERS] : undefined),
    signatures: signaturesOf(meta),
  };
  if (g.versions) summary.producer = g.versions.producer ?? 0;
  const info = meta?.metaInfoDef;
  if (info?.tensorflowVersion) summary.tensorflowVersion = info.tensorflowVersion;
  const tags = info?.tags?.length ? info.tags : loaded.savedModel?.chosenTags;
  if (tags && tags.length > 0) summary.tags = [...tags];
  return summary;
}
