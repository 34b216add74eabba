/**
 * The handlers behind every channel of shared/ipc/contract.ts, shared by Electron's main
 * process and `frost serve`: both transports stay thin and cannot drift apart. Requests
 * come from a renderer or a browser, so each is checked for shape before use, file access is
 * asked of the transport's `allowPath`, and every failure is returned as a Result.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { AppInfo, Channel, FreezeRunResult, OpenedSource, ProgressEvent, RecentEntry, Req, Res, Result, TensorSummary } from '../../../shared/ipc/contract.js';
import type { VerifyResultJSON } from '../../../shared/model/inspect-report.js';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import type { DiffResult } from '../../../shared/model/diff.js';
import { FrostError, isFrostError } from '../errors.js';
import { inspectSource, verifySource } from '../inspect/inspect.js';
import { openSource, type Source } from '../source/open-source.js';
import { findTensor } from '../source/find-tensor.js';
import { buildGraphIR, buildGraphStructure } from '../graph/ir.js';
import { GraphIndex } from '../freeze/graph-index.js';
import { mapVariablesToKeys } from '../freeze/variable-keys.js';
import { computeHistogram, computeStats, elementCount } from '../tensor/tensor-data.js';
import { dtypeName } from '../tensor/dtype.js';
import { previewTensor } from '../tensor/preview.js';
import { hugeTensorSummary } from '../tensor/sampled-summary.js';
import { planFreeze, writeFreeze } from '../freeze/freeze.js';
import { suggestOutputs } from '../freeze/outputs.js';
import { inputSpecOf, previewFreeze } from '../freeze/preview.js';
import type { InputSpec } from '../freeze/input-spec.js';
import { verifyFreeze } from '../verify/verify.js';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import type { VerifyFreezeResult, VerifyOptions } from '../../../shared/model/verify-freeze.js';
import { diffSources } from '../diff/diff-sources.js';
import { writeNpy } from '../export/npy.js';

/** A frozen graph the service wrote into its temp folder, ready to download or save. */
export interface FrozenDownload {
  /** The file: a frozen GraphDef, or a tensor's .npy (`tensor:npy`). */
  pb: string;
  /** The frozen graph's manifest JSON; absent for a single-file download (a .npy). */
  manifest?: string;
  /** The name to offer the user: `<prefix>-frozen.pb`, `<tensor>.npy`. */
  fileName: string;
}

export interface ServiceOptions {
  mode: AppInfo['mode'];
  version: string;
  initialPath?: string;
  /** May this path be opened? (serve mode: only what was allowed at start; Electron: anything the user chose.) */
  allowPath(path: string): boolean | Promise<boolean>;
  /** Recent files, kept by the transport (Electron: user data; serve: memory). */
  recent?: { list(): RecentEntry[]; add(path: string): void };
  /**
   * Test-only (e2e): milliseconds to wait per tensor in checksum checks, so a browser test can
   * watch and cancel one deterministically. Set by `frost serve` from FROST_TEST_JOB_PACE_MS.
   */
  jobPaceMs?: number;
  /** Where long jobs report progress (Electron: webContents.send; serve: the event stream). */
  onProgress?(event: ProgressEvent): void;
  /**
   * At most one progress event per this many ms per job (default 50), plus always the first
   * and the last: a check of 60,000 tiny tensors must not send 60,000 messages to the page.
   */
  progressIntervalMs?: number;
  /**
   * Electron only: lets the user choose where a frozen graph goes (Save dialog) and copies it
   * there. Absent in serve mode, where the browser downloads it instead (`freeze:save` is a USAGE error).
   */
  saveFrozen?(download: FrozenDownload): Promise<{ saved: boolean; path?: string }>;
}

type Handler<C extends Channel> = (req: Req<C>) => Promise<Res<C>>;

const MAX_SOURCES = 16;
const MAX_EARLY_CANCELS = 64;
const PROGRESS_INTERVAL_MS = 50;
/** Frozen graphs kept for download; older ones are deleted. */
const MAX_DOWNLOADS = 8;
const MAX_OUTPUTS = 256;

function bad(message: string): FrostError {
  return new FrostError('USAGE', message);
}

function str(req: unknown, key: string): string {
  const v = (req as Record<string, unknown> | null)?.[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw bad(`The request needs a "${key}" string.`);
  return v;
}

function optInt(req: unknown, key: string): number | undefined {
  const v = (req as Record<string, unknown> | null)?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`"${key}" must be a whole number.`);
  return v;
}

function strList(req: unknown, key: string): string[] {
  const v = (req as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(v) || v.length > MAX_OUTPUTS || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 4096)) {
    throw bad(`The request needs "${key}": a list of names.`);
  }
  return v as string[];
}

/** Optional `inputs`: placeholders edited in the UI (`{tensor, dtype?, shape?}`), as the freezer's --inputs specs. */
function inputOverrides(req: unknown): InputSpec[] {
  const v = (req as Record<string, unknown> | null)?.['inputs'];
  if (v === undefined || v === null) return [];
  const shapeOk = (x: unknown): boolean => x === undefined || x === null || (Array.isArray(x) && x.length <= 64 && x.every((d) => typeof d === 'number'));
  if (!Array.isArray(v) || v.length > MAX_OUTPUTS) throw bad('"inputs" must be a list of {tensor, dtype, shape}.');
  return v.map((o: unknown) => {
    const r = o as Record<string, unknown> | null;
    const dtype = r?.['dtype'];
    if (typeof r?.['tensor'] !== 'string' || (dtype !== undefined && typeof dtype !== 'string') || !shapeOk(r['shape'])) {
      throw bad('Each of "inputs" needs a tensor name, and may give a dtype name and a shape.');
    }
    return inputSpecOf({ tensor: r['tensor'], ...(typeof dtype === 'string' ? { dtype } : {}), ...(r['shape'] === undefined ? {} : { shape: r['shape'] as number[] | null }) });
  });
}

/** Verify's options from a request: batch size, seed, tolerance and user-given input values, bounded. */
function verifyOptions(req: unknown): VerifyOptions {
  const r = req as Record<string, unknown> | null;
  const out: VerifyOptions = {};
  const batch = optInt(req, 'batchSize');
  if (batch !== undefined) out.batchSize = batch;
  const seed = optInt(req, 'seed');
  if (seed !== undefined) out.seed = seed;
  const tol = r?.['tolerance'];
  if (tol !== undefined && tol !== null) {
    if (typeof tol !== 'number' || !(tol >= 0)) throw bad('"tolerance" must be a number of 0 or more.');
    out.tolerance = tol;
  }
  const inputs = r?.['inputs'];
  if (inputs !== undefined && inputs !== null) {
    let total = 0;
    if (!Array.isArray(inputs) || inputs.length > MAX_OUTPUTS) throw bad('"inputs" must be a list of {name, values, shape}.');
    out.inputs = inputs.map((i: unknown) => {
      const o = i as Record<string, unknown> | null;
      const values = o?.['values'];
      const shape = o?.['shape'];
      if (typeof o?.['name'] !== 'string' || !Array.isArray(values) || values.some((x) => typeof x !== 'number') || (shape !== undefined && (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')))) {
        throw bad('Each of "inputs" needs a name and a list of numbers (and may give a shape).');
      }
      total += values.length;
      if (total > 16_000_000) throw bad('Too many input values given to verify (at most 16 million).');
      return { name: o['name'], values: values as number[], ...(shape === undefined ? {} : { shape: shape as number[] }) };
    });
  }
  return out;
}

/** A safe file-name stem: what is left of `name` after dropping anything a file system or a header could trip on. */
function stemOf(name: string): string {
  const stem = basename(name).replace(/\.(pb|pbtxt|meta|index)$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '');
  return stem.slice(0, 120) || 'model';
}

/**
 * Lets waiting I/O (the page's requests) run before the next stretch of CPU work. One
 * setImmediate from an I/O callback runs in the same loop iteration, before the next poll for
 * I/O; two reach the next iteration's poll.
 */
/** How long a full graph IR waits to be asked for before it is built anyway. */
const FULL_IR_WAIT_MS = 1000;

/** An open source, its graph IR and its structure-only IR once asked for. */
interface SourceEntry {
  source: Source;
  graph?: Promise<GraphIR>;
  structure?: Promise<GraphIR>;
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export class FrostService {
  private readonly sources = new Map<string, SourceEntry>();
  /** The initial path opened ahead of the page's first `source:open` (see preopen). */
  private preopened: { path: string; source: Promise<Source> } | undefined;
  /** Graph IRs started before their source was registered (preopen). */
  private readonly earlyGraphs = new WeakMap<Source, Promise<GraphIR>>();
  /** Per source whose full IR waits to be asked for: ends the wait (untilFullIrAsked). */
  private readonly fullIrWaits = new WeakMap<Source, () => void>();
  /** Graph structures made before their source was registered (preopen). */
  private readonly earlyStructures = new WeakMap<Source, Promise<GraphIR>>();
  private readonly jobs = new Map<string, { controller: AbortController; sourceId?: string }>();
  /** Cancels that arrived before their job started (over HTTP the two calls can overtake each other). */
  private readonly earlyCancels = new Set<string>();
  private readonly handlers: { [C in Channel]: Handler<C> };
  /** The private temp folder frozen graphs are written to (created on the first freeze, removed by dispose). */
  private workDir: Promise<string> | undefined;
  private readonly downloads = new Map<string, FrozenDownload>();
  private disposed = false;

  constructor(private readonly options: ServiceOptions) {
    this.handlers = {
      'app:info': async () => ({
        version: options.version,
        mode: options.mode,
        platform: process.platform,
        ...(options.initialPath ? { initialPath: options.initialPath } : {}),
      }),
      'source:open': async (req) => this.open(str(req, 'path'), optInt(req, 'step')),
      'source:close': async (req) => {
        const id = str(req, 'sourceId');
        const entry = this.sources.get(id);
        // Jobs reading this source stop first (between tensors) and answer CANCELLED.
        for (const job of this.jobs.values()) if (job.sourceId === id) job.controller.abort();
        if (entry) {
          this.sources.delete(id);
          await entry.source.close();
        }
        return { closed: entry !== undefined };
      },
      'graph:get': async (req) => ((req as { detail?: unknown }).detail === 'structure' ? this.graphStructure(str(req, 'sourceId')) : this.graph(str(req, 'sourceId'))),
      'tensor:get': async (req) => this.tensor(str(req, 'sourceId'), str(req, 'name')),
      'tensor:npy': async (req) => this.tensorNpy(str(req, 'sourceId'), str(req, 'name')),
      'recent:list': async () => options.recent?.list() ?? [],
      'source:verify': async (req) => this.verify(str(req, 'sourceId'), str(req, 'jobId')),
      'freeze:suggest': async (req) => this.suggest(str(req, 'sourceId')),
      'freeze:run': async (req) => this.freeze(str(req, 'sourceId'), strList(req, 'outputs'), str(req, 'jobId'), inputOverrides(req)),
      'freeze:preview': async (req) => this.preview(str(req, 'sourceId'), strList(req, 'outputs'), inputOverrides(req)),
      'freeze:verify': async (req) => this.verifyFrozen(str(req, 'sourceId'), str(req, 'downloadId'), str(req, 'jobId'), verifyOptions(req)),
      'freeze:save': async (req) => {
        const id = str(req, 'downloadId');
        if (!options.saveFrozen) throw bad('Saving through a dialog is only possible in the desktop app; in the browser the frozen graph downloads instead.');
        const download = this.downloadPath(id);
        if (!download) throw bad('That frozen graph is no longer available; freeze again.');
        return options.saveFrozen(download);
      },
      'freeze:open': async (req) => this.openFrozen(str(req, 'downloadId')),
      'diff:run': async (req) => this.diff(str(req, 'a'), str(req, 'b'), str(req, 'jobId')),
      'job:cancel': async (req) => {
        const jobId = str(req, 'jobId');
        const job = this.jobs.get(jobId);
        if (job) job.controller.abort();
        else this.rememberEarlyCancel(jobId);
        return { cancelled: job !== undefined };
      },
    };
  }

  /** Runs one channel; never throws for bad input (a Result carries the error). */
  async handle<C extends Channel>(channel: C, req: unknown): Promise<Result<Res<C>>> {
    try {
      const handler = this.handlers[channel] as Handler<C> | undefined;
      if (!handler) throw bad(`Unknown channel ${String(channel)}.`);
      return { ok: true, value: await handler((req ?? {}) as Req<C>) };
    } catch (e) {
      if (isFrostError(e)) return { ok: false, error: e.toJSON() };
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, error: { code: 'INTERNAL', message: `Frost hit an internal error: ${message}` } };
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const job of this.jobs.values()) job.controller.abort();
    for (const { source } of this.sources.values()) await source.close();
    this.sources.clear();
    // A preopened path the page never asked for still holds its files open.
    const pre = this.preopened;
    this.preopened = undefined;
    if (pre) await pre.source.then((s) => s.close(), () => undefined);
    this.downloads.clear();
    const dir = this.workDir;
    this.workDir = undefined;
    if (dir) await rm(await dir.catch(() => ''), { recursive: true, force: true }).catch(() => undefined);
  }

  /** The files of a finished `freeze:run` (for the transports' download / save), or undefined. */
  downloadPath(downloadId: string): FrozenDownload | undefined {
    return this.downloads.get(downloadId);
  }

  private async suggest(id: string): Promise<Res<'freeze:suggest'>> {
    const e = this.entry(id);
    const loaded = e.source.graph;
    if (!loaded) throw new FrostError('USAGE', `${e.source.path} has no graph (only checkpoint variables), so there is nothing to freeze.`, { file: e.source.path });
    const s = suggestOutputs(loaded);
    return {
      outputs: s.outputs.map((o) => ({
        name: o.name,
        op: o.op,
        score: o.score,
        reasons: [...o.reasons],
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
        ...(o.shape === undefined ? {} : { shape: o.shape }),
      })),
      inputs: s.inputs.map((i) => ({
        name: i.name,
        op: i.op,
        kind: i.kind,
        reasons: [...i.reasons],
        ...(i.dtype === undefined ? {} : { dtype: i.dtype }),
        ...(i.shape === undefined ? {} : { shape: i.shape }),
      })),
    };
  }

  private async preview(id: string, outputs: string[], inputs: InputSpec[]): Promise<Res<'freeze:preview'>> {
    return previewFreeze(this.entry(id).source, { outputs, inputs });
  }

  /**
   * Verify (issue #6) of a finished freeze of this source: its frozen .pb and manifest from the
   * temp folder, the original from the open source, tfjs in a worker thread; cancellable.
   */
  private async verifyFrozen(id: string, downloadId: string, jobId: string, options: VerifyOptions): Promise<VerifyFreezeResult> {
    const e = this.entry(id);
    const download = this.downloads.get(downloadId);
    if (!download) throw bad('That frozen graph is no longer available; freeze again.');
    if (!download.manifest) throw bad('That download is not a frozen graph.');
    const manifest = JSON.parse(await readFile(download.manifest, 'utf8')) as FreezeManifest;
    if (manifest.source !== e.source.path) throw bad('That frozen graph was made from another source; freeze this one first.');
    return this.job(jobId, id, (signal, progress) => verifyFreeze(e.source, manifest, download.pb, options, { signal, onProgress: progress }));
  }

  private async freeze(id: string, outputs: string[], jobId: string, inputs: InputSpec[] = []): Promise<FreezeRunResult> {
    const e = this.entry(id);
    const source = e.source;
    return this.job(jobId, id, async (signal, progress) => {
      progress(0, 1, 'Planning the freeze…');
      const plan = await planFreeze(source, { outputs, inputs }, signal);
      if (this.disposed) throw new FrostError('CANCELLED', 'Frost is shutting down.');
      this.workDir ??= mkdtemp(join(tmpdir(), 'frost-'));
      const dir = await this.workDir;
      const downloadId = randomUUID();
      const stem = stemOf(source.reader?.prefix ?? source.graph?.file ?? source.path);
      const fileName = `${stem}-frozen.pb`;
      const pb = join(dir, `${downloadId}.pb`);
      const manifestPath = join(dir, `${downloadId}.manifest.json`);
      try {
        const written = await writeFreeze(plan, pb, { signal, onProgress: (done, total) => progress(done, total, `Wrote ${done} of ${total} bytes`) });
        // The temp path means nothing to the user: the manifest names the file they get.
        const manifest = { ...written, output: fileName };
        await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
        this.downloads.set(downloadId, { pb, manifest: manifestPath, fileName });
        await this.pruneDownloads();
        return { manifest, downloadId };
      } catch (err) {
        await rm(pb, { force: true }).catch(() => undefined);
        await rm(manifestPath, { force: true }).catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * "Save as .npy" of the properties panel: the tensor (checkpoint entry or graph Const) as a
   * NumPy file in the service's temp folder, then delivered like a frozen graph (browser
   * download, or the Save dialog of `freeze:save` in Electron).
   */
  private async tensorNpy(id: string, name: string): Promise<{ downloadId: string; fileName: string; bytes: number }> {
    const e = this.entry(id);
    const found = await findTensor(e.source, name);
    this.workDir ??= mkdtemp(join(tmpdir(), 'frost-'));
    const dir = await this.workDir;
    const downloadId = randomUUID();
    const file = join(dir, `${downloadId}.npy`);
    await writeNpy(file, found.data);
    const fileName = `${found.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'tensor'}.npy`;
    this.downloads.set(downloadId, { pb: file, fileName });
    await this.pruneDownloads();
    return { downloadId, fileName, bytes: (await stat(file)).size };
  }

  /** Keeps the temp folder bounded: only the latest few frozen graphs stay downloadable. */
  private async pruneDownloads(): Promise<void> {
    while (this.downloads.size > MAX_DOWNLOADS) {
      const [oldest] = this.downloads.keys();
      if (oldest === undefined) return;
      const d = this.downloads.get(oldest);
      this.downloads.delete(oldest);
      if (d) {
        await rm(d.pb, { force: true }).catch(() => undefined);
        if (d.manifest) await rm(d.manifest, { force: true }).catch(() => undefined);
      }
    }
  }

  private async open(pathIn: string, step: number | undefined): Promise<OpenedSource> {
    const path = resolve(pathIn);
    if (!(await this.options.allowPath(path))) {
      throw new FrostError('FILE_UNREADABLE', `${path} is outside the folders this Frost server may read.`, { file: path });
    }
    // Files the open reads by itself (the state file's checkpoint, shards, graph) are judged
    // by the same allow-list as the path asked for: symlinks and absolute paths cannot escape.
    const allowFile = (file: string): boolean | Promise<boolean> => this.options.allowPath(file);
    const pre = this.preopened;
    this.preopened = undefined;
    const source = pre && pre.path === path && step === undefined
      ? await pre.source
      : await openSource(path, step === undefined ? { allowFile } : { step, allowFile });
    if (pre && pre.path !== path) void pre.source.then((s) => s.close(), () => undefined);
    this.options.recent?.add(path);
    return this.register(source);
  }

  /**
   * Starts opening `path` before anyone asks (`frost serve PATH`: the page will open it as
   * soon as it loads), so the first `source:open` of that path finds the parse under way or
   * done. Any other first open discards it. Errors surface from that `source:open`; the
   * promise resolves with the graph IR once built (undefined without one), never rejects.
   */
  preopen(pathIn: string): Promise<{ structure: GraphIR; graph: GraphIR } | undefined> {
    const path = resolve(pathIn);
    const allowFile = (file: string): boolean | Promise<boolean> => this.options.allowPath(file);
    const source = Promise.resolve(this.options.allowPath(path)).then((ok) => {
      if (!ok) throw new FrostError('FILE_UNREADABLE', `${path} is outside the folders this Frost server may read.`, { file: path });
      return openSource(path, { allowFile });
    });
    this.preopened = { path, source };
    // The structure the page asks for next is made at once (it is quick), the full IR after a
    // turn of the event loop: the page's own files and first calls arrive meanwhile and go first.
    return source.then(
      (s) => {
        if (!s.graph) return undefined;
        const structure = buildGraphStructure(s.graph);
        // Registered at once: a `source:open` that comes meanwhile must find them, not build others.
        this.earlyStructures.set(s, Promise.resolve(structure));
        const ir = this.untilFullIrAsked(s).then(() => this.buildGraph(s));
        ir.catch(() => undefined);
        this.earlyGraphs.set(s, ir);
        return ir.then((graph) => ({ structure, graph }), () => undefined);
      },
      () => undefined,
    );
  }

  /**
   * Opens the frozen graph of a finished `freeze:run` as a source, so the UI can compare
   * "original vs frozen". Only ids this service handed out resolve (to files in its own temp
   * folder), so no path from the page is ever opened here and serve's path guard stays whole.
   */
  private async openFrozen(downloadId: string): Promise<OpenedSource> {
    const download = this.downloads.get(downloadId);
    if (!download) throw bad('That frozen graph is no longer available; freeze again.');
    const opened = await this.register(await openSource(download.pb));
    // The temp path means nothing to the user: name the file they would download.
    return { ...opened, report: { ...opened.report, path: download.fileName } };
  }

  private async diff(a: string, b: string, jobId: string): Promise<DiffResult> {
    const ea = this.entry(a);
    const eb = this.entry(b);
    return this.job(jobId, a, async (signal, progress) => {
      const result = await diffSources(ea.source, eb.source, { signal, onProgress: progress });
      progress(1, 1, 'Diff finished');
      return result;
    });
  }

  /** Keeps a newly opened source (forgetting the oldest beyond MAX_SOURCES) and reports it. */
  private async register(source: Source): Promise<OpenedSource> {
    if (this.sources.size >= MAX_SOURCES) {
      // Keep memory bounded: forget the oldest open source.
      const [oldest] = this.sources.keys();
      if (oldest !== undefined) {
        await this.sources.get(oldest)?.source.close();
        this.sources.delete(oldest);
      }
    }
    const sourceId = randomUUID();
    const early = this.earlyGraphs.get(source);
    const earlyStructure = this.earlyStructures.get(source);
    const entry: SourceEntry = { source, ...(early ? { graph: early } : {}), ...(earlyStructure ? { structure: earlyStructure } : {}) };
    this.sources.set(sourceId, entry);
    // The page asks for the graph right after the report: start building its IR now, on the
    // next turn, so it overlaps the report's trip to the page (a 30k-node IR takes ~0.3 s).
    if (source.graph && !entry.graph) {
      void this.untilFullIrAsked(source).then(() => {
        if (this.sources.get(sourceId) === entry) entry.graph ??= this.buildGraph(source);
        entry.graph?.catch(() => undefined); // reported when graph:get asks
      });
    }
    return { sourceId, report: inspectSource(source) };
  }

  private entry(id: string): SourceEntry {
    const e = this.sources.get(id);
    if (!e) throw new FrostError('USAGE', 'That source is no longer open; open it again.');
    return e;
  }

  private async graph(id: string): Promise<GraphIR> {
    const e = this.entry(id);
    // Asked for: a full IR held back for the page's first drawing (untilFullIrAsked) starts now.
    this.fullIrWaits.get(e.source)?.();
    e.graph ??= this.buildGraph(e.source);
    return e.graph;
  }

  /** The structure-only IR (graph:get detail 'structure'), made once per source. */
  private async graphStructure(id: string): Promise<GraphIR> {
    const e = this.entry(id);
    const loaded = e.source.graph;
    if (!loaded) throw new FrostError('USAGE', `${e.source.path} has no graph (only checkpoint variables).`, { file: e.source.path });
    e.structure ??= Promise.resolve(buildGraphStructure(loaded));
    return e.structure;
  }

  /**
   * Settles when the full IR of `source` may be built: when it is asked for, or after
   * FULL_IR_WAIT_MS. The page first draws from the structure and asks for the full IR once it
   * has painted; built earlier, the full IR (~0.3 s of CPU on a 30k-node graph) would compete on
   * a two-core machine with the page's own first drawing.
   */
  private untilFullIrAsked(source: Source): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => open(), FULL_IR_WAIT_MS);
      const open = (): void => {
        clearTimeout(timer);
        this.fullIrWaits.delete(source);
        resolve();
      };
      this.fullIrWaits.set(source, open);
    });
  }

  private async buildGraph(source: Source): Promise<GraphIR> {
    const loaded = source.graph;
    if (!loaded) throw new FrostError('USAGE', `${source.path} has no graph (only checkpoint variables).`, { file: source.path });
    const keys = new Map<string, string>();
    for (const [node, src] of mapVariablesToKeys(new GraphIndex(loaded.graphDef.node ?? []), loaded.metaGraph ?? undefined, source.reader, source.displayNames)) keys.set(node, src.key);
    // Two halves of ~0.15 s each on a 30k-node graph: requests waiting meanwhile go between them.
    await yieldToIo();
    return buildGraphIR(loaded, keys);
  }

  private rememberEarlyCancel(jobId: string): void {
    this.earlyCancels.add(jobId);
    // Bounded: only the latest few matter (a job starts moments after its cancel could arrive).
    if (this.earlyCancels.size > MAX_EARLY_CANCELS) {
      const [oldest] = this.earlyCancels;
      if (oldest !== undefined) this.earlyCancels.delete(oldest);
    }
  }

  /**
   * Runs `work` as job `jobId`: cancellable through job:cancel (also one that arrived just
   * before the job started), progress sent to onProgress.
   */
  private async job<T>(jobId: string, sourceId: string | undefined, work: (signal: AbortSignal, progress: (done: number, total: number, message: string) => void) => Promise<T>): Promise<T> {
    if (this.jobs.has(jobId)) throw bad(`Job ${jobId} is already running.`);
    const controller = new AbortController();
    if (this.earlyCancels.delete(jobId)) controller.abort();
    this.jobs.set(jobId, sourceId === undefined ? { controller } : { controller, sourceId });
    const interval = this.options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    let last = -Infinity;
    const progress = (done: number, total: number, message: string): void => {
      const now = Date.now();
      if (done !== 0 && done < total && now - last < interval) return;
      last = now;
      this.options.onProgress?.({ jobId, done, total, message });
    };
    try {
      return await work(controller.signal, progress);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /** The test-only per-tensor wait (see ServiceOptions.jobPaceMs). */
  private pace(): (() => Promise<void>) | undefined {
    const ms = this.options.jobPaceMs;
    return ms && ms > 0 ? () => new Promise((resolve) => setTimeout(resolve, ms)) : undefined;
  }

  private async verify(id: string, jobId: string): Promise<VerifyResultJSON> {
    const e = this.entry(id);
    return this.job(jobId, id, (signal, progress) =>
      verifySource(e.source, (done, total) => progress(done, total, `Checked ${done} of ${total} tensors`), signal, this.pace()),
    );
  }

  private async tensor(id: string, name: string): Promise<TensorSummary> {
    const e = this.entry(id);
    // A huge checkpoint tensor is summarized from samples, never read whole (issue #8).
    const huge = await hugeTensorSummary(e.source, name);
    if (huge) return huge;
    const found = await findTensor(e.source, name);
    const t = found.data;
    const summary: TensorSummary = {
      name: found.name,
      origin: found.origin,
      dtype: dtypeName(t.dtype),
      shape: [...t.shape],
      elements: elementCount(t.shape),
      bytes: t.kind === 'numeric' ? t.bytes.length : t.strings.reduce((n, s) => n + s.length, 0),
      preview: previewTensor(t),
    };
    if (t.kind === 'numeric') {
      const stats = computeStats(t);
      summary.stats = stats;
      summary.histogram = computeHistogram(t, 30, stats);
    }
    return summary;
  }
}

