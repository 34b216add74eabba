/**
 * Lookups over a GraphIR that the outline and the properties panel share: nodes by name, who
 * consumes each node, the nodes reading each checkpoint key, and the grouping of nodes by
 * their top-level name scope. Built once per graph (memoized on the graph object).
 */
import type { GraphIR, GraphNodeIR, OpFamily } from '../../../shared/model/graph-ir.js';

/** The group of nodes whose name has no scope and is not itself a scope. */
export const TOP_LEVEL = '(top level)';

export interface GroupInfo {
  name: string;
  /** Nodes in name order. */
  nodes: GraphNodeIR[];
  /** Op families by count, largest first. */
  families: [OpFamily, number][];
  pipeline: number;
  variables: number;
}

export interface GraphIndex {
  byName: ReadonlyMap<string, GraphNodeIR>;
  /** Data consumers of each node (any of its outputs). */
  consumers: ReadonlyMap<string, readonly string[]>;
  /** Nodes with a control dependency on each node. */
  controlConsumers: ReadonlyMap<string, readonly string[]>;
  /** Graph nodes that read each checkpoint key. */
  byCheckpointKey: ReadonlyMap<string, readonly string[]>;
  /** Groups in display order: scopes by name, the top-level group last. */
  groups: readonly GroupInfo[];
  groupOf(name: string): string;
}

/** `node`, `node:1` or `^node` to `node`. */
export function inputNodeName(input: string): string {
  const bare = input.startsWith('^') ? input.slice(1) : input;
  const colon = bare.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(bare.slice(colon + 1)) ? bare.slice(0, colon) : bare;
}

const collator = new Intl.Collator('en', { numeric: true });
export const compareNames = (a: string, b: string): number => collator.compare(a, b);

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function build(graph: GraphIR): GraphIndex {
  const byName = new Map<string, GraphNodeIR>();
  const scopes = new Set<string>();
  for (const n of graph.nodes) {
    byName.set(n.name, n);
    const slash = n.name.indexOf('/');
    if (slash > 0) scopes.add(n.name.slice(0, slash));
  }
  const groupOf = (name: string): string => {
    const slash = name.indexOf('/');
    if (slash > 0) return name.slice(0, slash);
    return scopes.has(name) ? name : TOP_LEVEL;
  };

  const consumers = new Map<string, string[]>();
  const controlConsumers = new Map<string, string[]>();
  const byCheckpointKey = new Map<string, string[]>();
  const grouped = new Map<string, GraphNodeIR[]>();
  for (const n of graph.nodes) {
    const seen = new Set<string>();
    for (const input of n.inputs) {
      const from = inputNodeName(input);
      if (!seen.has(from)) {
        seen.add(from);
        push(consumers, from, n.name);
      }
    }
    for (const c of n.controlInputs) push(controlConsumers, inputNodeName(c), n.name);
    if (n.checkpointKey !== undefined) push(byCheckpointKey, n.checkpointKey, n.name);
    const g = groupOf(n.name);
    const list = grouped.get(g);
    if (list) list.push(n);
    else grouped.set(g, [n]);
  }

  const groups: GroupInfo[] = [];
  for (const [name, nodes] of grouped) {
    nodes.sort((a, b) => compareNames(a.name, b.name));
    const fam = new Map<OpFamily, number>();
    let pipeline = 0;
    let variables = 0;
    for (const n of nodes) {
      fam.set(n.family, (fam.get(n.family) ?? 0) + 1);
      if (n.pipeline) pipeline++;
      if (n.family === 'variable') variables++;
    }
    groups.push({ name, nodes, families: [...fam].sort((a, b) => b[1] - a[1]), pipeline, variables });
  }
  groups.sort((a, b) => (a.name === TOP_LEVEL ? 1 : b.name === TOP_LEVEL ? -1 : compareNames(a.name, b.name)));
  return { byName, consumers, controlConsumers, byCheckpointKey, groups, groupOf };
}

const cache = new WeakMap<GraphIR, GraphIndex>();

/**
 * Fills the details (attrs, outputs, device, checkpoint key) of a structure-only graph in
 * place from the full IR of the same graph (graph:get detail 'structure', then in full): the
 * drawing, its hierarchy and layouts are keyed on the graph object and stay valid. Returns
 * false, changing nothing, when the two are not the same graph node for node.
 */
export function mergeGraphDetails(structure: GraphIR, full: GraphIR): boolean {
  const a = structure.nodes;
  const b = full.nodes;
  if (a.length !== b.length || a.some((n, i) => n.name !== b[i]?.name)) return false;
  a.forEach((n, i) => Object.assign(n, b[i]));
  // The index holds what the details add (checkpoint keys): built again on next use.
  cache.delete(structure);
  return true;
}

/** The index of `graph`, built on first use. */
export function graphIndex(graph: GraphIR): GraphIndex {
  let index = cache.get(graph);
  if (!index) {
    index = build(graph);
    cache.set(graph, index);
  }
  return index;
}
