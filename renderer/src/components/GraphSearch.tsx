import { useDeferredValue, useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { GraphIR } from '../../../shared/model/graph-ir.js';
import { searchGraph, type SearchHit } from '../graph/graph-search.js';
import { useFrost } from '../state/index.js';
import { Icon } from './Icon.js';
import { formatCount } from './format.js';

/** Id of the drawn view's search field (Ctrl+F focuses it while the Graph tab shows). */
export const GRAPH_CANVAS_SEARCH_ID = 'frost-graph-canvas-search';
const LIMIT = 200;

/**
 * Search of the drawn graph (Ctrl+F): a combobox whose listbox shows the nodes matching by name,
 * op or attr value. Picking one (click, or ↑/↓ then Enter) calls `onPick`, which reveals the
 * node in the drawing.
 */
export function GraphSearch({ graph, onPick }: { graph: GraphIR; onPick(name: string): void }) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const deferred = useDeferredValue(query);
  // Again once the graph's attrs are merged into its nodes (a search by attr value).
  const detail = useFrost((s) => s.graphDetail);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `detail` changes what the nodes hold
  const result = useMemo(() => searchGraph(graph, deferred, LIMIT), [graph, deferred, detail]);
  const listId = useId();
  const hits = result.hits;
  const showList = open && query.trim() !== '';

  // The list closes on a pick so the drawing shows; ↓ or typing reopens it.
  const pick = (hit: SearchHit | undefined) => {
    if (!hit) return;
    setOpen(false);
    onPick(hit.name);
  };

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    switch (e.key) {
      case 'ArrowDown':
        setOpen(true);
        setActive((a) => Math.min(hits.length - 1, a + 1));
        break;
      case 'ArrowUp':
        setActive((a) => Math.max(0, a - 1));
        break;
      case 'Enter':
        pick(hits[active]);
        break;
      case 'Escape':
        if (query === '' && !open) return;
        setQuery('');
        setOpen(false);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  return (
    <div className="search-wrap gv-search" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setOpen(false)}>
      <Icon name="search" className="field-icon" />
      <input
        id={GRAPH_CANVAS_SEARCH_ID}
        type="search"
        role="combobox"
        className="search-field"
        placeholder="Find node (name, op, attr)"
        aria-label="Find in graph"
        aria-keyshortcuts="Control+F"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && hits[active] ? `${listId}-${active}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <div className="gv-results" role="presentation">
          <p className="gv-results-count small muted" aria-live="polite">
            {result.total === 0 ? 'No node matches.' : result.total > hits.length ? `${formatCount(result.total)} matches, first ${hits.length} shown` : `${formatCount(result.total)} ${result.total === 1 ? 'match' : 'matches'}`}
          </p>
          <ul id={listId} role="listbox" aria-label="Search results">
            {hits.map((h, i) => (
              <li
                key={h.name}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`gv-result${i === active ? ' active' : ''}`}
                data-node-name={h.name}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setActive(i);
                  pick(h);
                }}
              >
                <span className="mono gv-result-name">{h.name}</span>
                <span className="mono small muted">{h.field === 'attr' && h.attr ? `${h.attr.key} = ${h.attr.value}` : h.op}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
