/**
 * Decides what a path is, by name first and by magic bytes when the name says nothing
 * (tf-formats.md §1.1, §1.4, §2.2). Cheap: reads at most the first and last 48 bytes.
 */
import { basename } from 'node:path';
import { RandomAccessFile } from '../io/file.js';

export type FileKind =
  | 'state-file'
  | 'v2-index'
  | 'v2-data'
  | 'v1-table'
  | 'meta-graph'
  | 'graph-def'
  | 'graph-text'
  | 'saved-model'
  | 'unknown';

/** Last 8 bytes of every SSTable (.index files and V1 checkpoints): 0xdb4775248b80fb57 LE (§2.2). */
const TABLE_MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];

export const DATA_SHARD_RE = /\.data-(\d{5,})-of-(\d{5,})$/;
export const V1_SHARD_RE = /-(\d{5,}|\?{5,})-of-(\d{5,})$/;

export function kindFromName(path: string): FileKind | undefined {
  const name = basename(path);
  if (name === 'checkpoint') return 'state-file';
  if (name === 'saved_model.pb' || name === 'saved_model.pbtxt') return 'saved-model';
  if (name.endsWith('.index')) return 'v2-index';
  if (DATA_SHARD_RE.test(name)) return 'v2-data';
  if (name.endsWith('.meta')) return 'meta-graph';
  if (name.endsWith('.pbtxt') || name.endsWith('.prototxt')) return 'graph-text';
  if (name.endsWith('.pb')) return 'graph-def';
  return undefined;
}

export function hasTableMagic(tail: Uint8Array): boolean {
  if (tail.length < 8) return false;
  const off = tail.length - 8;
  return TABLE_MAGIC.every((b, i) => tail[off + i] === b);
}

/** Name-based kind, else content sniffing: an SSTable without .index is a V1 checkpoint. */
export async function detectFile(path: string): Promise<FileKind> {
  const byName = kindFromName(path);
  if (byName) return byName;
  const f = await RandomAccessFile.open(path);
  try {
    if (f.size >= 48 && hasTableMagic(await f.read(f.size - 8, 8, 'the table magic'))) return 'v1-table';
    if (f.size === 0) return 'unknown';
    const head = await f.read(0, Math.min(64, f.size), 'the file header');
    const text = Buffer.from(head).toString('latin1');
    if (/^\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:/.test(text)) return 'state-file';
    if (/^\s*(#.*\n\s*)*(node|meta_info_def|graph_def|versions|library)\s*[{<:]/.test(text)) return 'graph-text';
    // A binary protobuf starting with field 1 or 2, length-delimited: some kind of graph.
    if (head[0] === 0x0a || head[0] === 0x12 || head[0] === 0x08) return 'graph-def';
    return 'unknown';
  } finally {
    await f.close();
  }
}

/** Global step from a prefix like `model.ckpt-1234` or `ckpt-6` (§1.3). */
export function stepOfPrefix(prefix: string): number | undefined {
  const name = basename(prefix).replace(V1_SHARD_RE, '');
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The MetaGraph file of a checkpoint prefix: strip a V1 shard suffix, add `.meta` (§1.3). */
export function metaFileOfPrefix(prefix: string): string {
  return `${prefix.replace(V1_SHARD_RE, '')}.meta`;
}
