import { useCallback, useLayoutEffect, useState } from 'react';

/**
 * Windowing for long lists of fixed-height rows: only the rows in view (plus `overscan`) are
 * rendered. Attach `setElement` as the scrolling element's ref; rows sit below a sticky header
 * of `headerHeight` pixels, if any.
 */
export function useWindowedRows(rowCount: number, rowHeight: number, headerHeight = 0, overscan = 12) {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [view, setView] = useState({ top: 0, height: 0 });

  useLayoutEffect(() => {
    if (!element) return undefined;
    const update = () =>
      setView((v) => (v.top === element.scrollTop && v.height === element.clientHeight ? v : { top: element.scrollTop, height: element.clientHeight }));
    const observer = new ResizeObserver(update);
    observer.observe(element);
    element.addEventListener('scroll', update, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', update);
    };
  }, [element]);

  const top = Math.max(0, view.top - headerHeight);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((top + Math.max(view.height, rowHeight * 20)) / rowHeight) + overscan);

  /** Scrolls just enough to show row `i` below the header. */
  const scrollToRow = useCallback(
    (i: number) => {
      if (!element || i < 0) return;
      const rowTop = headerHeight + i * rowHeight;
      if (rowTop - headerHeight < element.scrollTop) element.scrollTo({ top: rowTop - headerHeight });
      else if (rowTop + rowHeight > element.scrollTop + element.clientHeight) element.scrollTo({ top: rowTop + rowHeight - element.clientHeight });
    },
    [element, headerHeight, rowHeight],
  );

  return { setElement, element, first, last, totalHeight: headerHeight + rowCount * rowHeight, scrollToRow, pageRows: Math.max(1, Math.floor((view.height - headerHeight) / rowHeight)) };
}
