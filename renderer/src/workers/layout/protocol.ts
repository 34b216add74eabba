/**
 * Messages between the main thread and the layout worker (style anchors item 9, after Model
 * Explorer's worker_events.ts): REQ/RESP pairs, each request carrying an id its response echoes.
 * Everything here is plain data, so it survives structured cloning.
 *
 * Flow: `load` a graph once (the worker builds the hierarchy and keeps it under `graphId`), then
 * send `layout` for each expansion state. A newer `layout` for the same graph supersedes an
 * older one still queued or running (the older gets a `stopped` response); `cancel` stops one
 * by id. Groups laid out before a stop stay cached, so the next request reuses them.
 */
import type { GraphIR } from '../../../../shared/model/graph-ir.js';
import type { Hierarchy } from '../../graph/hierarchy.js';
import type { AuxMode, LayoutOptions, ViewLayout } from './layout.js';

/** Build the hierarchy of `graph` and keep it as `graphId` (replacing any graph of that id). */
export interface LoadGraphReq {
  type: 'load';
  id: number;
  graphId: string;
  /** The graph, or the JSON text of the server's reply holding it as `value` (faster to hand over). */
  graph: GraphIR | { replyText: string };
  options?: Partial<LayoutOptions>;
}

/** Lay out `graphId` with these groups and series open (by item name). */
export interface LayoutReq {
  type: 'layout';
  id: number;
  graphId: string;
  expanded: string[];
  aux: AuxMode;
}

/** Stop request `target` if it is still queued or running. */
export interface CancelReq {
  type: 'cancel';
  id: number;
  target: number;
}

/** Forget `graphId` and its cached layouts. */
export interface DisposeGraphReq {
  type: 'dispose';
  id: number;
  graphId: string;
}

export type LayoutWorkerReq = LoadGraphReq | LayoutReq | CancelReq | DisposeGraphReq;

export interface LoadGraphResp {
  type: 'loaded';
  id: number;
  graphId: string;
  stats: Hierarchy['stats'];
}

export interface LayoutResp {
  type: 'layout';
  id: number;
  graphId: string;
  layout: ViewLayout;
}

/** A request that ended without a result. */
export interface StoppedResp {
  type: 'stopped';
  id: number;
  reason: 'superseded' | 'cancelled';
}

export interface DisposeGraphResp {
  type: 'disposed';
  id: number;
  graphId: string;
}

/** A request that failed: an unknown graph, or a bug (name/message as the error had them). */
export interface ErrorResp {
  type: 'error';
  id: number;
  name: string;
  message: string;
}

export type LayoutWorkerResp = LoadGraphResp | LayoutResp | StoppedResp | DisposeGraphResp | ErrorResp;
