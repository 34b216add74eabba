import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { describeNodeDiff } from '../../../shared/diff-format.js';
import type { DiffResult, GraphNodeDiff, NodeDiffKind } from '../../../shared/model/diff.js';
import { diffEntryId, diffIndex, filterDiffNodes } from '../graph/diff-index.js';
import { actions, useFrost } from '../state/index.js';
import { formatCount, plural } from './format.js';
import { useWindowedRows } from './useWindowedRows.js';
import { WindowedGrid } from './WindowedGrid.js';

const ROW = 30;
const HEADER = 30;
/** The list's filter field (Ctrl+F on the Compare tab). */
export const COMPARE_FILTER_ID = 'frost-compare-filter';

/** A change kind as a small coloured tag. */
export function KindTag({ kind }: { kind: NodeDiffKind | 'only in A' | 'only in B' }) {
  return <span className={`kind-tag kind-${kind.replace(/ /g, '-')}`}>{kind}</span>;
}

/** Moves through a windowed list with the keyboard: returns the index `e` asks for, or null. */
export function keyStep(e: KeyboardEvent, at: number, count: number, page: number): number | null {
  const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -count, End: count };
  const d = steps[e.key];
  if (d === undefined || count === 0) return null;
  e.preventDefault();
  return at < 0 ? 0 : Math.min(count - 1, Math.max(0, at + d));
}

/** The filterable, windowed list of node changes; a row selects its node in every view. */
export function NodeList({ result }: { result: DiffResult }) {
  const filter = useFrost((s) => s.compareFilter);
  const selectedNode = useFrost((s) => s.selectedNode);
  const compareSelection = useFrost((s) => s.compareSelection);
  const index = diffIndex(result);
  const rows = useMemo(() => filterDiffNodes(index.ordered, filter), [index, filter]);
  const { setElement, first, last, totalHeight, scrollToRow, pageRows } = useWindowedRows(rows.length, ROW, HEADER);
  const isSelected = (n: GraphNodeDiff): boolean => (n.a !== undefined ? n.a === selectedNode : selectedNode === null && compareSelection?.b === n.b);
  const selectedIndex = rows.findIndex(isSelected);
  useEffect(() => {
    if (selectedIndex >= 0) scrollToRow(selectedIndex);
  }, [selectedIndex, scrollToRow]);
  const scopes = result.graph?.scopes.filter((s) => s.added + s.removed + s.changed + s.renamed + s.frozen + s.cut > 0) ?? [];
  const total = result.graph?.nodes.length ?? 0;

  function onKeyDown(e: KeyboardEvent) {
    const next = keyStep(e, selectedIndex, rows.length, pageRows);
    const row = next === null ? undefined : rows[next];
    if (row) actions.selectDiffEntry(row);
  }

  return (
    <div className="compare-list">
      <div className="compare-filters">
        <input
          id={COMPARE_FILTER_ID}
          className="filter-field"
          type="search"
          placeholder="Filter by name or op"
          aria-label="Filter changes"
          value={filter.text}
          onChange={(e) => actions.setCompareText(e.target.value)}
        />
        <select className="compare-scope" aria-label="Scope" value={filter.scope ?? '\u0000all'} onChange={(e) => actions.setCompareScope(e.target.value === '\u0000all' ? null : e.target.value)}>
          <option value={'\u0000all'}>All scopes</option>
          {scopes.map((s) => (
            <option key={s.scope} value={s.scope}>
              {s.scope || '(root)'} · {formatCount(s.added + s.removed + s.changed + s.renamed + s.frozen + s.cut)}
            </option>
          ))}
        </select>
        <span className="small muted" aria-live="polite" aria-label="Listed changes">
          {rows.length === total ? plural(total, 'change') : `${formatCount(rows.length)} of ${plural(total, 'change')}`}
        </span>
      </div>
      <WindowedGrid
        setElement={setElement}
        className="compare-table"
        label="Graph changes"
        rowCount={rows.length}
        totalHeight={totalHeight}
        activeId={selectedIndex >= first && selectedIndex < last ? `diff-row-${selectedIndex}` : undefined}
        onKeyDown={onKeyDown}
        header={
          <div className="vrow vhead diff-row" role="row" aria-rowindex={1}>
            <div role="columnheader">Kind</div>
            <div role="columnheader">A</div>
            <div role="columnheader">B</div>
            <div role="columnheader">What changed</div>
          </div>
        }
        after={rows.length === 0 && <p className="muted empty-note overlay-note">{total === 0 ? 'The graphs are the same.' : 'No change matches the filter.'}</p>}
      >
        {rows.slice(first, last).map((n, k) => {
          const i = first + k;
          const selected = isSelected(n);
          const what = describeNodeDiff(n);
          return (
            <div
              key={diffEntryId(n)}
              id={`diff-row-${i}`}
              role="row"
              aria-rowindex={i + 2}
              aria-selected={selected}
              className={`vrow diff-row${selected ? ' selected' : ''}`}
              style={{ top: HEADER + i * ROW, height: ROW }}
              data-kind={n.kind}
              data-a={n.a}
              data-b={n.b}
              onClick={() => actions.selectDiffEntry(n)}
            >
              <div role="gridcell">
                <KindTag kind={n.kind} />
              </div>
              <div role="gridcell" className="mono ellipsis-start" title={n.a}>
                {n.a === undefined ? <span className="muted">–</span> : <bdi>{n.a}</bdi>}
              </div>
              <div role="gridcell" className="mono ellipsis-start" title={n.b}>
                {n.b === undefined ? <span className="muted">–</span> : n.b === n.a ? <span className="muted">=</span> : <bdi>{n.b}</bdi>}
              </div>
              <div role="gridcell" className="ellipsis small" title={what}>
                {what}
              </div>
            </div>
          );
        })}
      </WindowedGrid>
    </div>
  );
}

