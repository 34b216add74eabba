/**
 * The centre panel's model for now: the graph as collapsible groups of nodes by top-level name
 * scope, flattened into rows so the view can window them. Pure, so it is tested without a DOM.
 */
import type { GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { TOP_LEVEL, type GraphIndex, type GroupInfo } from './graph-index.js';

export type OutlineRow =
  | { kind: 'group'; group: GroupInfo; expanded: boolean; /** Matching nodes while searching, else all. */ shown: number; pos: number; of: number }
  | { kind: 'node'; node: GraphNodeIR; group: string; /** The name inside its group. */ local: string; pos: number; of: number };

export interface Outline {
  rows: OutlineRow[];
  /** Nodes matching the query (all nodes without one). */
  matches: number;
  searching: boolean;
}

/** Does `node` match a search? Case-insensitive substring of the name or the op. */
export function nodeMatches(node: GraphNodeIR, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || node.name.toLowerCase().includes(q) || node.op.toLowerCase().includes(q);
}

/** Rows for `index`: groups in order; each expanded group followed by its nodes. While searching, only groups with matches appear, opened, with only their matching nodes. */
export function buildOutline(index: GraphIndex, query: string, expanded: ReadonlySet<string>): Outline {
  const searching = query.trim() !== '';
  const rows: OutlineRow[] = [];
  let matches = 0;
  const shownGroups = index.groups
    .map((group) => ({ group, nodes: searching ? group.nodes.filter((n) => nodeMatches(n, query)) : group.nodes }))
    .filter((g) => !searching || g.nodes.length > 0);
  shownGroups.forEach(({ group, nodes }, gi) => {
    matches += nodes.length;
    const open = searching || expanded.has(group.name);
    rows.push({ kind: 'group', group, expanded: open, shown: nodes.length, pos: gi + 1, of: shownGroups.length });
    if (!open) return;
    const prefix = group.name === TOP_LEVEL ? '' : `${group.name}/`;
    nodes.forEach((node, ni) => {
      const local = prefix !== '' && node.name.startsWith(prefix) ? node.name.slice(prefix.length) : node.name;
      rows.push({ kind: 'node', node, group: group.name, local, pos: ni + 1, of: nodes.length });
    });
  });
  return { rows, matches, searching };
}

/** Index of the row showing node `name`, or -1. */
export function rowOfNode(rows: readonly OutlineRow[], name: string): number {
  return rows.findIndex((r) => r.kind === 'node' && r.node.name === name);
}
