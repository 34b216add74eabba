import type { TensorSummary } from '../../../shared/ipc/contract.js';
import { formatCount, formatNumber } from './format.js';

const W = 300;
const H = 96;

/** The value histogram of a tensor as SVG bars, with zero marked when it is in range. */
export function Histogram({ histogram }: { histogram: NonNullable<TensorSummary['histogram']> }) {
  const { edges, counts } = histogram;
  const max = Math.max(1, ...counts);
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 0;
  const bw = W / Math.max(1, counts.length);
  const zeroX = lo < 0 && hi > 0 ? ((0 - lo) / (hi - lo)) * W : null;
  const label = `Histogram of ${formatCount(counts.reduce((a, b) => a + b, 0))} values in ${counts.length} bins from ${formatNumber(lo)} to ${formatNumber(hi)}`;
  return (
    <figure className="histogram">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
        {counts.map((c, i) => {
          const h = c === 0 ? 0 : Math.max(1.5, (c / max) * (H - 4));
          return (
            <rect key={i} className="bar" x={i * bw + 0.5} y={H - h} width={Math.max(0.5, bw - 1)} height={h}>
              <title>{`[${formatNumber(edges[i] ?? 0)}, ${formatNumber(edges[i + 1] ?? 0)}): ${formatCount(c)}`}</title>
            </rect>
          );
        })}
        {zeroX !== null && <line className="zero" x1={zeroX} x2={zeroX} y1={0} y2={H} vectorEffect="non-scaling-stroke" />}
        <line className="axis" x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="hist-axis mono">
        <span>{formatNumber(lo)}</span>
        {zeroX !== null && <span className="hist-zero">0</span>}
        <span>{formatNumber(hi)}</span>
      </figcaption>
    </figure>
  );
}
