/**
 * Shared constants and small codecs of TensorFlow's LevelDB-style table, tf-formats.md §2:
 * the 48-byte footer with its magic (§2.2), block handles (§2.3) and the 5-byte block
 * trailer (§2.4). Used by both the reader and the writer so they cannot disagree.
 */
import { pushVarint, readVarint64 } from '../io/varint.js';

export const FOOTER_LENGTH = 48;
export const BLOCK_TRAILER_LENGTH = 5;
/** Two handles of at most 20 bytes each; the footer pads them to exactly 40 (§2.2). */
export const MAX_HANDLES_LENGTH = 40;
/** 0xdb4775248b80fb57 as two little-endian words (§2.2). */
export const MAGIC_LO = 0x8b80fb57;
export const MAGIC_HI = 0xdb477524;

export const BLOCK_TYPE_NONE = 0;
export const BLOCK_TYPE_SNAPPY = 1;

export interface BlockHandle {
  offset: number;
  size: number;
}

/** Decodes a handle at buf[pos..limit); undefined for a truncated or oversized varint (§2.3). */
export function decodeBlockHandle(buf: Uint8Array, pos: number, limit: number): { handle: BlockHandle; next: number } | undefined {
  const off = readVarint64(buf, pos, limit);
  if (!off) return undefined;
  const size = readVarint64(buf, off.next, limit);
  if (!size) return undefined;
  return { handle: { offset: off.value, size: size.value }, next: size.next };
}

export function encodeBlockHandle(h: BlockHandle, out: number[] = []): number[] {
  pushVarint(out, h.offset);
  pushVarint(out, h.size);
  return out;
}

/** The footer as TF writes it: both handles, zero padding to 40 bytes, magic (§2.2). */
export function encodeFooter(metaindex: BlockHandle, index: BlockHandle): Uint8Array {
  const out = new Uint8Array(FOOTER_LENGTH);
  const handles = encodeBlockHandle(index, encodeBlockHandle(metaindex));
  out.set(handles, 0);
  const view = new DataView(out.buffer);
  view.setUint32(40, MAGIC_LO, true);
  view.setUint32(44, MAGIC_HI, true);
  return out;
}

/** memcmp order, shorter prefix first (§2 conventions): the only order table keys have. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A key for humans: UTF-8 text (bad bytes replaced) when printable, else hex. */
export function describeKey(key: Uint8Array): string {
  const text = utf8.decode(key);
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\ufffd]/.test(text)) return JSON.stringify(text);
  return `0x${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')}`;
}
