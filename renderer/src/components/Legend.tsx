import { useMemo } from 'react';
import type { GraphIR, OpFamily } from '../../../shared/model/graph-ir.js';
import { formatCount } from './format.js';

const FAMILY_TEXT: Record<OpFamily, string> = {
  input: 'Inputs',
  variable: 'Variables',
  constant: 'Constants',
  math: 'Math',
  nn: 'Neural net',
  array: 'Array / shape',
  control: 'Control flow',
  queue: 'Queues',
  io: 'Save / restore I/O',
  summary: 'Summaries',
  training: 'Training',
  function: 'Functions',
  other: 'Other',
};

/** What the drawing's colours and marks mean: the op families present (with counts) and the special marks. */
export function Legend({ graph }: { graph: GraphIR }) {
  const families = useMemo(() => {
    const counts = new Map<OpFamily, number>();
    for (const n of graph.nodes) counts.set(n.family, (counts.get(n.family) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]);
  }, [graph]);
  const hasPipeline = useMemo(() => graph.nodes.some((n) => n.pipeline === true), [graph]);
  return (
    <section className="gv-legend" aria-label="Legend">
      <ul>
        {families.map(([f, n]) => (
          <li key={f} className={`fam-${f}`}>
            <svg width="18" height="12" aria-hidden="true">
              <rect x="1" y="1" width="16" height="10" rx="4" className="gv-legend-swatch" />
            </svg>
            {FAMILY_TEXT[f]} <span className="muted">{formatCount(n)}</span>
          </li>
        ))}
        {hasPipeline && (
          <li>
            <svg width="18" height="12" aria-hidden="true">
              <rect x="1" y="1" width="16" height="10" rx="4" className="gv-legend-queue" />
            </svg>
            Queue input pipeline
          </li>
        )}
        {hasPipeline && (
          <li>
            <svg width="18" height="12" aria-hidden="true">
              <line x1="9" y1="0" x2="9" y2="12" className="gv-edge" />
              <line x1="3" y1="6" x2="15" y2="6" className="gv-cut-bar" />
            </svg>
            Freeze cut (dequeue → placeholder)
          </li>
        )}
        <li>
          <svg width="18" height="12" aria-hidden="true">
            <rect x="1" y="1" width="16" height="10" rx="3" className="gv-legend-aux" />
          </svg>
          Auxiliary (save, init, gradients, …)
        </li>
        <li>
          <svg width="18" height="12" aria-hidden="true">
            <line x1="0" y1="6" x2="18" y2="6" className="gv-edge gv-control" />
          </svg>
          Control dependency
        </li>
      </ul>
    </section>
  );
}
