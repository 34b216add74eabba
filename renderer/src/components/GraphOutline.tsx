import { useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { GraphNodeIR } from '../../../shared/model/graph-ir.js';
import { SHORTCUT_HELP } from '../app/shortcuts.js';
import { graphIndex } from '../graph/graph-index.js';
import { buildOutline, rowOfNode, type OutlineRow } from '../graph/outline.js';
import { actions, useFrost } from '../state/index.js';
import { Icon } from './Icon.js';
import { formatCount, plural } from './format.js';
import { useWindowedRows } from './useWindowedRows.js';

export const GRAPH_SEARCH_ID = 'frost-graph-search';
const ROW = 28;

/**
 * The centre panel for now: the graph's nodes grouped by top-level name scope, each group
 * collapsible, windowed so big training graphs stay fast. A later view draws the laid-out graph.
 */
export function GraphOutline() {
  const graph = useFrost((s) => s.graph);
  const status = useFrost((s) => s.graphStatus);
  const report = useFrost((s) => s.report);
  const query = useFrost((s) => s.graphQuery);
  const expandedList = useFrost((s) => s.expandedGroups);
  const selected = useFrost((s) => s.selectedNode);
  const busy = useFrost((s) => s.busy);

  // Again once the graph's details are merged in (checkpoint keys).
  const detail = useFrost((s) => s.graphDetail);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `detail` changes what the nodes hold
  const index = useMemo(() => (graph ? graphIndex(graph) : null), [graph, detail]);
  const outline = useMemo(() => (index ? buildOutline(index, query, new Set(expandedList)) : null), [index, query, expandedList]);
  const rows = useMemo(() => outline?.rows ?? [], [outline]);

  return (
    <>
      <div className="graph-toolbar">
        <div className="search-wrap">
          <Icon name="search" className="field-icon" />
          <input
            id={GRAPH_SEARCH_ID}
            type="search"
            role="searchbox"
            className="search-field"
            placeholder="Search nodes (name or op)"
            aria-label="Search nodes"
            aria-keyshortcuts="Control+F"
            aria-controls="graph-tree"
            value={query}
            disabled={!graph}
            onChange={(e) => actions.setGraphQuery(e.target.value)}
          />
          <kbd className="kbd">Ctrl F</kbd>
        </div>
        {index && outline && (
          <span className="muted small graph-count" aria-live="polite">
            {outline.searching ? `${plural(outline.matches, 'match', 'matches')} of ${formatCount(index.byName.size)}` : `${plural(index.byName.size, 'node')} · ${plural(index.groups.length, 'scope')}`}
          </span>
        )}
        <div className="toolbar-end">
          <button type="button" className="button ghost small" disabled={!index || outline?.searching} onClick={() => index && actions.setExpandedGroups(index.groups.map((g) => g.name))}>
            Expand all
          </button>
          <button type="button" className="button ghost small" disabled={!index || outline?.searching} onClick={() => actions.setExpandedGroups([])}>
            Collapse all
          </button>
        </div>
      </div>
      {graph && index ? (
        rows.length === 0 ? (
          <p className="center-note muted">No node name or op contains “{query}”.</p>
        ) : (
          <OutlineTree rows={rows} selected={selected} query={query} />
        )
      ) : (
        <CentreState status={status} hasReport={report !== null} busy={busy} />
      )}
    </>
  );
}

export function CentreState({ status, hasReport, busy }: { status: string; hasReport: boolean; busy: string | null }) {
  if (status === 'loading') {
    return (
      <div className="center-note" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <span>{busy ?? 'Loading the graph…'}</span>
      </div>
    );
  }
  if (status === 'absent') return <p className="center-note muted">This source has no graph: only checkpoint variables. Pick one on the left to see its values.</p>;
  if (status === 'error') return <p className="center-note muted">The graph could not be loaded (see the message above).</p>;
  if (hasReport) return null;
  return <Welcome busy={busy} />;
}

function Welcome({ busy }: { busy: string | null }) {
  return (
    <div className="welcome">
      <div className="welcome-mark" aria-hidden="true">
        <Icon name="logo" size={40} />
      </div>
      <h1>Open a TensorFlow checkpoint</h1>
      {busy ? (
        <p aria-busy="true">
          <span className="spinner" aria-hidden="true" /> {busy}
        </p>
      ) : (
        <p className="muted">
          Type or paste a path in the field above and press <kbd className="kbd">Enter</kbd>: a training folder with a <code>checkpoint</code> file,
          a <code>model.ckpt-N</code> prefix or any of its files, a <code>.meta</code>, <code>.pb</code> or <code>.pbtxt</code> graph, or a SavedModel folder.
        </p>
      )}
      <dl className="shortcuts">
        {SHORTCUT_HELP.slice(0, 4).map((s) => (
          <div key={s.keys} className="shortcut-row">
            <dt>
              <kbd className="kbd">{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function OutlineTree({ rows, selected, query }: { rows: OutlineRow[]; selected: string | null; query: string }) {
  const { setElement, element, first, last, totalHeight, scrollToRow, pageRows } = useWindowedRows(rows.length, ROW);
  const selectedRow = selected === null ? -1 : rowOfNode(rows, selected);
  // The keyboard cursor. A selection made elsewhere (a link, a click) moves it to that node.
  const [cursor, setCursor] = useState<{ row: number; selected: string | null }>({ row: 0, selected: null });
  const activeRow = Math.max(0, Math.min(cursor.selected === selected || selectedRow < 0 ? cursor.row : selectedRow, rows.length - 1));
  const activeRendered = activeRow >= first && activeRow < last;
  const wantFocus = useRef(false);
  const scrolledFor = useRef<string | null>(null);

  // Bring a newly selected node into view (e.g. chosen from an input link), once per selection.
  useEffect(() => {
    if (selected !== scrolledFor.current && selectedRow >= 0) {
      scrolledFor.current = selected;
      scrollToRow(selectedRow);
    }
  }, [selected, selectedRow, scrollToRow]);

  // Keyboard moves: focus follows the active row once it is rendered (after any scroll).
  useEffect(() => {
    if (!wantFocus.current || !element) return;
    const row = element.querySelector<HTMLElement>(`[data-row="${activeRow}"]`);
    if (!row) return;
    wantFocus.current = false;
    row.focus({ preventScroll: true });
  }, [activeRow, element, first]);

  function activate(i: number) {
    const row = rows[i];
    if (!row) return;
    setCursor({ row: i, selected: row.kind === 'node' ? row.node.name : selected });
    if (row.kind === 'group') actions.toggleGroup(row.group.name);
    else actions.selectNode(row.node.name);
  }

  function moveTo(i: number) {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    const row = rows[next];
    if (!row) return;
    wantFocus.current = true;
    setCursor({ row: next, selected: row.kind === 'node' ? row.node.name : selected });
    scrollToRow(next);
    if (row.kind === 'node') actions.selectNode(row.node.name);
  }

  // Tabbing into the tree while its active row is scrolled away: bring the row back and focus it.
  function onFocus(e: FocusEvent<HTMLDivElement>) {
    if (e.target !== e.currentTarget) return;
    wantFocus.current = true;
    scrollToRow(activeRow);
  }

  function onKeyDown(e: KeyboardEvent) {
    const row = rows[activeRow];
    if (!row) return;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(activeRow + 1);
        break;
      case 'ArrowUp':
        moveTo(activeRow - 1);
        break;
      case 'PageDown':
        moveTo(activeRow + pageRows);
        break;
      case 'PageUp':
        moveTo(activeRow - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (row.kind === 'group' && !row.expanded) actions.toggleGroup(row.group.name);
        else moveTo(activeRow + 1);
        break;
      case 'ArrowLeft':
        if (row.kind === 'group' && row.expanded) actions.toggleGroup(row.group.name);
        else if (row.kind === 'node') moveTo(rows.findIndex((r) => r.kind === 'group' && r.group.name === row.group));
        break;
      case 'Enter':
      case ' ':
        activate(activeRow);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  return (
    <div
      ref={setElement}
      id="graph-tree"
      className="tree"
      role="tree"
      aria-label="Graph nodes by name scope"
      tabIndex={activeRendered ? -1 : 0}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div className="tree-spacer" style={{ height: totalHeight }}>
        {rows.slice(first, last).map((row, k) => {
          const i = first + k;
          const common = { index: i, top: i * ROW, focusable: i === activeRow, onActivate: () => activate(i) };
          return row.kind === 'group' ? (
            <GroupRow key={`g:${row.group.name}`} row={row} {...common} />
          ) : (
            <NodeRow key={`n:${row.node.name}`} node={row.node} local={row.local} query={query} pos={row.pos} of={row.of} selected={row.node.name === selected} {...common} />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  index: number;
  top: number;
  focusable: boolean;
  onActivate(): void;
}

function GroupRow({ row, index, top, focusable, onActivate }: RowProps & { row: Extract<OutlineRow, { kind: 'group' }> }) {
  const { group } = row;
  const total = group.nodes.length;
  return (
    <div
      role="treeitem"
      aria-level={1}
      aria-expanded={row.expanded}
      aria-posinset={row.pos}
      aria-setsize={row.of}
      aria-label={`${group.name}, ${plural(total, 'node')}${group.pipeline ? `, ${group.pipeline} input pipeline` : ''}`}
      tabIndex={focusable ? 0 : -1}
      data-row={index}
      data-group={group.name}
      className={`trow group-row${group.pipeline ? ' has-pipeline' : ''}`}
      style={{ top }}
      onClick={onActivate}
    >
      <Icon name="chevron" className="chevron" size={14} />
      <span className="group-name mono">{group.name}</span>
      <span className="count">{row.shown === total ? formatCount(total) : `${formatCount(row.shown)} / ${formatCount(total)}`}</span>
      <FamilyBar families={group.families} total={total} />
      {group.pipeline > 0 && <span className="tag queue">queue pipeline</span>}
      {group.variables > 0 && <span className="tag">{plural(group.variables, 'variable')}</span>}
    </div>
  );
}

function FamilyBar({ families, total }: { families: [string, number][]; total: number }) {
  return (
    <span className="family-bar" title={families.map(([f, n]) => `${f} ${n}`).join(' · ')} aria-hidden="true">
      {families.map(([f, n]) => (
        <span key={f} className={`fam fam-${f}`} style={{ width: `${(100 * n) / total}%` }} />
      ))}
    </span>
  );
}

/** `text` with the first case-insensitive occurrence of `query` marked. */
function Highlight({ text, query }: { text: string; query: string }) {
  const q = query.trim().toLowerCase();
  const at = q === '' ? -1 : text.toLowerCase().indexOf(q);
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + q.length)}</mark>
      {text.slice(at + q.length)}
    </>
  );
}

function NodeRow({ node, local, query, pos, of, selected, index, top, focusable, onActivate }: RowProps & { node: GraphNodeIR; local: string; query: string; pos: number; of: number; selected: boolean }) {
  return (
    <div
      role="treeitem"
      aria-level={2}
      aria-selected={selected}
      aria-posinset={pos}
      aria-setsize={of}
      aria-label={`${node.name}, ${node.op}`}
      tabIndex={focusable ? 0 : -1}
      data-row={index}
      data-node-name={node.name}
      className={`trow node-row fam-${node.family}${selected ? ' selected' : ''}${node.pipeline ? ' pipeline' : ''}`}
      style={{ top }}
      title={node.name}
      onClick={onActivate}
    >
      <span className="fam-dot" aria-hidden="true" />
      <span className="node-name mono">
        <Highlight text={local} query={query} />
      </span>
      <span className="op mono">
        <Highlight text={node.op} query={query} />
      </span>
      {node.pipeline && <span className="tag queue">queue</span>}
      {node.checkpointKey !== undefined && <span className="tag var" title={`reads checkpoint key ${node.checkpointKey}`}>var</span>}
    </div>
  );
}
