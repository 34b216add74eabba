import { describe, expect, it } from 'vitest';
import { baseName, formatBytes, formatNumber, formatShape, parseShapeText, plural } from './format.js';

describe('format', () => {
  it('formats bytes like the CLI', () => {
    expect(formatBytes(8)).toBe('8 B');
    expect(formatBytes(7960)).toBe('7.77 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
  });
  it('formats shapes', () => {
    expect(formatShape([4, 10])).toBe('[4, 10]');
    expect(formatShape([])).toBe('[]');
    expect(formatShape([-1, 3])).toBe('[?, 3]');
    expect(formatShape(null)).toBe('unknown');
  });
  it('formats statistics compactly', () => {
    expect(formatNumber(-0.6399955749511719)).toBe('-0.639996');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1.5e-7)).toBe('1.500e-7');
    expect(formatNumber(NaN)).toBe('NaN');
  });
  it('names and counts', () => {
    expect(baseName('/a/b/model.ckpt-2500')).toBe('model.ckpt-2500');
    expect(baseName('C:\\runs\\train\\')).toBe('train');
    expect(plural(1, 'node')).toBe('1 node');
    expect(plural(2500, 'match', 'matches')).toBe('2,500 matches');
  });
});

describe('parseShapeText (the editable placeholder shape)', () => {
  it('reads brackets, x-separated dims, ? and -1 as unknown, ? alone as unknown rank; refuses the rest', () => {
    expect(parseShapeText('[-1, 64]')).toEqual([-1, 64]);
    expect(parseShapeText(' 8x64 ')).toEqual([8, 64]);
    expect(parseShapeText('[?, 4]')).toEqual([-1, 4]);
    expect(parseShapeText('[]')).toEqual([]);
    expect(parseShapeText('?')).toBeNull();
    expect(parseShapeText('[a, 4]')).toBeUndefined();
    expect(parseShapeText('[-2]')).toBeUndefined();
    // What the panel shows (formatShape, ? as -1) reads back unchanged.
    expect(parseShapeText(formatShape([-1, 784]).replace(/\?/g, '-1'))).toEqual([-1, 784]);
  });
});
