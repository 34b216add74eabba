/**
 * The dtype of a node's output from its attrs, by what each op's attrs mean (an op's `T` is
 * often its input type: ArgMax, Shape, Size and Cast say their output type elsewhere). Shared
 * by output ranking, the freeze manifest and the graph IR, so they never disagree.
 */
import { attrType, attrTypes, type NodeDef } from './graph-index.js';
import { dequeueTypes, isDequeueOp } from './queues.js';

/** Ops that only read a tensor's shape (their output is int32/int64 whatever they read). */
export const SHAPE_OPS: ReadonlySet<string> = new Set(['Shape', 'ShapeN', 'Size', 'Rank', 'BroadcastGradientArgs', 'VariableShape']);

const BOOL_RESULT_OPS: ReadonlySet<string> = new Set([
  'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'LogicalNot',
  'IsNan', 'IsInf', 'IsFinite', 'InTopK', 'InTopKV2', 'ApproximateEqual', 'IsVariableInitialized', 'VarIsInitializedOp',
]);
const STRING_RESULT_OPS: ReadonlySet<string> = new Set(['AsString', 'StringFormat', 'ReduceJoin', 'StringJoin', 'Substr', 'EncodeBase64', 'DecodeBase64', 'EncodeJpeg', 'EncodePng']);

/** The dtype enum of output `port`, when the node's attrs say it; undefined rather than a guess. */
/** Attrs that hold the output type of most ops, in the order they are trusted. */
const TYPE_KEYS = ['dtype', 'T', 'out_type', 'Tout', 'output_type', 'DstT'] as const;

export function outputDtype(node: NodeDef, port: number): number | undefined {
  const op = node.op ?? '';
  if (BOOL_RESULT_OPS.has(op)) return 10;
  if (STRING_RESULT_OPS.has(op)) return 7;
  if (op === 'Merge' && port === 1) return 3;
  if (isDequeueOp(op)) return dequeueTypes(node)[port];
  if (op === 'Cast') return attrType(node, 'DstT');
  if (op === 'ArgMax' || op === 'ArgMin') return attrType(node, 'output_type') ?? 9;
  if (SHAPE_OPS.has(op)) return attrType(node, 'out_type') ?? 3;
  if (op === 'TopKV2' || op === 'TopK') return port === 1 ? 3 : attrType(node, 'T');
  if (op === 'IdentityN') return attrTypes(node, 'T')[port];
  if (op === 'ParseExample' || op === 'ParseExampleV2') return undefined;
  for (const key of TYPE_KEYS) {
    const t = attrType(node, key);
    if (t !== undefined) return t;
  }
  return attrTypes(node, 'component_types')[port] ?? attrTypes(node, 'output_types')[port] ?? attrTypes(node, 'Tout')[port];
}

