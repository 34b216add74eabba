/**
 * What `frost inspect --json` prints and what the app's side panels show: plain data, no
 * protobuf objects, so it crosses IPC and HTTP unchanged.
 */

/** A serializable error or warning: a stable code and one readable sentence. */
export interface ProblemJSON {
  code: string;
  message: string;
  file?: string;
  offset?: number;
}

export type SourceFormat =
  | 'checkpoint-folder'
  | 'checkpoint-v2'
  | 'checkpoint-v1'
  | 'checkpoint-tf2'
  | 'meta-graph'
  | 'graph-def'
  | 'graph-def-text'
  | 'saved-model';

export interface VariableJSON {
  /** The checkpoint key. */
  name: string;
  /** TensorFlow's Python dtype name: float32, bfloat16, int64, string, ... */
  dtype: string;
  shape: number[];
  /** Stored bytes (for strings: the encoded payload size). */
  bytes: number;
  /** Present for partitioned variables: how many slices were saved. */
  partitions?: number;
  /** TF2 object-based checkpoints: a readable name (`dense/kernel`, `slot m of dense/kernel`). */
  displayName?: string;
  /** Data shard that holds it (V2), when one shard holds the whole value. */
  shard?: number;
}

export interface CheckpointStepJSON {
  /** The checkpoint prefix as an absolute path. */
  prefix: string;
  /** Global step parsed from the prefix (`model.ckpt-1234` gives 1234), when it has one. */
  step?: number;
  /** Whether the files of this step exist in the folder. */
  present: boolean;
  timestamp?: number;
  latest: boolean;
}

export interface CollectionJSON {
  name: string;
  kind: 'node_list' | 'bytes_list' | 'int64_list' | 'float_list' | 'any_list' | 'empty';
  size: number;
  /** Readable entries (node names, decoded VariableDef names, queue runner summaries). */
  items: string[];
}

export interface QueueRunnerJSON {
  queue: string;
  enqueueOps: string[];
  closeOp: string;
  cancelOp: string;
}

export interface SignatureTensorJSON {
  key: string;
  name: string;
  dtype?: string;
  shape?: number[] | null;
}

export interface SignatureJSON {
  key: string;
  method: string;
  inputs: SignatureTensorJSON[];
  outputs: SignatureTensorJSON[];
}

export interface GraphSummaryJSON {
  file: string;
  nodeCount: number;
  ops: Record<string, number>;
  functionCount: number;
  producer?: number;
  tensorflowVersion?: string;
  tags?: string[];
  collections: CollectionJSON[];
  queueRunners: QueueRunnerJSON[];
  signatures: SignatureJSON[];
}

export interface InspectReport {
  path: string;
  format: SourceFormat;
  /** Checkpoint format of the variables, when there are any. */
  checkpointFormat?: 'v1' | 'v2' | 'tf2-object';
  /** The checkpoint prefix whose variables are listed. */
  prefix?: string;
  checkpoints: CheckpointStepJSON[];
  variables: VariableJSON[];
  totalBytes: number;
  graph?: GraphSummaryJSON;
  /** Present when the checksums of every tensor were checked (`frost inspect --verify`). */
  verified?: VerifyResultJSON;
  warnings: ProblemJSON[];
}

export interface VerifyResultJSON {
  tensors: number;
  bytes: number;
  /** One problem per tensor whose stored bytes do not match their checksum or cannot be read. */
  damaged: (ProblemJSON & { tensor: string })[];
}
