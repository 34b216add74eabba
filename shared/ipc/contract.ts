/**
 * Frost's one typed IPC contract (style anchors item 7): every channel the UI may call, with
 * its request and response types. The Electron preload exposes exactly one function per
 * channel, main registers one handler per channel, and `frost serve` maps each channel to
 * `POST /api/<channel>`; the renderer's single client works over either transport.
 */
import type { DiffResult } from '../model/diff.js';
import type { GraphIR } from '../model/graph-ir.js';
import type { FreezeManifest } from '../model/freeze-manifest.js';
import type { InspectReport, ProblemJSON, VerifyResultJSON } from '../model/inspect-report.js';
import type { OutputSuggestions } from '../model/output-ranking.js';
import type { FreezeInputOverride, FreezePreview } from '../model/freeze-preview.js';
import type { VerifyFreezeResult, VerifyOptions } from '../model/verify-freeze.js';

export interface AppInfo {
  version: string;
  mode: 'electron' | 'serve';
  /** What the app was started on (the demo checkpoint, `frost serve PATH`, `frost-app PATH`). */
  initialPath?: string;
  platform: string;
}

export interface OpenedSource {
  /** Handle for later calls about this source. */
  sourceId: string;
  report: InspectReport;
}

export interface TensorSummary {
  name: string;
  origin: 'checkpoint' | 'graph-const';
  dtype: string;
  shape: number[];
  elements: number;
  bytes: number;
  stats?: { min: number; max: number; mean: number; std: number; zeros: number; nan: number; inf: number; count: number; sampled: boolean };
  histogram?: { edges: number[]; counts: number[] };
  /** numpy-style text of the values, summarized for big tensors. */
  preview: string;
}

export interface RecentEntry {
  path: string;
  openedAt: number;
}

/** `freeze:suggest` answers with the ranking `frost outputs` prints. */
export type { RankedInput as InputSuggestion, RankedTensor as OutputSuggestion } from '../model/output-ranking.js';

export interface FreezeRunResult {
  manifest: FreezeManifest;
  /** Handle of the written .pb and manifest: `freeze:save` (Electron) or `GET /api/download/<id>` (serve). */
  downloadId: string;
}

export interface Channels {
  'app:info': { req: Record<string, never>; res: AppInfo };
  'source:open': { req: { path: string; step?: number }; res: OpenedSource };
  'source:close': { req: { sourceId: string }; res: { closed: boolean } };
  /**
   * The graph IR. `detail: 'structure'` answers fast with names, ops, inputs, families and
   * pipeline flags only (attrs empty, no outputs, devices or checkpoint keys): enough to draw
   * it, while the full IR is built (the renderer then merges the details in).
   */
  'graph:get': { req: { sourceId: string; detail?: 'structure' }; res: GraphIR };
  'tensor:get': { req: { sourceId: string; name: string }; res: TensorSummary };
  /** "Save as .npy": writes the tensor as a NumPy file for `freeze:save` (Electron) or `GET /api/download/<id>` (serve). */
  'tensor:npy': { req: { sourceId: string; name: string }; res: { downloadId: string; fileName: string; bytes: number } };
  'recent:list': { req: Record<string, never>; res: RecentEntry[] };
  /** Long job: checks every tensor's stored checksum, streaming; progress as ProgressEvents for jobId. */
  'source:verify': { req: { sourceId: string; jobId: string }; res: VerifyResultJSON };
  /** The graph's likely outputs, ranked, and the inputs they need. */
  'freeze:suggest': { req: { sourceId: string }; res: OutputSuggestions };
  /** Long job: freezes the open source to `outputs` into a private temp folder; progress as ProgressEvents for jobId. */
  'freeze:run': { req: { sourceId: string; outputs: string[]; jobId: string; inputs?: FreezeInputOverride[] }; res: FreezeRunResult };
  /** What `freeze:run` would do for these outputs (counts, inputs, cuts, warnings, kept nodes), without writing. */
  'freeze:preview': { req: { sourceId: string; outputs: string[]; inputs?: FreezeInputOverride[] }; res: FreezePreview };
  /** Long job: runs the original and the frozen graph of a `freeze:run` with tfjs on the same inputs and compares every output. */
  'freeze:verify': { req: { sourceId: string; downloadId: string; jobId: string } & VerifyOptions; res: VerifyFreezeResult };
  /** Electron only: asks where to save a frozen graph (Save dialog) and copies the .pb and its manifest there. */
  'freeze:save': { req: { downloadId: string }; res: { saved: boolean; path?: string } };
  /** Opens a finished `freeze:run`'s frozen graph as a source, for "original vs frozen" (`diff:run`). */
  'freeze:open': { req: { downloadId: string }; res: OpenedSource };
  /** Long job: compares two open sources (graph and/or checkpoint diff, issue #7); progress as ProgressEvents for jobId. */
  'diff:run': { req: { a: string; b: string; jobId: string }; res: DiffResult };
  /** Stops a running job; its call then answers with a CANCELLED error. */
  'job:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
}

export type Channel = keyof Channels;
export type Req<C extends Channel> = Channels[C]['req'];
export type Res<C extends Channel> = Channels[C]['res'];

/** Every channel, for runtime checks (main refuses anything else; so does the server). */
export const CHANNELS: readonly Channel[] = ['app:info', 'source:open', 'source:close', 'graph:get', 'tensor:get', 'tensor:npy', 'recent:list', 'source:verify', 'freeze:suggest', 'freeze:run', 'freeze:preview', 'freeze:verify', 'freeze:save', 'freeze:open', 'diff:run', 'job:cancel'];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNELS as readonly string[]).includes(name);
}

/** Handlers return this instead of throwing, so errors cross IPC and HTTP intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ProblemJSON };

/** Progress of a long job (freeze, diff, big reads), pushed to the UI while it runs. */
export interface ProgressEvent {
  jobId: string;
  done: number;
  total: number;
  message: string;
}

/** Menu and window commands the main process sends to the page. */
export type MenuCommand = 'find' | 'zoom-in' | 'zoom-out' | 'fit' | 'toggle-theme' | 'toggle-left-panel' | 'toggle-right-panel' | 'shortcuts';

/** Events pushed from the Electron main process to the page (none in browser mode). */
export interface AppEvents {
  /** Open this path (menu, drag and drop on the dock, a second `frost-app PATH`). */
  'app:open-path': string;
  'app:command': MenuCommand;
}
export type AppEvent = keyof AppEvents;
export const APP_EVENTS: readonly AppEvent[] = ['app:open-path', 'app:command'];

/** The object the preload exposes as `window.frost` (Electron) and the HTTP client mimics. */
export type FrostApi = {
  [C in Channel]: (req: Req<C>) => Promise<Result<Res<C>>>;
} & {
  onProgress(listener: (e: ProgressEvent) => void): () => void;
  /** Electron only: subscribe to a main-process event; returns the unsubscribe function. */
  on?<E extends AppEvent>(event: E, listener: (payload: AppEvents[E]) => void): () => void;
  /** Electron only: the file-system path of a dropped file (webUtils.getPathForFile). */
  pathForFile?(file: object): string;
};
