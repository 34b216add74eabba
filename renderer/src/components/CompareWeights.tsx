import { useEffect, useMemo, type KeyboardEvent, type ReactNode } from 'react';
import { formatChangedPercent, formatCosine, formatDelta, variableStatusText } from '../../../shared/diff-format.js';
import type { DiffResult, VariableDiff } from '../../../shared/model/diff.js';
import { weightHeat } from '../graph/diff-index.js';
import { actions, useFrost } from '../state/index.js';
import { KindTag, keyStep } from './CompareNodeList.js';
import { formatCount, formatShape, plural } from './format.js';
import { useWindowedRows } from './useWindowedRows.js';
import { WindowedGrid } from './WindowedGrid.js';

const ROW = 30;
const HEADER = 30;

interface WeightRow {
  key: string;
  type: string;
  v?: VariableDiff;
  only?: 'a' | 'b';
}

function typeText(v: VariableDiff): string {
  const a = `${v.dtypeA} ${formatShape(v.shapeA)}`;
  const b = `${v.dtypeB} ${formatShape(v.shapeB)}`;
  return a === b ? a : `${a} → ${b}`;
}

/** The heat colour of a row: the amber of a change, stronger for a larger relative L2. */
export function heatStyle(heat: number): { backgroundColor?: string } {
  return heat > 0 ? { backgroundColor: `color-mix(in srgb, var(--diff-heat) ${Math.round(6 + heat * 34)}%, transparent)` } : {};
}

/** Per variable: the deltas of the two checkpoints, rows heat-coloured by relative L2. */
export function WeightTable({ result }: { result: DiffResult }) {
  const c = result.checkpoint!;
  const selectedVariable = useFrost((s) => s.selectedVariable);
  const rows = useMemo<WeightRow[]>(
    () => [
      ...c.variables.map((v) => ({ key: v.key, type: typeText(v), v })),
      ...c.onlyInA.map((e) => ({ key: e.key, type: `${e.dtype} ${formatShape(e.shape)}`, only: 'a' as const })),
      ...c.onlyInB.map((e) => ({ key: e.key, type: `${e.dtype} ${formatShape(e.shape)}`, only: 'b' as const })),
    ],
    [c],
  );
  const { setElement, first, last, totalHeight, scrollToRow, pageRows } = useWindowedRows(rows.length, ROW, HEADER);
  const selectedIndex = rows.findIndex((r) => r.key === selectedVariable);
  useEffect(() => {
    if (selectedIndex >= 0) scrollToRow(selectedIndex);
  }, [selectedIndex, scrollToRow]);
  const name = (s: { prefix: string; step?: number }): string => `${s.prefix.replace(/^.*[\\/]/, '')}${s.step === undefined ? '' : ` (step ${formatCount(s.step)})`}`;

  function select(r: WeightRow) {
    // Only A's variables can be selected (the properties panel reads A's checkpoint).
    if (r.only !== 'b') actions.selectVariable(r.key);
  }
  function onKeyDown(e: KeyboardEvent) {
    const next = keyStep(e, selectedIndex, rows.length, pageRows);
    const row = next === null ? undefined : rows[next];
    if (row) select(row);
  }

  return (
    <div className="compare-list">
      <p className="small compare-totals" aria-label="Checkpoint totals">
        {name(c.a)} → {name(c.b)}: {plural(c.totals.compared, 'variable')} compared, {formatCount(c.totals.changed)} changed, {formatCount(c.totals.unchanged)} unchanged
        {c.totals.mismatched ? `, ${formatCount(c.totals.mismatched)} with another dtype/shape` : ''}
        {c.totals.unreadable ? `, ${formatCount(c.totals.unreadable)} unreadable` : ''}
        {c.onlyInA.length ? `, ${formatCount(c.onlyInA.length)} only in A` : ''}
        {c.onlyInB.length ? `, ${formatCount(c.onlyInB.length)} only in B` : ''}
      </p>
      <WindowedGrid
        setElement={setElement}
        className="compare-table"
        label="Weight changes"
        rowCount={rows.length}
        totalHeight={totalHeight}
        activeId={selectedIndex >= first && selectedIndex < last ? `weight-row-${selectedIndex}` : undefined}
        onKeyDown={onKeyDown}
        header={
          <div className="vrow vhead weight-row" role="row" aria-rowindex={1}>
            {['Variable', 'Type', 'Max abs', 'Mean abs', 'Rel L2', 'Cosine', 'Changed'].map((h) => (
              <div key={h} role="columnheader">
                {h}
              </div>
            ))}
          </div>
        }
        after={rows.length === 0 && <p className="muted empty-note overlay-note">Neither checkpoint has variables.</p>}
      >
        {rows.slice(first, last).map((r, k) => {
          const i = first + k;
          const d = r.v?.delta;
          const why = r.only ? `only in ${r.only.toUpperCase()}` : r.v && r.v.status !== 'compared' ? variableStatusText(r.v) : '';
          const cells: ReactNode[] =
            d && r.v?.status === 'compared'
              ? [formatDelta(d.maxAbs), formatDelta(d.meanAbs), formatDelta(d.relL2), formatCosine(d.cosine), formatChangedPercent(d)]
              : ['-', '-', '-', '-', '-'];
          return (
            <div
              key={`${r.only ?? ''}:${r.key}`}
              id={`weight-row-${i}`}
              role="row"
              aria-rowindex={i + 2}
              aria-selected={r.key === selectedVariable}
              className={`vrow weight-row${r.key === selectedVariable ? ' selected' : ''}`}
              style={{ top: HEADER + i * ROW, height: ROW, ...heatStyle(weightHeat(r.v)) }}
              data-variable={r.key}
              onClick={() => select(r)}
            >
              <div role="gridcell" className="mono weight-key" title={r.key}>
                <span className="ellipsis-start">
                  <bdi>{r.key}</bdi>
                </span>
                {r.v?.partitioned ? <span className="tag small-tag">partitioned</span> : null}
                {r.only ? <KindTag kind={r.only === 'a' ? 'only in A' : 'only in B'} /> : null}
              </div>
              <div role="gridcell" className="mono ellipsis" title={why || r.type}>
                {why && !r.only ? <span className="warn-text">{why}: </span> : null}
                {r.type}
              </div>
              {cells.map((text, j) => (
                <div key={j} role="gridcell" className="mono num">
                  {text}
                </div>
              ))}
            </div>
          );
        })}
      </WindowedGrid>
    </div>
  );
}
