/**
 * Verify (issue #6): the original graph and the frozen graph run with tfjs on the same inputs,
 * and the largest absolute difference per output. Plain data, shared by the core, the CLI
 * (`frost freeze --verify`), IPC (`freeze:verify`) and the UI.
 */

/** Values a user gives for one input instead of random ones, flattened row-major. */
export interface VerifyInputValues {
  /** Input of the frozen graph (a manifest `inputs[].name`). */
  name: string;
  values: number[];
  /** Needed when the placeholder has unknown dimensions; otherwise its static shape is used. */
  shape?: number[];
}

export interface VerifyOptions {
  /** Size given to unknown dimensions of random inputs (default 2). */
  batchSize?: number;
  /** Seed of the random inputs (default 1). */
  seed?: number;
  /** Largest max-abs difference that still passes (default 1e-5). */
  tolerance?: number;
  inputs?: VerifyInputValues[];
}

export interface VerifyFeedJSON {
  /** Placeholder of the frozen graph. */
  name: string;
  /** What the original graph is fed with the same values (a dequeue output, or the same placeholder). */
  original: string;
  dtype: string;
  shape: number[];
  source: 'random' | 'user';
}

export interface VerifyOutputJSON {
  name: string;
  dtype?: string;
  /** Shape of the frozen graph's result (or the original's when only that one ran). */
  shape?: number[];
  ranFrozen: boolean;
  ranOriginal: boolean;
  /** Largest |frozen − original| over all elements; null when either side did not run or shapes differ. */
  maxAbsDiff: number | null;
  pass: boolean;
  /** Why the output fails or could not be compared, in plain words. */
  note?: string;
}

export interface VerifyGraphJSON {
  ran: boolean;
  /** Ops of this graph tfjs cannot run (by op type, sorted). */
  unsupported: string[];
  /** Why it did not run, when it did not. */
  error?: string;
}

export interface VerifyFreezeResult {
  /** The tfjs backend that ran both graphs. */
  backend: 'wasm' | 'cpu';
  /** Why the wasm backend was not used, when it was not. */
  backendNote?: string;
  /** Where it ran: a worker thread (the app, serve, CLI) or inline (unit tests from sources). */
  ranIn: 'worker' | 'inline';
  tolerance: number;
  seed: number;
  batchSize: number;
  inputs: VerifyFeedJSON[];
  outputs: VerifyOutputJSON[];
  frozen: VerifyGraphJSON;
  original: VerifyGraphJSON;
  /** Every output ran in both graphs and agrees within the tolerance. */
  pass: boolean;
  ms: number;
}
