import { describe, expect, it } from 'vitest';
import { compareUtf8, sortedMapKeys } from './map-order.js';

describe('map key order', () => {
  it('compares strings as UTF-8 bytes, not UTF-16 units', () => {
    const keys = ['\u{1F600}', '\uFFFD', 'é', 'z', 'a', '9', '10', '', 'ab'];
    expect([...keys].sort(compareUtf8)).toEqual(['', '10', '9', 'a', 'ab', 'z', 'é', '\uFFFD', '\u{1F600}']);
    // Plain JS order differs exactly where the spec says it does (§11 "Key ordering").
    expect([...keys].sort().indexOf('\u{1F600}')).toBeLessThan([...keys].sort().indexOf('\uFFFD'));
    for (const a of keys) for (const b of keys) expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it('sorts integer keys numerically and bool keys false first', () => {
    expect(sortedMapKeys(['10', '-3', '2', '4294967295'], 'uint32')).toEqual(['-3', '2', '10', '4294967295']);
    expect(sortedMapKeys(['9223372036854775807', '-9223372036854775808', '0'], 'int64')).toEqual(['-9223372036854775808', '0', '9223372036854775807']);
    expect(sortedMapKeys(['true', 'false'], 'bool')).toEqual(['false', 'true']);
    expect(sortedMapKeys(['b', '1'], 'int32')).toEqual(['1', 'b']);
  });
});
