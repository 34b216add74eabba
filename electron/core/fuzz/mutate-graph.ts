/**
 * Structure-aware mutations of a graph (issue #8: "the freezer over mutated graphs"). Byte
 * mutations mostly give protobufs that no longer decode, so the freezer would rarely run; here
 * a decoded MetaGraphDef or GraphDef gets graph-level damage instead — deleted, duplicated or
 * renamed nodes, dangling, self and cyclic inputs, wrong ops, missing or retyped attrs, stale
 * shapes — and is encoded again, so planFreeze and writeFreeze see every kind of broken graph
 * (freezing.md) a hand-edited or half-written file could hold.
 */
import { Long, tensorflow } from '../proto/tf.js';
import type { Rng } from './mutate.js';

type NodeDef = tensorflow.NodeDef;

const OPS = ['Const', 'Identity', 'VariableV2', 'VarHandleOp', 'ReadVariableOp', 'Placeholder', 'Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'Assign', 'RefSwitch', 'QueueDequeueV2', 'IteratorGetNext', 'StatefulPartitionedCall', 'While', 'If', 'NoOp', 'RestoreV2', 'MatMul', 'Add'];
const DTYPES = [0, 1, 2, 3, 7, 9, 10, 14, 19, 20, 21, 101, 120, 999];

function pickNode(nodes: NodeDef[], rng: Rng): NodeDef | undefined {
  return nodes.length === 0 ? undefined : nodes[rng.int(nodes.length)];
}

function mutateNodes(nodes: NodeDef[], rng: Rng): string {
  const n = pickNode(nodes, rng);
  const other = pickNode(nodes, rng);
  if (!n || !other) return 'none';
  switch (rng.int(12)) {
    case 0:
      nodes.splice(nodes.indexOf(n), 1);
      return 'delete-node';
    case 1:
      nodes.push(tensorflow.NodeDef.decode(tensorflow.NodeDef.encode(n).finish()));
      return 'duplicate-node';
    case 2:
      n.input = [...(n.input ?? []), other.name];
      return 'add-input';
    case 3:
      n.input = [...(n.input ?? []), n.name];
      return 'self-input';
    case 4:
      n.input = [...(n.input ?? []), `missing_${rng.int(100)}:${rng.int(3)}`];
      return 'dangling-input';
    case 5:
      other.input = [...(other.input ?? []), `^${n.name}`];
      n.input = [...(n.input ?? []), other.name];
      return 'cycle';
    case 6:
      n.op = rng.pick(OPS);
      return 'change-op';
    case 7: {
      const keys = Object.keys(n.attr ?? {});
      if (keys.length > 0) delete n.attr[rng.pick(keys)];
      return 'drop-attr';
    }
    case 8: {
      const keys = Object.keys(n.attr ?? {});
      const k = keys.length > 0 ? rng.pick(keys) : 'dtype';
      n.attr[k] = tensorflow.AttrValue.create(rng.int(2) === 0 ? { type: rng.pick(DTYPES) } : { list: { type: [rng.pick(DTYPES)] } });
      return 'retype-attr';
    }
    case 9:
      n.attr['_output_shapes'] = tensorflow.AttrValue.create({ list: { shape: [{ dim: [{ size: Long.fromNumber(-1) }, { size: Long.fromNumber(2 ** 40) }] }, { unknownRank: true }] } });
      return 'stale-shapes';
    case 10:
      n.name = rng.int(2) === 0 ? other.name : `${other.name}/renamed`;
      return 'rename-node';
    default:
      n.input = (n.input ?? []).map((i) => (rng.int(2) === 0 ? `${i}:${rng.int(5)}` : i));
      return 'input-ports';
  }
}

/** A structurally mutated copy of an encoded MetaGraphDef / GraphDef; undefined if it does not decode. */
export function mutateGraphBytes(bytes: Uint8Array, kind: 'meta-graph' | 'graph-def', rng: Rng): { bytes: Uint8Array; ops: string[] } | undefined {
  try {
    const ops: string[] = [];
    const count = 1 + rng.int(3);
    if (kind === 'meta-graph') {
      const m = tensorflow.MetaGraphDef.decode(bytes);
      const nodes = (m.graphDef?.node ?? []) as NodeDef[];
      for (let i = 0; i < count; i++) ops.push(`graph:${mutateNodes(nodes, rng)}`);
      return { bytes: tensorflow.MetaGraphDef.encode(m).finish(), ops };
    }
    const g = tensorflow.GraphDef.decode(bytes);
    for (let i = 0; i < count; i++) ops.push(`graph:${mutateNodes(g.node as NodeDef[], rng)}`);
    return { bytes: tensorflow.GraphDef.encode(g).finish(), ops };
  } catch {
    return undefined;
  }
}
