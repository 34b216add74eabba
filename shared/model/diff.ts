/**
 * The result of comparing two sources (issue #7): what `frost diff --json` prints and what the
 * `diff:run` channel answers. Plain JSON, built in core. The graph part lets a UI color both
 * graphs and an overlay (`sides.a` / `sides.b`: node name → kind, for every node that is not
 * unchanged; `pairs`: A name → B name where a matched pair's names differ), and put weight
 * deltas on variable nodes (`GraphNodeDiff.checkpointKey` → `CheckpointDiff.variables[].key`).
 */

/**
 * How a node fares from A to B:
 * - added / removed: only in B / only in A;
 * - changed: matched, with differences listed in `changes`;
 * - renamed: matched by structural signature under another name (may also have `changes`);
 * - frozen: a variable became a Const (or a read of it was rewritten or folded away) by freezing;
 * - cut: an input-pipeline op (a dequeue) replaced by a Placeholder, or a placeholder standing for one.
 */
export type NodeDiffKind = 'added' | 'removed' | 'changed' | 'renamed' | 'frozen' | 'cut';

export type NodeChangeField = 'op' | 'inputs' | 'attrs' | 'device' | 'dtype' | 'shape';

export interface NodeChange {
  field: NodeChangeField;
  /** The attr key for attrs / dtype / shape changes. */
  key?: string;
  /** Short readable text of the A value ('' when absent). */
  before: string;
  /** Short readable text of the B value ('' when absent). */
  after: string;
}

export interface GraphNodeDiff {
  kind: NodeDiffKind;
  /** Node name in A (absent for added). */
  a?: string;
  /** Node name in B (absent for removed). */
  b?: string;
  opA?: string;
  opB?: string;
  /** How a pair was matched (absent for added / removed). */
  matchedBy?: 'name' | 'signature';
  changes?: NodeChange[];
  /** For variables (frozen ones too): the checkpoint key of their value, a key of `CheckpointDiff.variables`. */
  checkpointKey?: string;
  /**
   * Frozen variables: whether the Const holds the checkpoint's value ('unchecked' when A has
   * no readable checkpoint entry); `weights` has the deltas when it differs.
   */
  value?: 'same' | 'differs' | 'unchecked';
  weights?: WeightDelta;
  /** One sentence on why this kind was chosen (e.g. "read of a frozen variable, folded away"). */
  note?: string;
}

/** Counts of nodes per kind (`unchanged` = matched with no difference). */
export interface KindCounts {
  added: number;
  removed: number;
  changed: number;
  renamed: number;
  frozen: number;
  cut: number;
  unchanged: number;
}

export interface ScopeDiffSummary extends KindCounts {
  /** Top-level name scope (`dnn`, `gradients`), or '' for nodes at the root. */
  scope: string;
}

export interface GraphDiff {
  nodesA: number;
  nodesB: number;
  counts: KindCounts;
  /** True when B looks like a frozen form of A (its variables became Consts). */
  freezing: boolean;
  /**
   * Differences the freezer always makes and that are therefore not counted as changes when
   * `freezing` is true: device placements cleared, ref dtypes turned into value dtypes.
   */
  freezeNormalized: { devicesCleared: number; refTypesDropped: number };
  /** Every node that is not unchanged, A's order first, then B's added nodes. */
  nodes: GraphNodeDiff[];
  /** Node name → kind, per side, for nodes that are not unchanged (absent = unchanged). */
  sides: { a: Record<string, NodeDiffKind>; b: Record<string, NodeDiffKind> };
  /** A name → B name for matched pairs whose names differ (renamed, cut components). */
  pairs: Record<string, string>;
  scopes: ScopeDiffSummary[];
  /** Rounds of signature matching run (bounded) and pairs they found. */
  signatureRounds: number;
  ms: number;
}

/**
 * Value deltas of one tensor, B − A, computed in float64:
 * maxAbs = max |b−a|; meanAbs = mean |b−a|; relL2 = ‖b−a‖₂ / ‖a‖₂ (null when ‖a‖₂ = 0 and
 * b ≠ a; 0 when both are zero); cosine = a·b / (‖a‖₂‖b‖₂) (null when either norm is 0);
 * changedPercent = 100 × (elements whose stored values differ) / elements. NaN = NaN counts
 * as unchanged; NaN or ±Inf deltas make the float statistics null.
 */
export interface WeightDelta {
  elements: number;
  changed: number;
  changedPercent: number;
  maxAbs: number | null;
  meanAbs: number | null;
  relL2: number | null;
  cosine: number | null;
}

export interface VariableDiff {
  key: string;
  dtypeA: string;
  dtypeB: string;
  shapeA: number[];
  shapeB: number[];
  /**
   * compared: values compared (see `delta`); dtype / shape: they differ, values not compared;
   * unreadable: a side could not be read (`problem` says why); skipped: a dtype without
   * comparable values (resource, variant).
   */
  status: 'compared' | 'dtype' | 'shape' | 'unreadable' | 'skipped';
  /** Numeric tensors: the deltas. Strings: only elements / changed / changedPercent, the rest null. */
  delta?: WeightDelta;
  /** Partitioned in either checkpoint: compared as whole assembled tensors by their full key. */
  partitioned?: boolean;
  problem?: string;
}

export interface CheckpointSideInfo {
  prefix: string;
  step?: number;
}

export interface CheckpointDiff {
  a: CheckpointSideInfo;
  b: CheckpointSideInfo;
  /** Keys in both checkpoints, in key order. */
  variables: VariableDiff[];
  onlyInA: { key: string; dtype: string; shape: number[] }[];
  onlyInB: { key: string; dtype: string; shape: number[] }[];
  totals: {
    compared: number;
    /** Compared variables with at least one changed element. */
    changed: number;
    unchanged: number;
    /** Variables whose dtype or shape differ. */
    mismatched: number;
    unreadable: number;
    /** Payload bytes read from both checkpoints. */
    bytesRead: number;
  };
  ms: number;
}

export interface DiffResult {
  a: { path: string; format: string };
  b: { path: string; format: string };
  /** Present when both sides have a graph. */
  graph?: GraphDiff;
  /** Present when both sides have checkpoint variables. */
  checkpoint?: CheckpointDiff;
  /** What could not be compared and why (e.g. one side has no graph). */
  notes: string[];
  ms: number;
}
