/**
 * What `frost freeze --json` prints and writes beside the frozen .pb: every decision the
 * freezer made, in plain data (issue #3 "Manifest").
 */
import type { ProblemJSON } from './inspect-report.js';

export interface FrozenTensorJSON {
  /** Tensor name in the frozen graph: `node` for output 0, `node:k` otherwise. */
  name: string;
  dtype?: string;
  /** -1 for an unknown dimension; null for an unknown rank. */
  shape?: number[] | null;
}

export interface FrozenInputJSON extends FrozenTensorJSON {
  dtype: string;
  shape: number[] | null;
  /** The original tensor this new placeholder stands for (e.g. `shuffle_batch:0`). */
  replaces?: string;
  /** A PlaceholderWithDefault: feeding it is optional. */
  optional?: boolean;
}

/** One dequeue replaced by placeholders (docs/freezing.md §6.5). */
export interface QueueCutJSON {
  /** The dequeue node (QueueDequeueManyV2, IteratorGetNext, ...). */
  dequeue: string;
  op: string;
  /** The queue it read from, when known. */
  queue?: string;
  /** Placeholders that replace its live components. */
  placeholders: { component: number; name: string; dtype: string; shape: number[] | null }[];
  /** Nodes of the input pipeline that the cut removed (enqueue ops, readers, ...), counted. */
  removed: number;
}

export interface FrozenVariableJSON {
  /** Variable node in the graph. */
  node: string;
  /** Checkpoint key its value came from. */
  key: string;
  dtype: string;
  shape: number[];
  bytes: number;
  /** How the key was found: the Saver's restore subgraph, the VariableDef, or the node name. */
  via: 'restore-op' | 'variable-def' | 'node-name' | 'object-graph';
}

export interface RewriteJSON {
  node: string;
  from: string;
  to: string;
  why: string;
}

export interface FreezeManifest {
  source: string;
  checkpoint?: string;
  output?: string;
  inputs: FrozenInputJSON[];
  outputs: FrozenTensorJSON[];
  nodes: { before: number; after: number };
  variablesFrozen: number;
  /** Bytes of the frozen GraphDef. */
  bytes: number;
  cut: QueueCutJSON[];
  variables: FrozenVariableJSON[];
  rewrites: RewriteJSON[];
  functions: { kept: string[]; dropped: string[] };
  warnings: ProblemJSON[];
  /**
   * Ops to run once after importing the frozen graph, before its outputs: the initializers of
   * the lookup tables it keeps (`init_all_tables`, as TF Serving's main_op / legacy_init_op).
   */
  initOps?: string[];
  /** Wall time of the freeze, ms. */
  ms?: number;
}
