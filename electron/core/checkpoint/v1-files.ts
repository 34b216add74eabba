/**
 * Which files make up a V1 checkpoint (tf-formats.md §1.3, §1.4): the prefix itself, or a
 * glob such as `P-?????-of-00002` (what the state file stores for sharded saves). A path
 * to one shard stands for all its siblings, and a bare `P` with only `P-NNNNN-of-NNNNN`
 * files next to it means those.
 */
import { basename } from 'node:path';
import { pathKind } from '../io/file.js';
import { globFiles, hasGlob } from '../io/glob.js';

const SHARD_RE = /-(\d{5,})-of-(\d{5,})$/;
const PATTERN_SHARD_RE = /-(\?{5,}|\d{5,})-of-(\d{5,}|\?{5,})$/;

export interface V1Files {
  /** Matching files, sorted. */
  files: string[];
  /** Shard count from the `-of-N` suffix when the checkpoint is sharded. */
  expectedShards?: number;
  /** Shard indexes the `-of-N` suffix promises but no file has. */
  missingShards: number[];
  /** The pattern the files were found with. */
  pattern: string;
}

export async function findV1Files(prefix: string): Promise<V1Files> {
  let pattern = prefix;
  if (!hasGlob(basename(prefix))) {
    const m = SHARD_RE.exec(prefix);
    if (m && (await pathKind(prefix)) === 'file') pattern = `${prefix.slice(0, m.index)}-${'?'.repeat(m[1]?.length ?? 5)}-of-${m[2] ?? ''}`;
    else if ((await pathKind(prefix)) === 'file') return { files: [prefix], missingShards: [], pattern };
    else pattern = `${prefix}-?????-of-?????`;
  }
  const files = await globFiles(pattern);
  const counts = new Set<number>();
  const seen = new Set<number>();
  for (const f of files) {
    const m = SHARD_RE.exec(f);
    if (!m) continue;
    seen.add(Number(m[1]));
    counts.add(Number(m[2]));
  }
  const out: V1Files = { files, missingShards: [], pattern };
  if (files.length > 0 && counts.size === 1 && PATTERN_SHARD_RE.test(pattern)) {
    const n = [...counts][0] as number;
    out.expectedShards = n;
    for (let i = 0; i < n; i++) if (!seen.has(i)) out.missingShards.push(i);
  }
  return out;
}
