/**
 * The live preview of click-to-freeze (issue #6): what `freeze:run` would do for the chosen
 * outputs, computed without writing anything (`freeze:preview`).
 */
import type { FrozenInputJSON, QueueCutJSON } from './freeze-manifest.js';

/** A placeholder the user edited: overrides what Frost infers (the CLI's `--inputs name:dtype:shape`). */
export interface FreezeInputOverride {
  /** The tensor the placeholder stands for: a cut dequeue output (`batch:1`) or a placeholder's name. */
  tensor: string;
  /** TensorFlow's Python dtype name (`float32`). */
  dtype?: string;
  /** -1 for an unknown dimension; null for an unknown rank. */
  shape?: number[] | null;
}

export interface FreezePreviewWarning {
  kind: 'training-ops' | 'ref-rewrites' | 'stale-shapes' | 'other';
  /** What was found, in plain words. */
  message: string;
  /** What Frost will do about it. */
  action: string;
}

export interface FreezePreview {
  nodes: { before: number; kept: number; dropped: number };
  variablesFrozen: number;
  /** Bytes the frozen GraphDef will have (exact but for a few varints). */
  bytes: number;
  inputs: FrozenInputJSON[];
  cut: QueueCutJSON[];
  warnings: FreezePreviewWarning[];
  /** Names of the original graph's nodes the frozen graph keeps (the rest is dimmed on the graph). */
  kept: string[];
}
