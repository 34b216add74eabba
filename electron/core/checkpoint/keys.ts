/**
 * Checkpoint keys are bytes (tf-formats.md §11 "Binary keys"): text only for display and
 * lookup by name, a lossless latin1 string as the map key for byte-exact lookups.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

export function keyText(key: Uint8Array): string {
  return utf8.decode(key);
}

export function keyBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One JS string per distinct byte string (latin1 is 1:1 on bytes). */
export function rawKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
