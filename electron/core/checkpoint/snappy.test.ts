// Snappy blocks (tf-formats.md §2.4): round trips and every rejection, with no giant allocation.
import { describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { snappyCompress, snappyUncompress } from './snappy.js';

const where = { file: 'x.index', offset: 123, what: 'data block 0' };
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

function fails(data: Uint8Array, pattern: RegExp): FrostError {
  let err: unknown;
  try {
    snappyUncompress(data, where);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FrostError);
  const fe = err as FrostError;
  expect(fe.code).toBe('CORRUPT');
  expect(fe.file).toBe('x.index');
  expect(fe.offset).toBe(123);
  expect(fe.message).toMatch(pattern);
  return fe;
}

describe('snappy', () => {
  it('round-trips text, repetitive and random data', () => {
    const text = new TextEncoder().encode('dnn/hiddenlayer_0/kernel/t_0/Adagrad '.repeat(300));
    const rand = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
    for (const data of [new Uint8Array(0), bytes(7), text, rand, new Uint8Array(100_000)]) {
      const packed = snappyCompress(data);
      expect(Array.from(snappyUncompress(packed, where))).toEqual(Array.from(data));
    }
  });

  it('decodes hand-made tags: literal, 1-byte-offset copy, overlapping copy, 2- and 4-byte offsets', () => {
    // "abcd" then copy len 8 offset 4 (tag 01: len-4=4 -> (4<<2)|1, offset 4) -> abcdabcdabcd
    expect(new TextDecoder().decode(snappyUncompress(bytes(12, 0x0c, 0x61, 0x62, 0x63, 0x64, (4 << 2) | 1, 4), where))).toBe('abcdabcdabcd');
    // "a" then overlapping copy len 5 offset 1 via a 2-byte-offset tag -> aaaaaa
    expect(new TextDecoder().decode(snappyUncompress(bytes(6, 0x00, 0x61, (4 << 2) | 2, 1, 0), where))).toBe('aaaaaa');
    expect(new TextDecoder().decode(snappyUncompress(bytes(3, 0x00, 0x7a, (1 << 2) | 3, 1, 0, 0, 0), where))).toBe('zzz');
    // A literal with a 1-byte extended length (tag 60<<2): 61 bytes.
    const lit = new Uint8Array(3 + 61).fill(0x41);
    lit.set([61, 60 << 2, 60], 0);
    expect(snappyUncompress(lit, where).length).toBe(61);
  });

  it('rejects a missing or bad preamble', () => {
    fails(new Uint8Array(0), /preamble/);
    fails(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), /preamble/);
  });

  it('rejects a huge declared length before allocating anything', () => {
    // Declares 4 GiB - 1 for 6 bytes of input.
    fails(bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00), /declares 4294967295 uncompressed bytes/);
  });

  it('rejects offset 0, offset beyond the output, overrun, underrun and truncation', () => {
    fails(bytes(8, 0x00, 0x61, (0 << 2) | 1, 0), /offset 0/);
    fails(bytes(8, 0x00, 0x61, (0 << 2) | 1, 2), /offset 2 at output byte 1/);
    fails(bytes(3, 0x0c, 0x61, 0x62, 0x63, 0x64), /more than the 3 bytes/);
    fails(bytes(9, 0x0c, 0x61, 0x62, 0x63, 0x64), /decompresses to 4 bytes but its preamble says 9/);
    fails(bytes(9, 0x0c, 0x61, 0x62), /literal running past the end/);
    fails(bytes(9, 0x00, 0x61, (4 << 2) | 2, 1), /inside a copy tag/);
    fails(bytes(9, 0x00, 0x61, (4 << 2) | 3, 1, 0, 0), /inside a copy tag/);
    fails(bytes(9, 0x00, 0x61, 1), /inside a copy tag/);
  });

  it('rejects a 4-byte literal length with the high bit set (which loops forever in snappyjs)', () => {
    fails(bytes(9, 63 << 2, 0xff, 0xff, 0xff, 0xff, 0x61), /literal running past the end/);
  });
});
