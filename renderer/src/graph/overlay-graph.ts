/**
 * The merged graph of a comparison (the Compare tab's overlay): every node of A, plus the nodes
 * only B has, with the edges of both — each node carrying its change kind. B's names are
 * mapped to A's through the diff's pairs, so a renamed node and its inputs stay one node.
 */
import type { GraphDiff, NodeDiffKind } from '../../../shared/model/diff.js';
import type { GraphIR, GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { inputNodeName } from './graph-index.js';

export interface OverlayGraph {
  graph: GraphIR;
  /** Overlay node name → kind (absent = unchanged). */
  kinds: ReadonlyMap<string, NodeDiffKind>;
  /** Overlay names of the nodes that came from B (added), → their B name. */
  fromB: ReadonlyMap<string, string>;
}

/** `node:1` → the same output of `node`'s overlay name. */
function renameTensor(tensor: string, rename: (node: string) => string): string {
  const node = inputNodeName(tensor);
  const mapped = rename(node);
  return mapped === node ? tensor : mapped + tensor.slice(node.length);
}

export function overlayGraph(a: GraphIR, b: GraphIR, diff: GraphDiff): OverlayGraph {
  const aNames = new Set(a.nodes.map((n) => n.name));
  // B name → overlay name: its A partner for matched pairs, itself (made unique) for added nodes.
  const bToOverlay = new Map<string, string>();
  for (const [an, bn] of Object.entries(diff.pairs)) bToOverlay.set(bn, an);
  const fromB = new Map<string, string>();
  for (const n of b.nodes) {
    if (diff.sides.b[n.name] !== 'added') continue;
    let name = n.name;
    // An added node cannot share a name with A's (it would have matched), unless A's was renamed away.
    for (let i = 2; aNames.has(name); i++) name = `${n.name} (B${i === 2 ? '' : ` ${i}`})`;
    bToOverlay.set(n.name, name);
    fromB.set(name, n.name);
  }
  const rename = (bName: string): string => bToOverlay.get(bName) ?? bName;
  const bByOverlay = new Map<string, GraphNodeIR>();
  for (const n of b.nodes) bByOverlay.set(rename(n.name), n);

  const kinds = new Map<string, NodeDiffKind>();
  const nodes: GraphNodeIR[] = [];
  const union = (xs: readonly string[], ys: readonly string[]): string[] => [...new Set([...xs, ...ys])];
  for (const n of a.nodes) {
    const kind = diff.sides.a[n.name];
    if (kind) kinds.set(n.name, kind);
    const partner = kind === 'removed' ? undefined : bByOverlay.get(n.name);
    // Edges of both sides: an input B adds to a matched node shows too.
    const inputs = partner ? union(n.inputs, partner.inputs.map((t) => renameTensor(t, rename)).filter((t) => aNames.has(inputNodeName(t)) || fromB.has(inputNodeName(t)))) : n.inputs;
    const controlInputs = partner ? union(n.controlInputs, partner.controlInputs.map(rename).filter((c) => aNames.has(c) || fromB.has(c))) : n.controlInputs;
    nodes.push(inputs === n.inputs && controlInputs === n.controlInputs ? n : { ...n, inputs, controlInputs });
  }
  for (const name of fromB.keys()) {
    const n = bByOverlay.get(name);
    if (!n) continue;
    kinds.set(name, 'added');
    nodes.push({ ...n, name, inputs: n.inputs.map((t) => renameTensor(t, rename)), controlInputs: n.controlInputs.map(rename) });
  }
  return { graph: { file: a.file, nodes, functions: union(a.functions, b.functions) }, kinds, fromB };
}
