import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts.js';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('shortcutFor', () => {
  it('maps Ctrl/Cmd + O, F, B, I and /', () => {
    expect(shortcutFor(key('o', { ctrlKey: true }), false)).toBe('focus-path');
    expect(shortcutFor(key('O', { metaKey: true }), true)).toBe('focus-path');
    expect(shortcutFor(key('f', { ctrlKey: true }), true)).toBe('focus-search');
    expect(shortcutFor(key('b', { ctrlKey: true }), false)).toBe('toggle-left-panel');
    expect(shortcutFor(key('i', { ctrlKey: true }), false)).toBe('toggle-right-panel');
    expect(shortcutFor(key('/', { ctrlKey: true }), false)).toBe('shortcuts');
  });
  it('ignores other combinations', () => {
    expect(shortcutFor(key('f', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(shortcutFor(key('f', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutFor(key('x', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('f'), false)).toBeNull();
  });
  it('Escape clears the selection except inside a text field', () => {
    expect(shortcutFor(key('Escape'), false)).toBe('clear-selection');
    expect(shortcutFor(key('Escape'), true)).toBeNull();
  });
});
