/**
 * The renderer's state, split by concern (zustand's slices pattern, style anchors item 11).
 * Components read it through narrow selectors; only the actions in ./slices change it.
 */
import type { AppInfo, FreezeRunResult, InputSuggestion, OutputSuggestion, RecentEntry, TensorSummary } from '../../../shared/ipc/contract.js';
import type { FreezeInputOverride, FreezePreview } from '../../../shared/model/freeze-preview.js';
import type { VerifyFreezeResult } from '../../../shared/model/verify-freeze.js';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import type { InspectReport, ProblemJSON, VerifyResultJSON } from '../../../shared/model/inspect-report.js';

/** What the whole window is doing; published as `document.body.dataset.state` for tests. */
export type Phase = 'empty' | 'loading' | 'ready' | 'error';

/** One dismissible error banner. */
export interface Banner {
  id: number;
  /** What Frost was doing, e.g. "Could not open /x". */
  title: string;
  problem: ProblemJSON;
}

export interface AppSlice {
  appInfo: AppInfo | null;
  phase: Phase;
  /** Progress text while something runs (shown with aria-busy). */
  busy: string | null;
  banners: Banner[];
}

export type GraphStatus = 'none' | 'loading' | 'ready' | 'error' | 'absent';

export interface SourceSlice {
  sourceId: string | null;
  /** The path as the user gave it (re-opened with another step). */
  path: string | null;
  report: InspectReport | null;
  graph: GraphIR | null;
  graphStatus: GraphStatus;
  recent: RecentEntry[];
}

export interface TensorView {
  name: string;
  status: 'loading' | 'ready' | 'error';
  summary?: TensorSummary;
  problem?: ProblemJSON;
}

export interface SelectionSlice {
  selectedNode: string | null;
  /** A checkpoint key (a row of the variables table). */
  selectedVariable: string | null;
  tensor: TensorView | null;
}

export type ThemeChoice = 'system' | 'light' | 'dark';
export type VariableSortKey = 'name' | 'dtype' | 'bytes';
export interface VariableSort {
  key: VariableSortKey;
  dir: 'asc' | 'desc';
}

export interface UiSlice {
  theme: ThemeChoice;
  leftWidth: number;
  rightWidth: number;
  leftOpen: boolean;
  rightOpen: boolean;
  /** The keyboard shortcuts dialog. */
  shortcutsOpen: boolean;
  variableSort: VariableSort;
  variableFilter: string;
  graphQuery: string;
  /** Top-level name scopes shown open in the graph outline. */
  expandedGroups: readonly string[];
}

export type CentreTab = 'outline' | 'graph';

export interface GraphViewSlice {
  /** Which view fills the centre panel. */
  centreTab: CentreTab;
  /** Open groups and series of the drawn graph, by item name; null until the default is applied. */
  graphExpanded: readonly string[] | null;
  /** Pan and zoom of the drawn graph (screen = world × k + (x, y)); null fits the next layout. */
  graphViewport: { x: number; y: number; k: number } | null;
  /** The last zoom/fit asked for by the menu or a shortcut; the canvas acts on each new `seq`. */
  graphCommand: { kind: GraphCommand; seq: number } | null;
  /** Focus mode: only node `node`'s neighbourhood of `hops` edges shown bright (null: off). */
  graphFocus: { node: string; hops: number } | null;
}

export type GraphCommand = 'zoom-in' | 'zoom-out' | 'fit';

export type JobStatus = 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

/** The checksum verification of the open source (`source:verify`), running or finished. */
export interface VerifyJob {
  jobId: string;
  sourceId: string;
  status: JobStatus;
  /** Tensors checked so far, of `total` (from the job's progress events). */
  done: number;
  total: number;
  message: string;
  /** When done: every tensor checked, the damaged ones listed. */
  result?: VerifyResultJSON;
  /** When failed. */
  problem?: ProblemJSON;
}

export interface JobsSlice {
  verify: VerifyJob | null;
}

/** The ranked likely outputs of the open source (`freeze:suggest`). */
export interface FreezeSuggestions {
  sourceId: string;
  status: 'loading' | 'ready' | 'error';
  outputs: OutputSuggestion[];
  inputs: InputSuggestion[];
  problem?: ProblemJSON;
}

/** What happened to a finished freeze's files: saved (Electron), downloaded (browser). */
export interface FreezeDelivery {
  status: 'saving' | 'saved' | 'not-saved' | 'downloaded' | 'failed';
  /** Where it was saved (Electron). */
  path?: string;
}

/** A click-to-freeze run (`freeze:run`), running or finished. */
export interface FreezeJob {
  jobId: string;
  sourceId: string;
  /** The outputs it was started with. */
  outputs: string[];
  status: JobStatus;
  /** Progress of the job (bytes written, of `total`). */
  done: number;
  total: number;
  message: string;
  /** When done: the manifest and the handle of the written files. */
  result?: FreezeRunResult;
  problem?: ProblemJSON;
  delivery?: FreezeDelivery;
}

/** The live preview of the chosen outputs (`freeze:preview`), recomputed when they change. */
export interface FreezePreviewState {
  /** The outputs and placeholder edits it was computed for. */
  key: string;
  status: 'loading' | 'ready' | 'error';
  value?: FreezePreview;
  /** The original graph's nodes the freeze keeps; the graph dims the others. */
  kept?: ReadonlySet<string>;
  /** Every name scope holding a kept node (`dnn`, `dnn/logits`): closed groups outside it are dimmed. */
  keptScopes?: ReadonlySet<string>;
  problem?: ProblemJSON;
}

/** Verify of the last freeze (`freeze:verify`): both graphs run with tfjs, outputs compared. */
export interface FreezeVerifyJob {
  jobId: string;
  downloadId: string;
  status: JobStatus;
  done: number;
  total: number;
  message: string;
  result?: VerifyFreezeResult;
  problem?: ProblemJSON;
}

export interface FreezeSlice {
  /** The outputs chosen for the next freeze, in the order they were added. */
  freezeOutputs: readonly string[];
  freezeSuggestions: FreezeSuggestions | null;
  freeze: FreezeJob | null;
  /** Placeholders the user edited (dtype / shape), sent with the preview and the freeze. */
  freezeInputs: readonly FreezeInputOverride[];
  freezePreview: FreezePreviewState | null;
  freezeVerify: FreezeVerifyJob | null;
}

export type FrostState = AppSlice & SourceSlice & SelectionSlice & UiSlice & JobsSlice & GraphViewSlice & FreezeSlice;
