/** The likely outputs and inputs of a graph (`frost outputs`, the app's Freeze suggestions). */

/** A likely output, best first. */
export interface RankedTensor {
  /** Node name (what --outputs and `freeze:run` take). */
  name: string;
  op: string;
  /** Higher is more likely; authoritative entries (signatures, collections) score 100 or more. */
  score: number;
  /** Why, in plain English, strongest first. */
  reasons: string[];
  /** Output port when it is not 0 (a signature naming `topk:1`). */
  port?: number;
  dtype?: string;
  /** -1 for an unknown dimension, null for an unknown rank. */
  shape?: number[] | null;
}

/** An input the suggested outputs need: a placeholder, or a dequeue / iterator the freeze will cut. */
export interface RankedInput {
  /** Placeholder node name, or the dequeue / iterator tensor (`batch:1`). */
  name: string;
  op: string;
  kind: 'placeholder' | 'placeholder-with-default' | 'dequeue' | 'iterator';
  dtype?: string;
  shape?: number[] | null;
  reasons: string[];
}

export interface OutputSuggestions {
  outputs: RankedTensor[];
  /** Inputs the top suggestion (or the authoritative outputs) needs. */
  inputs: RankedInput[];
}

/** What to pass to --outputs / `freeze:run` for a suggestion: `node`, or `node:k` for port k > 0. */
export function outputTensorName(t: Pick<RankedTensor, 'name' | 'port'>): string {
  return t.port ? `${t.name}:${t.port}` : t.name;
}
