/**
 * `diffSources`: the one entry for comparing two things Frost opened (issue #7). Graphs are
 * compared when both sides have one, checkpoints when both have variables; what could not be
 * compared is said in `notes`. Variable nodes are linked to their checkpoint keys through the
 * Saver's restore subgraph (freezing.md §9), so a UI can put weight deltas on graph nodes, and
 * a frozen Const is checked against A's checkpoint value of the variable it replaced.
 */
import type { DiffResult } from '../../../shared/model/diff.js';
import { FrostError, isFrostError } from '../errors.js';
import { GraphIndex } from '../freeze/graph-index.js';
import { mapVariablesToKeys, type VariableSource } from '../freeze/variable-keys.js';
import { cutSlice } from '../freeze/write-frozen.js';
import type { Source } from '../source/open-source.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { diffCheckpoints } from './checkpoint-diff.js';
import { diffGraphs } from './graph-diff.js';

export interface DiffOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number, message: string): void;
  /** Skip the checkpoint part (graph only). */
  graphOnly?: boolean;
  /** Skip the graph part (checkpoint only). */
  checkpointOnly?: boolean;
}

function keysOf(source: Source): Map<string, VariableSource> {
  const g = source.graph;
  if (!g) return new Map();
  return mapVariablesToKeys(new GraphIndex(g.graphDef.node ?? []), g.metaGraph ?? undefined, source.reader, source.displayNames);
}

export async function diffSources(a: Source, b: Source, options: DiffOptions = {}): Promise<DiffResult> {
  const started = performance.now();
  const notes: string[] = [];
  const result: DiffResult = { a: { path: a.path, format: a.format }, b: { path: b.path, format: b.format }, notes, ms: 0 };
  const progress = options.onProgress;

  if (!options.checkpointOnly) {
    if (a.graph && b.graph) {
      progress?.(0, 1, 'Comparing the graphs…');
      const ka = keysOf(a);
      const kb = keysOf(b);
      const reader = a.reader;
      const checkpointValue = async (node: string): Promise<TensorData | undefined> => {
        const src = ka.get(node);
        if (!reader || !src) return undefined;
        try {
          const t = await reader.read(src.key);
          return src.slice ? cutSlice(t, src.slice) : t;
        } catch (e) {
          if (isFrostError(e)) return undefined; // reported by the checkpoint part, or by inspect
          throw e;
        }
      };
      result.graph = await diffGraphs(
        { nodes: a.graph.graphDef.node ?? [], keys: new Map([...ka].map(([n, s]) => [n, s.key])) },
        { nodes: b.graph.graphDef.node ?? [], keys: new Map([...kb].map(([n, s]) => [n, s.key])) },
        { checkpointValue, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } else if (a.graph || b.graph) {
      notes.push(`Graphs not compared: ${a.graph ? b.path : a.path} has no graph.`);
    }
  }
  if (options.signal?.aborted) throw new FrostError('CANCELLED', 'The diff was cancelled.');

  if (!options.graphOnly) {
    if (a.reader && b.reader) {
      result.checkpoint = await diffCheckpoints(a.reader, b.reader, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(progress ? { onProgress: (done: number, total: number, key: string) => progress(done, total, `Compared ${key}`) } : {}),
      });
    } else if (a.reader || b.reader) {
      notes.push(`Checkpoints not compared: ${a.reader ? b.path : a.path} has no checkpoint variables${result.graph?.freezing ? ' (frozen constants were checked against the checkpoint instead)' : ''}.`);
    }
  }
  if (!result.graph && !result.checkpoint && notes.length === 0) notes.push('Nothing to compare: neither side has a graph or checkpoint variables.');
  result.ms = performance.now() - started;
  return result;
}
