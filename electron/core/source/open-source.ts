/**
 * Opens whatever the user points at — a checkpoint folder, a prefix, any one file of a
 * checkpoint, a .meta/.pb/.pbtxt graph, a SavedModel — and pairs graph and variables the way
 * TensorFlow does (tf-formats.md §1): the `checkpoint` state file names the steps, the newest
 * present step is opened, `<prefix>.meta` is its graph.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FrostError } from '../errors.js';
import { isFile, pathKind } from '../io/file.js';
import { globFiles, hasGlob } from '../io/glob.js';
import { openCheckpoint, type CheckpointReader } from '../checkpoint/reader.js';
import { readCheckpointState, prefixExists } from '../checkpoint/state-file.js';
import { objectGraphNames } from '../checkpoint/object-graph.js';
import { loadGraph, type LoadedGraph } from '../graph/load-graph.js';
import type { CheckpointStepJSON, SourceFormat } from '../../../shared/model/inspect-report.js';
import { DATA_SHARD_RE, V1_SHARD_RE, detectFile, metaFileOfPrefix, stepOfPrefix } from './detect.js';

export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

export interface OpenOptions {
  /** Open this global step instead of the latest one. */
  step?: number;
  /** SavedModel tag set (default: serve, or the only one). */
  tags?: string[];
  /** Use this graph file (.meta, .pb, .pbtxt) instead of the one paired with the checkpoint. */
  graph?: string;
  /**
   * May this file be read? Asked before every file the open reads by itself — the state file,
   * the checkpoint it names (which may be an absolute path elsewhere, §1.2), each data shard,
   * the graph, a SavedModel's variables — judged on the real path (symlinks followed). `frost
   * serve` passes its allow-list here; without it every file may be read.
   */
  allowFile?: (path: string) => boolean | Promise<boolean>;
}

async function checkAllowed(file: string, options: OpenOptions): Promise<void> {
  if (options.allowFile && !(await options.allowFile(file))) {
    throw new FrostError('FILE_UNREADABLE', `${file} is outside the folders Frost may read here.`, { file });
  }
}

/** The files opening `prefix` reads at once: its .index (V2), or its V1 file or shards (§1.4). */
async function checkCheckpointFiles(prefix: string, options: OpenOptions): Promise<void> {
  if (!options.allowFile) return;
  if (await isFile(`${prefix}.index`)) return checkAllowed(`${prefix}.index`, options);
  for (const f of hasGlob(basename(prefix)) ? await globFiles(prefix) : [prefix]) await checkAllowed(f, options);
}

/** Opens a checkpoint once its files are allowed; its data shards (read later) are checked too. */
async function openAllowedCheckpoint(prefix: string, options: OpenOptions): Promise<CheckpointReader> {
  await checkCheckpointFiles(prefix, options);
  const reader = await openCheckpoint(prefix);
  try {
    for (const f of reader.files) await checkAllowed(f, options);
  } catch (e) {
    await reader.close();
    throw e;
  }
  return reader;
}

export interface Source {
  /** Absolute path as the user gave it. */
  readonly path: string;
  readonly format: SourceFormat;
  /** The folder the checkpoint lives in, when there is one. */
  readonly folder: string | undefined;
  readonly checkpoints: CheckpointStepJSON[];
  /** The checkpoint whose variables are open. */
  readonly reader: CheckpointReader | undefined;
  readonly graph: LoadedGraph | undefined;
  /** TF2 object-based checkpoints: checkpoint key → readable name. */
  readonly displayNames: ReadonlyMap<string, string>;
  readonly warnings: FrostError[];
  close(): Promise<void>;
}

interface Plan {
  format: SourceFormat;
  folder?: string;
  prefix?: string;
  graphFile?: string;
  checkpoints: CheckpointStepJSON[];
  warnings: FrostError[];
}

export async function openSource(input: string, options: OpenOptions = {}): Promise<Source> {
  const path = resolve(input);
  const plan = await planSource(path, options);
  if (options.graph !== undefined) plan.graphFile = resolve(options.graph);
  let reader: CheckpointReader | undefined;
  let graph: LoadedGraph | undefined;
  try {
    if (plan.prefix !== undefined) reader = await openAllowedCheckpoint(plan.prefix, options);
    if (plan.graphFile !== undefined) {
      await checkAllowed(plan.graphFile, options);
      graph = await loadGraph(plan.graphFile, options.tags ? { tags: options.tags } : {});
    }
    if (!reader && graph?.savedModel?.variablesPrefix) {
      reader = await openAllowedCheckpoint(graph.savedModel.variablesPrefix, options);
    }
  } catch (e) {
    await reader?.close();
    throw e;
  }
  const displayNames = new Map<string, string>();
  let format = plan.format;
  if (format === 'checkpoint-v2' && reader?.format === 'v1') format = 'checkpoint-v1';
  if (reader?.get(OBJECT_GRAPH_KEY)) {
    if (format === 'checkpoint-v2') format = 'checkpoint-tf2';
    try {
      const t = await reader.read(OBJECT_GRAPH_KEY);
      const bytes = t.kind === 'string' ? t.strings[0] : undefined;
      const keys = reader.list().map((e) => e.key);
      for (const [k, v] of objectGraphNames(bytes, keys)) displayNames.set(k, v);
    } catch (e) {
      if (!(e instanceof FrostError)) throw e;
      plan.warnings.push(e);
    }
  }
  const r = reader;
  return {
    path,
    format,
    folder: plan.folder,
    checkpoints: plan.checkpoints,
    reader: r,
    graph,
    displayNames,
    warnings: [...plan.warnings, ...(r ? r.warnings : [])],
    close: async () => {
      await r?.close();
    },
  };
}

/** The checkpoint prefix a file belongs to, if it is part of one. */
function prefixOfFile(file: string, kind: string): string | undefined {
  if (kind === 'v2-index') return file.slice(0, -'.index'.length);
  if (kind === 'v2-data') return file.replace(DATA_SHARD_RE, '');
  if (kind === 'v1-table') {
    // A shard of a sharded V1 checkpoint stands for the whole glob (§1.3).
    const m = V1_SHARD_RE.exec(file);
    return m ? `${file.slice(0, m.index)}-${'?'.repeat(m[1]?.length ?? 5)}-of-${m[2] ?? ''}` : file;
  }
  return undefined;
}

async function planSource(path: string, options: OpenOptions): Promise<Plan> {
  const kind = await pathKind(path);
  if (kind === 'dir') return planFolder(path, options);
  if (kind === 'missing') {
    // A bare prefix: model.ckpt-1234 (V2 or V1 glob) — TensorFlow's own way to name a checkpoint.
    if (await prefixExists(path)) return planPrefix(path, options);
    if (await pathKind(`${path}.meta`) === 'file') return planPrefix(path, options);
    throw new FrostError('FILE_NOT_FOUND', `${path} does not exist, and no checkpoint has that prefix (no ${basename(path)}.index or V1 file next to it).`, { file: path });
  }
  const fileKind = await detectFile(path);
  switch (fileKind) {
    case 'state-file':
      return planFolder(dirname(path), options);
    case 'v2-index':
    case 'v2-data':
    case 'v1-table':
      return planPrefix(prefixOfFile(path, fileKind) as string, options);
    case 'saved-model':
      return { format: 'saved-model', folder: dirname(path), graphFile: path, checkpoints: [], warnings: [] };
    case 'meta-graph': {
      const prefix = path.slice(0, -'.meta'.length);
      if (path.endsWith('.meta') && (await prefixExists(prefix))) return planPrefix(prefix, options, path);
      return { format: 'meta-graph', folder: dirname(path), graphFile: path, checkpoints: [], warnings: [] };
    }
    case 'graph-def':
      return { format: 'graph-def', folder: dirname(path), graphFile: path, checkpoints: [], warnings: [] };
    case 'graph-text':
      return { format: 'graph-def-text', folder: dirname(path), graphFile: path, checkpoints: [], warnings: [] };
    case 'unknown':
      throw new FrostError('UNSUPPORTED_FORMAT', `${path} is not a TensorFlow checkpoint, graph or SavedModel file that Frost recognizes.`, { file: path });
  }
}

async function planPrefix(prefix: string, options: OpenOptions, graphFile?: string): Promise<Plan> {
  const folder = dirname(prefix);
  const folderPlan = await planFolder(folder, { ...options, step: undefined }, prefix).catch((e: unknown) => {
    if (e instanceof FrostError) return undefined;
    throw e;
  });
  const meta = graphFile ?? metaFileOfPrefix(prefix);
  const hasMeta = (await pathKind(meta)) === 'file';
  // Without its own .meta, the folder plan's choice (another step's graph, graph.pbtxt).
  const fallback = hasMeta ? undefined : folderPlan?.graphFile;
  return {
    format: 'checkpoint-v2',
    folder,
    prefix,
    ...(hasMeta ? { graphFile: meta } : fallback ? { graphFile: fallback } : {}),
    checkpoints: markLatest(folderPlan?.checkpoints ?? [{ prefix, step: stepOfPrefix(prefix), present: true, latest: true }], prefix),
    warnings: fallback ? (folderPlan?.warnings ?? []).filter((w) => w.file === fallback) : [],
  };
}

function markLatest(steps: CheckpointStepJSON[], opened: string): CheckpointStepJSON[] {
  const list = steps.some((s) => s.prefix === opened) ? steps : [...steps, { prefix: opened, step: stepOfPrefix(opened), present: true, latest: false }];
  return list.map(cleanStep);
}

function cleanStep(s: CheckpointStepJSON): CheckpointStepJSON {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as CheckpointStepJSON;
}

/**
 * A folder: SavedModel if it has saved_model.pb; else the steps from the state file plus any
 * checkpoint found by scanning (a copied folder may have lost or never had the state file).
 * `opening` forces the prefix to open (used when the user named a file or prefix).
 */
async function planFolder(folder: string, options: OpenOptions, opening?: string): Promise<Plan> {
  const names = await readdir(folder).catch(() => [] as string[]);
  if (!opening && (names.includes('saved_model.pb') || names.includes('saved_model.pbtxt'))) {
    const file = join(folder, names.includes('saved_model.pb') ? 'saved_model.pb' : 'saved_model.pbtxt');
    return { format: 'saved-model', folder, graphFile: file, checkpoints: [], warnings: [] };
  }
  const warnings: FrostError[] = [];
  const steps = new Map<string, CheckpointStepJSON>();
  let latest: string | undefined;
  if (names.includes('checkpoint')) {
    try {
      await checkAllowed(join(folder, 'checkpoint'), options);
      const state = await readCheckpointState(folder);
      for (const s of state.all) {
        steps.set(s.prefix, { prefix: s.prefix, step: stepOfPrefix(s.prefix), present: await prefixExists(s.prefix), latest: false, ...(s.timestamp === undefined ? {} : { timestamp: s.timestamp }) });
      }
      latest = state.latest;
      if (latest && !steps.has(latest)) steps.set(latest, { prefix: latest, step: stepOfPrefix(latest), present: await prefixExists(latest), latest: false });
    } catch (e) {
      if (!(e instanceof FrostError)) throw e;
      warnings.push(e);
    }
  }
  // Scan for checkpoints the state file does not mention (§1.4 step 1).
  for (const name of names) {
    const file = join(folder, name);
    let prefix: string | undefined;
    if (name.endsWith('.index')) prefix = file.slice(0, -'.index'.length);
    else if (!name.includes('.') || V1_SHARD_RE.test(name) || name.endsWith('.ckpt')) {
      const sniffable = (await pathKind(file)) === 'file' && (!options.allowFile || (await options.allowFile(file)));
      if (sniffable && (await detectFile(file).catch(() => 'unknown')) === 'v1-table') prefix = prefixOfFile(file, 'v1-table');
    }
    if (prefix !== undefined && !steps.has(prefix) && !prefix.endsWith('_temp')) {
      steps.set(prefix, { prefix, step: stepOfPrefix(prefix), present: true, latest: false });
    }
  }
  const present = [...steps.values()].filter((s) => s.present);
  let chosen: string | undefined = opening;
  if (chosen === undefined && options.step !== undefined) {
    chosen = present.find((s) => s.step === options.step)?.prefix;
    if (chosen === undefined) {
      const steps = present.map((s) => s.step).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
      const have = steps.length === 0 ? 'none' : steps.length <= 12 ? steps.join(', ') : `${steps.slice(0, 5).join(', ')}, … ${steps.slice(-5).join(', ')} (${steps.length} steps)`;
      throw new FrostError('TENSOR_NOT_FOUND', `${folder} has no checkpoint for step ${options.step} (steps present: ${have}).`, { file: folder });
    }
  }
  if (chosen === undefined && latest !== undefined && steps.get(latest)?.present) chosen = latest;
  if (chosen === undefined && present.length > 0) {
    // The state file names a missing step, or there is none: take the newest present step.
    const newest = [...present].sort((a, b) => (a.step ?? -1) - (b.step ?? -1)).at(-1) as CheckpointStepJSON;
    if (latest !== undefined) {
      warnings.push(new FrostError('MISSING_SHARD', `The checkpoint state file names ${basename(latest)}, whose files are missing; opened ${basename(newest.prefix)} instead.`, { file: join(folder, 'checkpoint') }));
    }
    chosen = newest.prefix;
  }
  const checkpoints = [...steps.values()]
    .sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || a.prefix.localeCompare(b.prefix))
    .map((s) => cleanStep({ ...s, latest: s.prefix === (latest ?? chosen) }));
  if (chosen === undefined) {
    // No checkpoint at all: maybe a folder holding a single graph file.
    const graphs = names.filter((n) => /\.(pb|pbtxt|meta)$/.test(n));
    if (graphs.length === 1) {
      const file = join(folder, graphs[0] as string);
      const kind = await detectFile(file);
      const format: SourceFormat = kind === 'meta-graph' ? 'meta-graph' : kind === 'graph-text' ? 'graph-def-text' : 'graph-def';
      return { format, folder, graphFile: file, checkpoints, warnings };
    }
    if (steps.size > 0) {
      throw new FrostError('FILE_NOT_FOUND', `${folder} lists checkpoints (${[...steps.values()].map((s) => basename(s.prefix)).join(', ')}) but none of their files are present.`, { file: folder });
    }
    throw new FrostError('UNSUPPORTED_FORMAT', `${folder} holds no TensorFlow checkpoint, graph or SavedModel.`, { file: folder });
  }
  const meta = metaFileOfPrefix(chosen);
  let graphFile = (await pathKind(meta)) === 'file' ? meta : undefined;
  if (!graphFile) {
    // Runs saved with write_meta_graph=False (or that pruned old files) keep the graph of one
    // step only: every step of a run has the same graph, so take the closest one's.
    graphFile = await metaOfSameRun(chosen, present);
    if (graphFile) warnings.push(new FrostError('FILE_NOT_FOUND', `${basename(chosen)} was saved without its graph; using ${basename(graphFile)}, the graph of another step of the same run.`, { file: graphFile }));
  }
  graphFile ??= names.includes('graph.pbtxt') ? join(folder, 'graph.pbtxt') : undefined;
  return {
    format: opening ? 'checkpoint-v2' : 'checkpoint-folder',
    folder,
    prefix: chosen,
    ...(graphFile ? { graphFile } : {}),
    checkpoints,
    warnings,
  };
}

/** `model.ckpt-1000` → `model.ckpt`: the run a step prefix belongs to. */
function runOf(prefix: string): string {
  return prefix.replace(/-\d+$/, '');
}

/** The .meta of the step closest to `prefix` (earlier ones first) in the same run, if any has one. */
async function metaOfSameRun(prefix: string, present: readonly CheckpointStepJSON[]): Promise<string | undefined> {
  const run = runOf(prefix);
  const step = stepOfPrefix(prefix) ?? 0;
  const others = present
    .filter((s) => s.prefix !== prefix && runOf(s.prefix) === run)
    .sort((a, b) => {
      const da = (a.step ?? 0) - step;
      const db = (b.step ?? 0) - step;
      // Earlier steps first (nearest first), then later ones (nearest first).
      return (da <= 0 ? 0 : 1) - (db <= 0 ? 0 : 1) || Math.abs(da) - Math.abs(db);
    });
  for (const s of others) {
    const meta = metaFileOfPrefix(s.prefix);
    if ((await pathKind(meta)) === 'file') return meta;
  }
  return undefined;
}

/**
 * Every file an opened source was made from — checkpoint files, the graph, the folder's state
 * file — so outputs (export, --npy, freeze) can refuse to overwrite any of them (issue #8).
 */
export function inputFilesOf(source: Source): string[] {
  const files = [...(source.reader?.files ?? [])];
  if (source.graph) files.push(source.graph.file);
  if (source.folder !== undefined) files.push(join(source.folder, 'checkpoint'));
  return files;
}
