/**
 * The `checkpoint` state file beside TF checkpoints (tf-formats.md §1.2): a text-format
 * `CheckpointState` naming the newest prefix and the ones still kept. Steps are listed even
 * when their files are gone; `prefixExists` is how a caller checks.
 */
import { basename, isAbsolute, join, relative, resolve, win32 } from 'node:path';
import { FrostError } from '../errors.js';
import { isFile, readWholeFile } from '../io/file.js';
import { globFiles, hasGlob } from '../io/glob.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseTextProto, printTextProto } from '../proto/text-format.js';
import { tensorflow } from '../proto/tf.js';

export const STATE_FILE_NAME = 'checkpoint';

/** A state file is a few lines; anything bigger is not one. */
const MAX_STATE_FILE_BYTES = 16 * 1024 * 1024;

export interface CheckpointStateEntry {
  /** Absolute prefix, resolved against the folder (V1 sharded prefixes stay glob patterns). */
  prefix: string;
  /** The path exactly as the state file wrote it. */
  recorded: string;
  /** Seconds since the epoch (CheckpointManager only). */
  timestamp?: number;
}

export interface CheckpointStateInfo {
  /** Absolute prefix of `model_checkpoint_path`; absent when the file leaves it empty (invalid, §1.2). */
  latest?: string;
  all: CheckpointStateEntry[];
  lastPreservedTimestamp?: number;
}


/**
 * Whether a checkpoint with this prefix is on disk, by TensorFlow's rule (§1.4):
 * `prefix.index` (V2), else the prefix as a V1 file or glob of V1 shards.
 */
export async function prefixExists(prefix: string): Promise<boolean> {
  if (await isFile(`${prefix}.index`)) return true;
  if (hasGlob(basename(prefix))) return (await globFiles(prefix)).length > 0;
  return isFile(prefix);
}

/**
 * Absolute on this OS, a Windows path read on POSIX (a folder copied between machines), or a
 * URL such as gs://bucket/run/model.ckpt-5 (training that wrote to cloud storage, copied down).
 */
function looksAbsolute(p: string): boolean {
  return isAbsolute(p) || win32.isAbsolute(p) || /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

function lastComponent(p: string): string {
  const parts = p.split(/[\\/]/).filter((s) => s !== '');
  return parts.at(-1) ?? p;
}

/**
 * Relative paths are relative to the folder of the state file. An absolute path (§1.2) is
 * first looked up by its name in this folder: a folder copied off a training box keeps the
 * old absolute paths, and the files beside the state file are the ones the user opened —
 * even when the old location still exists (an earlier copy, a mounted share) with other
 * data, or lies outside what `frost serve` may read. Only when this folder lacks that
 * checkpoint is the absolute path itself used.
 */
export async function resolveRecordedPrefix(recorded: string, folder: string): Promise<string> {
  if (!looksAbsolute(recorded)) return resolve(folder, recorded);
  const local = join(resolve(folder), lastComponent(recorded));
  if (await prefixExists(local)) return local;
  if (isAbsolute(recorded)) {
    const native = resolve(recorded);
    if (await prefixExists(native)) return native;
  }
  return local;
}

/** Interprets the text of a state file that lives in `folder`. */
export async function parseCheckpointState(text: string, folder: string, file = join(folder, STATE_FILE_NAME)): Promise<CheckpointStateInfo> {
  const state = parseTextProto(text, 'tensorflow.CheckpointState', file);
  const info: CheckpointStateInfo = { all: [] };
  // TF rejects an empty model_checkpoint_path; the other entries may still be useful.
  const latest = state.modelCheckpointPath;
  if (latest) info.latest = await resolveRecordedPrefix(latest, folder);
  const stamps = state.allModelCheckpointTimestamps;
  state.allModelCheckpointPaths.forEach((recorded, i) => {
    if (recorded === '') return;
    const entry: CheckpointStateEntry = { prefix: '', recorded };
    const ts = stamps[i];
    if (ts !== undefined) entry.timestamp = ts;
    info.all.push(entry);
  });
  for (const entry of info.all) entry.prefix = await resolveRecordedPrefix(entry.recorded, folder);
  if (state.lastPreservedTimestamp) info.lastPreservedTimestamp = state.lastPreservedTimestamp;
  return info;
}

/** Reads `folder/checkpoint` (or another state file name, like TF's `latest_filename`). */
export async function readCheckpointState(folder: string, stateFileName = STATE_FILE_NAME): Promise<CheckpointStateInfo> {
  const file = join(folder, stateFileName);
  const bytes = await readWholeFile(file, MAX_STATE_FILE_BYTES);
  if (bytes.includes(0)) {
    throw new FrostError('CORRUPT', `${file} is not a checkpoint state file: it holds binary data, not text.`, { file });
  }
  return parseCheckpointState(bytes.toString('utf8'), folder, file);
}

export interface CheckpointStateToWrite {
  /** The newest prefix (absolute, or relative to the folder). */
  latest: string;
  /** Prefixes still kept, oldest first; `latest` is appended when it is not last (as TF does). */
  all?: readonly (string | { prefix: string; timestamp?: number })[];
  lastPreservedTimestamp?: number;
}

/** Prefixes inside the folder are written relative to it (portable, like CheckpointManager). */
function recordedForm(prefix: string, folder: string): string {
  if (!isAbsolute(prefix)) return prefix;
  const rel = relative(resolve(folder), prefix);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : prefix;
}

/** Writes `folder/checkpoint` atomically in the text format TF's own writers produce. */
export async function writeCheckpointState(
  folder: string,
  state: CheckpointStateToWrite,
  options: { stateFileName?: string; inputs?: readonly string[] } = {},
): Promise<void> {
  if (state.latest === '') throw new FrostError('USAGE', 'A checkpoint state needs a non-empty latest prefix.');
  const entries = (state.all ?? []).map((e) => (typeof e === 'string' ? { prefix: e } : e));
  const latest = recordedForm(state.latest, folder);
  const paths = entries.map((e) => recordedForm(e.prefix, folder));
  const stamps = entries.map((e) => e.timestamp);
  if (paths.at(-1) !== latest) {
    paths.push(latest);
    stamps.push(undefined);
  }
  const msg = new tensorflow.CheckpointState({ modelCheckpointPath: latest, allModelCheckpointPaths: paths });
  // Timestamps pair with paths by position, so they are written only when every path has one.
  if (stamps.every((t) => t !== undefined)) msg.allModelCheckpointTimestamps = stamps as number[];
  if (state.lastPreservedTimestamp !== undefined) msg.lastPreservedTimestamp = state.lastPreservedTimestamp;
  const text = printTextProto(msg, 'tensorflow.CheckpointState');
  await writeFileAtomic(join(folder, options.stateFileName ?? STATE_FILE_NAME), new TextEncoder().encode(text), options.inputs ? { inputs: options.inputs } : {});
}
