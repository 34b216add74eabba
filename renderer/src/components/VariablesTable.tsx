import { useEffect, useMemo, type KeyboardEvent } from 'react';
import type { VariableJSON } from '../../../shared/model/inspect-report.js';
import { actions, stepSelection, useFrost, visibleVariables, type VariableSortKey } from '../state/index.js';
import { formatBytes, formatCount, formatShape } from './format.js';
import { useWindowedRows } from './useWindowedRows.js';
import { WindowedGrid } from './WindowedGrid.js';
import { VerifyButton, VerifyStatus } from './VerifyChecksums.js';

export const VARIABLE_FILTER_ID = 'frost-variable-filter';
const HEADER = 32;

const COLUMNS: { key: VariableSortKey | null; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'col-name' },
  { key: 'dtype', label: 'DType', className: 'col-dtype' },
  { key: null, label: 'Shape', className: 'col-shape' },
  { key: 'bytes', label: 'Size', className: 'col-bytes' },
];

/** Every checkpoint variable, windowed: filterable, sortable, arrow keys move the selection. */
export function VariablesTable() {
  const report = useFrost((s) => s.report);
  const sort = useFrost((s) => s.variableSort);
  const filter = useFrost((s) => s.variableFilter);
  const selected = useFrost((s) => s.selectedVariable);
  const all = report?.variables;
  const rows = useMemo(() => (all ? visibleVariables(all, sort, filter) : []), [all, sort, filter]);
  const twoLine = useMemo(() => all?.some((v) => v.displayName !== undefined) ?? false, [all]);
  const rowHeight = twoLine ? 44 : 30;
  const { setElement, first, last, totalHeight, scrollToRow, pageRows } = useWindowedRows(rows.length, rowHeight, HEADER);
  const selectedIndex = selected === null ? -1 : rows.findIndex((r) => r.name === selected);

  useEffect(() => {
    if (selectedIndex >= 0) scrollToRow(selectedIndex);
  }, [selectedIndex, scrollToRow]);

  if (!report) return null;

  function onKeyDown(e: KeyboardEvent) {
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows, Home: -Infinity, End: Infinity };
    const delta = steps[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const next = stepSelection(rows, selected, Number.isFinite(delta) ? delta : delta > 0 ? rows.length : -rows.length);
    if (next !== null) actions.selectVariable(next);
  }

  const total = report.variables.length;
  const activeId = selectedIndex >= first && selectedIndex < last ? `var-row-${selectedIndex}` : undefined;
  return (
    <section className="panel-section variables" aria-labelledby="variables-heading">
      <div className="section-head">
        <h2 id="variables-heading" className="section-title">
          Variables <span className="count">{rows.length === total ? formatCount(total) : `${formatCount(rows.length)} of ${formatCount(total)}`}</span>
        </h2>
        <span className="section-actions">
          <span className="muted small">{formatBytes(report.totalBytes)}</span>
          {total > 0 && <VerifyButton />}
        </span>
      </div>
      <VerifyStatus />
      <input
        hidden={total === 0}
        id={VARIABLE_FILTER_ID}
        className="filter-field"
        type="search"
        placeholder="Filter by name or dtype"
        aria-label="Filter variables"
        value={filter}
        onChange={(e) => actions.setVariableFilter(e.target.value)}
      />
      {total === 0 ? (
        <p className="muted empty-note">This source has no checkpoint variables.</p>
      ) : (
        <WindowedGrid
          setElement={setElement}
          label="Checkpoint variables"
          rowCount={rows.length}
          colCount={COLUMNS.length}
          totalHeight={totalHeight}
          activeId={activeId}
          onKeyDown={onKeyDown}
          header={
            <div className="vrow vhead" role="row" aria-rowindex={1}>
              {COLUMNS.map((c) => {
                const active = c.key !== null && sort.key === c.key;
                return (
                  <div
                    key={c.label}
                    role="columnheader"
                    className={c.className}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : c.key ? 'none' : undefined}
                  >
                    {c.key ? (
                      <button type="button" className="sort-button" tabIndex={-1} onClick={() => actions.sortVariables(c.key!)} title={`Sort by ${c.label.toLowerCase()}`}>
                        {c.label}
                        <span className="sort-mark" aria-hidden="true">
                          {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </div>
                );
              })}
            </div>
          }
          after={rows.length === 0 && <p className="muted empty-note overlay-note">No variable matches “{filter}”.</p>}
        >
          {rows.slice(first, last).map((v, k) => {
            const i = first + k;
            return <VariableRow key={v.name} v={v} index={i} top={HEADER + i * rowHeight} height={rowHeight} selected={v.name === selected} />;
          })}
        </WindowedGrid>
      )}
    </section>
  );
}

function VariableRow({ v, index, top, height, selected }: { v: VariableJSON; index: number; top: number; height: number; selected: boolean }) {
  return (
    <div
      id={`var-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`vrow${selected ? ' selected' : ''}`}
      style={{ top, height }}
      data-variable={v.name}
      onClick={() => actions.selectVariable(v.name)}
    >
      <div role="gridcell" className="col-name mono" title={v.displayName ? `${v.displayName}\n${v.name}` : v.name}>
        {v.displayName ? (
          <>
            <span className="name-main">
              <bdi>{v.displayName}</bdi>
            </span>
            <span className="name-sub">
              <bdi>{v.name}</bdi>
            </span>
          </>
        ) : (
          <span className="name-main">
            <bdi>{v.name}</bdi>
          </span>
        )}
      </div>
      <div role="gridcell" className="col-dtype mono">
        {v.dtype}
      </div>
      <div role="gridcell" className="col-shape mono" title={v.partitions ? `${v.partitions} partitions` : undefined}>
        {formatShape(v.shape)}
        {v.partitions ? <span className="tag small-tag">×{v.partitions}</span> : null}
      </div>
      <div role="gridcell" className="col-bytes mono" title={`${formatCount(v.bytes)} bytes`}>
        {formatBytes(v.bytes)}
      </div>
    </div>
  );
}
