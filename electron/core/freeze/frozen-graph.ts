/**
 * The freezer's result before it is written: NodeDefs plus, for each Const that replaced a
 * variable, where its value comes from. Values stay in the checkpoint until the writer
 * streams them into the .pb, so freezing a 512 MB checkpoint never holds 512 MB of weights.
 */
import type { tensorflow } from '../proto/tf.js';
import type { TensorData } from '../tensor/tensor-data.js';
import type { NodeDef } from './graph-index.js';

export interface SliceSpec {
  start: number[];
  length: number[];
}

export type ConstValue =
  /** A value already in memory (an axis Const, a folded scalar, a tensor from a TensorProto). */
  | { kind: 'tensor'; data: TensorData }
  /**
   * A checkpoint tensor read when the graph is written; `slice` picks the part of a
   * partitioned variable that this Const stands for (docs/tf-formats.md §4.8, §8.18).
   */
  | { kind: 'checkpoint'; key: string; dtype: number; shape: number[]; slice?: SliceSpec };

export interface FrozenNode {
  /**
   * The NodeDef to write. When `value` is set it is a Const whose `value` attr the writer
   * fills in (as make_tensor_proto would, docs/tf-formats.md §10.1); `def.attr.value` is absent.
   */
  def: NodeDef;
  value?: ConstValue;
}

export interface FrozenGraph {
  nodes: FrozenNode[];
  library?: tensorflow.FunctionDefLibrary.$Properties | null;
  versions?: tensorflow.VersionDef.$Properties | null;
}
