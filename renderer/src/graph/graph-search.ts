/**
 * Node search of the drawn graph view (Ctrl+F, issue #5): a query matches a node's name, its op
 * type or the text of one of its attributes (the readable attr text of the GraphIR, e.g. a
 * dtype `float32`, a shape `[?,4]`, a `shared_name`). Pure: no DOM, unit-tested in Node.
 *
 * Ranking, best first: the whole name or its last part equals the query, the name starts with
 * it, the last name part contains it, the name contains it, the op equals it, the op contains
 * it, an attr value contains it. Ties keep graph order, so results read like the graph.
 */
import type { GraphIR } from '../../../shared/model/graph-ir.js';

export type SearchField = 'name' | 'op' | 'attr';

export interface SearchHit {
  /** Index in `graph.nodes`. */
  node: number;
  name: string;
  op: string;
  field: SearchField;
  /** For an attr hit: the attr's key and value as shown. */
  attr?: { key: string; value: string };
  rank: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matches in total (the hits list stops at `limit`). */
  total: number;
}

/** Longest attr value text searched (huge tensor previews are not worth scanning). */
const ATTR_TEXT_MAX = 400;

/** Nodes matching `query` (case-insensitive), best first, at most `limit`. Empty query: no hits. */
export function searchGraph(graph: GraphIR, query: string, limit = 200): SearchResult {
  const q = query.trim().toLowerCase();
  if (q === '') return { hits: [], total: 0 };
  const hits: SearchHit[] = [];
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node) continue;
    const name = node.name.toLowerCase();
    const local = name.slice(name.lastIndexOf('/') + 1);
    let rank = -1;
    let field: SearchField = 'name';
    let attr: SearchHit['attr'];
    if (name === q || local === q) rank = 0;
    else if (name.startsWith(q)) rank = 1;
    else if (local.includes(q)) rank = 2;
    else if (name.includes(q)) rank = 3;
    else {
      const op = node.op.toLowerCase();
      field = 'op';
      if (op === q) rank = 4;
      else if (op.includes(q)) rank = 5;
      else {
        field = 'attr';
        for (const [key, value] of Object.entries(node.attrs)) {
          if (value.length <= ATTR_TEXT_MAX && value.toLowerCase().includes(q)) {
            rank = 6;
            attr = { key, value };
            break;
          }
        }
      }
    }
    if (rank < 0) continue;
    hits.push(attr ? { node: i, name: node.name, op: node.op, field, attr, rank } : { node: i, name: node.name, op: node.op, field, rank });
  }
  const total = hits.length;
  // Stable sort: equal ranks stay in graph order.
  hits.sort((a, b) => a.rank - b.rank);
  return { hits: hits.slice(0, limit), total };
}
