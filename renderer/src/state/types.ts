/**
 * The renderer's state, split by concern (zustand's slices pattern, style anchors item 11).
 * Components read it through narrow selectors; only the actions in ./slices change it.
 */
import type { AppInfo, FreezeRunResult, InputSuggestion, OutputSuggestion, RecentEntry, TensorSummary } from '../../../shared/ipc/contract.js';
import type { FreezeInputOverride, FreezePreview } from '../../../shared/model/freeze-preview.js';
import type { VerifyFreezeResult } from '../../../shared/model/verify-freeze.js';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import type { DiffResult, NodeDiffKind } from '../../../shared/model/diff.js';
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
  /**
   * 'structure' while only the graph's structure is here (enough to draw it); 'full' once its
   * attrs, outputs, devices and checkpoint keys are merged into the same node objects.
   */
  graphDetail: 'structure' | 'full';
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
  /** "Save as .npy" of the shown tensor: written by the core, then downloaded (browser) or saved (Electron). */
  tensorSave: { name: string; status: 'saving' | 'downloaded' | 'saved' | 'not-saved' | 'failed'; path?: string } | null;
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

export type CentreTab = 'outline' | 'graph' | 'compare';

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

/** What the open source (A) is compared with. */
export type CompareTarget =
  /** Anything Frost opens, by path (at checkpoint `step` when given). */
  | { kind: 'path'; path: string; step?: number }
  /** Another step of the open checkpoint folder. */
  | { kind: 'step'; step: number }
  /** The frozen graph of the last finished freeze (`freeze:open`). */
  | { kind: 'frozen'; downloadId: string };

/** A comparison of the open source (A) with a second one (B): B opened, then `diff:run` as a job. */
export interface CompareJob {
  jobId: string;
  target: CompareTarget;
  aSourceId: string;
  /** A and B as shown in the header (B is null until it opened). */
  aLabel: string;
  bLabel: string | null;
  /** B's handle while it is open; closed with the comparison. */
  bSourceId: string | null;
  bReport: InspectReport | null;
  /** B's graph, for its pane and the properties of nodes only B has. */
  bGraph: GraphIR | null;
  /** opening: B is being opened; running / cancelling: the diff job runs. */
  status: 'opening' | JobStatus;
  done: number;
  total: number;
  message: string;
  result?: DiffResult;
  problem?: ProblemJSON;
}

/** Which diff entries the Compare view lists. */
export interface CompareFilter {
  /** Kinds shown (the chips). */
  kinds: readonly NodeDiffKind[];
  /** Matches the A or B name or op, case-insensitive. */
  text: string;
  /** Top-level name scope ('' = the root), or null for every scope. */
  scope: string | null;
}

/** What the Compare tab shows: the list of node changes, the weight table, the two graphs, or the merged one. */
export type CompareView = 'nodes' | 'weights' | 'panes' | 'overlay';

export interface CompareSlice {
  compare: CompareJob | null;
  compareView: CompareView;
  compareFilter: CompareFilter;
  /** The diff entry picked in the list, by its names (a node only B has cannot be `selectedNode`). */
  compareSelection: { a: string | null; b: string | null } | null;
}

export type FrostState = AppSlice & SourceSlice & SelectionSlice & UiSlice & JobsSlice & GraphViewSlice & FreezeSlice & CompareSlice;
