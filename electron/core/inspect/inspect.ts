/**
 * The report behind `frost inspect` and the app's side panels: what the source is, its
 * checkpoint steps, every variable (checkpoint key, dtype, shape, bytes) and a graph summary.
 */
import type { InspectReport, ProblemJSON, VariableJSON, VerifyResultJSON } from '../../../shared/model/inspect-report.js';
import { FrostError } from '../errors.js';
import { dtypeName } from '../tensor/dtype.js';
import { summarizeGraph } from '../graph/summary.js';
import type { Source } from '../source/open-source.js';
import { OBJECT_GRAPH_KEY } from '../source/open-source.js';

export function problemOf(e: FrostError): ProblemJSON {
  return e.toJSON();
}

export function inspectSource(source: Source): InspectReport {
  const variables: VariableJSON[] = (source.reader?.list() ?? []).map((e) => {
    const v: VariableJSON = { name: e.key, dtype: dtypeName(e.dtype), shape: [...e.shape], bytes: e.bytes };
    if (e.partitions !== undefined) v.partitions = e.partitions;
    if (e.shard !== undefined) v.shard = e.shard;
    const display = source.displayNames.get(e.key);
    if (display !== undefined && display !== e.key) v.displayName = display;
    return v;
  });
  const report: InspectReport = {
    path: source.path,
    format: source.format,
    checkpoints: source.checkpoints,
    variables,
    totalBytes: variables.reduce((n, v) => n + v.bytes, 0),
    warnings: source.warnings.map(problemOf),
  };
  if (source.reader) {
    report.prefix = source.reader.prefix;
    report.checkpointFormat = source.reader.format === 'v1' ? 'v1' : source.reader.get(OBJECT_GRAPH_KEY) ? 'tf2-object' : 'v2';
  }
  if (source.graph) report.graph = { file: source.graph.file, ...summarizeGraph(source.graph) };
  return report;
}

/**
 * Checks every tensor's stored checksum (streamed, nothing kept in memory): the answer to
 * "did this checkpoint survive the copy from the training box?".
 */
export async function verifySource(
  source: Source,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
  /** Awaited before each tensor: lets tests make a check last long enough to watch and stop. */
  pace?: () => Promise<void>,
): Promise<VerifyResultJSON> {
  const result: VerifyResultJSON = { tensors: 0, bytes: 0, damaged: [] };
  const reader = source.reader;
  if (!reader) return result;
  const entries = reader.list().filter((e) => !e.opaque);
  // Progress before the first tensor too: the total is known at once.
  onProgress?.(0, entries.length);
  for (const [i, e] of entries.entries()) {
    if (pace) await pace();
    if (signal?.aborted) throw new FrostError('CANCELLED', `Checking ${source.path} was cancelled after ${i} of ${entries.length} tensors.`, { file: source.path });
    try {
      await reader.verify(e.key);
    } catch (err) {
      if (!(err instanceof FrostError)) throw err;
      result.damaged.push({ tensor: e.key, ...err.toJSON() });
    }
    result.tensors++;
    result.bytes += e.bytes;
    onProgress?.(i + 1, entries.length);
  }
  return result;
}
