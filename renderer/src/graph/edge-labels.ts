/**
 * Text drawn on an edge of the graph view (issue #5, "edges with shape labels where known"):
 * for an edge between two ops, the tensor it carries as `dtype[shape]` when the producer records
 * its output types (GraphIR `outputs`, from `_output_shapes` and the `T`/`dtype` attrs); for an
 * aggregated edge between groups carrying several tensors, their count `×N`. Pure.
 */
import type { ChildEdge, Hierarchy, HierarchyItem } from './hierarchy.js';

/** `float32[?,4]`, `int64[]`, `float32` (rank unknown), or null when nothing is known. */
export function tensorText(dtype: string | undefined, shape: readonly number[] | null | undefined): string | null {
  const dims = shape === undefined ? '' : shape === null ? '' : `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(',')}]`;
  if (dtype === undefined && dims === '') return null;
  return `${dtype ?? '?'}${dims}`;
}

/** Output index named by input reference `ref` of producer `producer` (`p` → 0, `p:2` → 2), or -1 when it is not `producer`. */
function outputIndex(ref: string, producer: string): number {
  if (ref === producer) return 0;
  if (!ref.startsWith(producer) || ref.charCodeAt(producer.length) !== 58 /* : */) return -1;
  const k = Number(ref.slice(producer.length + 1));
  return Number.isInteger(k) && k >= 0 ? k : -1;
}

/** The label of aggregated edge `edge` (between two children of one group), or null for none. */
export function edgeLabel(h: Hierarchy, edge: ChildEdge): string | null {
  if (edge.data === 0) return null;
  const a = h.items[edge.from] as HierarchyItem;
  const b = h.items[edge.to] as HierarchyItem;
  if (a.kind === 'op' && b.kind === 'op') {
    const producer = h.graph.nodes[a.node];
    const consumer = h.graph.nodes[b.node];
    if (!producer || !consumer) return null;
    const ks = new Set<number>();
    for (const ref of consumer.inputs) {
      const k = outputIndex(ref, producer.name);
      if (k >= 0) ks.add(k);
    }
    if (ks.size !== 1) return ks.size > 1 ? `×${ks.size}` : null;
    const k = [...ks][0] as number;
    const out = producer.outputs?.[k];
    return out ? tensorText(out.dtype, out.shape) : null;
  }
  return edge.data > 1 ? `×${edge.data}` : null;
}
