import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { actions, PANEL_LIMITS } from '../state/index.js';

/** A draggable (and keyboard-operable) divider that sets the width of the left or right panel. */
export function Splitter({ side, width, label }: { side: 'left' | 'right'; width: number; label: string }) {
  const drag = useRef<{ x: number; width: number } | null>(null);

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, width };
  }
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    actions.setPanelWidth(side, side === 'left' ? d.width + dx : d.width - dx);
  }
  function onPointerUp() {
    drag.current = null;
  }
  function onKeyDown(e: KeyboardEvent) {
    const step = e.shiftKey ? 64 : 16;
    const grow = side === 'left' ? 'ArrowRight' : 'ArrowLeft';
    const shrink = side === 'left' ? 'ArrowLeft' : 'ArrowRight';
    if (e.key === grow) actions.setPanelWidth(side, width + step);
    else if (e.key === shrink) actions.setPanelWidth(side, width - step);
    else return;
    e.preventDefault();
  }

  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={PANEL_LIMITS.min}
      aria-valuemax={PANEL_LIMITS.max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
