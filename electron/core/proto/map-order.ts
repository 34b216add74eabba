/**
 * The key order of deterministic protobuf output (tf-formats.md §10.1): map entries sorted
 * by key, integer keys numerically and string keys by their UTF-8 bytes (§7: compare keys
 * as unsigned bytes, not as JS strings).
 */

/** Integer keys numerically, string keys by UTF-8 bytes: TF's deterministic order. */
export function sortedMapKeys(keys: string[], keyType: string): string[] {
  if (keyType === 'string') return [...keys].sort(compareUtf8);
  if (keyType === 'bool') return [...keys].sort();
  const asInt = (k: string): bigint | undefined => (/^-?\d+$/.test(k) ? BigInt(k) : undefined);
  return [...keys].sort((a, b) => {
    const x = asInt(a);
    const y = asInt(b);
    if (x === undefined || y === undefined) return x !== undefined ? -1 : y !== undefined ? 1 : compareUtf8(a, b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/**
 * memcmp order of the UTF-8 encodings. JS compares UTF-16 code units, which agrees except
 * when a surrogate (a code point above U+FFFF) meets a unit in U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && y >= 0xe000) || (y >= 0xd800 && x >= 0xe000)) {
      return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
