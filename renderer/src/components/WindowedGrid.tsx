import type { KeyboardEvent, ReactNode } from 'react';

/**
 * The shell of a windowed ARIA grid (the variables table, the Compare tab's two lists): a
 * focusable scroller whose spacer is as tall as every row, the header row, and only the rows
 * in view (useWindowedRows). The active row is announced through aria-activedescendant.
 */
export function WindowedGrid({ setElement, ...props }: {
  setElement(el: HTMLDivElement | null): void;
  label: string;
  className?: string;
  /** Data rows (the header row is counted on top). */
  rowCount: number;
  colCount?: number;
  totalHeight: number;
  /** Id of the active row, when it is rendered. */
  activeId: string | undefined;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>): void;
  header: ReactNode;
  children: ReactNode;
  /** Shown over the grid, outside the scrolled rows (an empty-filter note). */
  after?: ReactNode;
}) {
  return (
    <div
      ref={setElement}
      className={props.className ? `vtable ${props.className}` : 'vtable'}
      role="grid"
      aria-label={props.label}
      aria-rowcount={props.rowCount + 1}
      aria-colcount={props.colCount}
      aria-activedescendant={props.activeId}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
    >
      <div className="vtable-spacer" style={{ height: props.totalHeight }}>
        {props.header}
        {props.children}
      </div>
      {props.after}
    </div>
  );
}
