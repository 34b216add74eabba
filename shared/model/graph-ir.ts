/**
 * The graph as the UI sees it: plain data built in core from any source (.meta, .pb,
 * .pbtxt, SavedModel). Protobuf objects never cross to the renderer (style anchors item 10).
 */

/** Op families, for colour and for side-lining auxiliary parts of training graphs. */
export type OpFamily =
  | 'input'
  | 'variable'
  | 'constant'
  | 'math'
  | 'nn'
  | 'array'
  | 'control'
  | 'queue'
  | 'io'
  | 'summary'
  | 'training'
  | 'function'
  | 'other';

export interface TensorTypeIR {
  dtype?: string;
  /** null = unknown rank; -1 = unknown dimension. */
  shape?: number[] | null;
}

export interface GraphNodeIR {
  name: string;
  op: string;
  family: OpFamily;
  /** Data inputs as tensor names: `node` for output 0, `node:k` otherwise. */
  inputs: string[];
  /** Control inputs (node names, without `^`). */
  controlInputs: string[];
  device?: string;
  /** Attributes as short readable text (dtype names, shapes, tensor previews). */
  attrs: Record<string, string>;
  /** Output dtypes/shapes when the graph records them. */
  outputs?: TensorTypeIR[];
  /** For variable nodes: the checkpoint key their value is read from. */
  checkpointKey?: string;
  /** Part of a queue / tf.data input pipeline. */
  pipeline?: boolean;
}

export interface GraphIR {
  /** The file the graph came from. */
  file: string;
  nodes: GraphNodeIR[];
  /** Names of the functions in the graph's library. */
  functions: string[];
}
