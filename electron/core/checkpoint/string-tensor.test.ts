// DT_STRING payloads (tf-formats.md §4.6, §4.9): TF's bytes, both checksums, bounds checks.
import { describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { maskCrc } from '../io/crc32c.js';
import { decodeStringPayload, encodeStringPayload } from './string-tensor.js';

const txt = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const where = { file: 'm.data-00000-of-00001', offset: 1000, key: 'vocab' };

function corrupt(payload: Uint8Array, n: number, pattern: RegExp): FrostError {
  let err: unknown;
  try {
    decodeStringPayload(payload, n, where);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FrostError);
  const fe = err as FrostError;
  expect(fe.code).toBe('CORRUPT');
  expect(fe.message).toContain('"vocab"');
  expect(fe.file).toBe(where.file);
  expect(fe.message).toMatch(pattern);
  return fe;
}

describe('string payloads', () => {
  it('writes the observed bytes for ["hello", "", "x"*200]', () => {
    const { bytes } = encodeStringPayload([txt('hello'), txt(''), txt('x'.repeat(200))]);
    expect(bytes.length).toBe(213);
    expect(hex(bytes.subarray(0, 13))).toBe('0500c801' + '018caa2b' + '68656c6c6f');
    expect(hex(bytes.subarray(13))).toBe('78'.repeat(200));
  });

  it('writes N = 0 as just mask(0)', () => {
    const { bytes, crc } = encodeStringPayload([]);
    expect(hex(bytes)).toBe('d8ea82a2');
    expect(decodeStringPayload(bytes, 0, where)).toEqual({ strings: [], crc });
    expect(decodeStringPayload(new Uint8Array(0), 0, where).strings).toEqual([]);
  });

  it('round-trips, with the entry CRC equal on both sides (little and big endian)', () => {
    const strings = [txt(''), txt('a'), txt('é'), new Uint8Array(300).fill(0xff), txt('')];
    for (const be of [false, true]) {
      const enc = encodeStringPayload(strings, be);
      const dec = decodeStringPayload(enc.bytes, strings.length, where, { bigEndian: be });
      expect(dec.strings.map(hex)).toEqual(strings.map(hex));
      expect(dec.crc).toBe(enc.crc);
    }
    // The byte orders differ only in the checksum word and the CRC.
    const le = encodeStringPayload(strings, false);
    const be = encodeStringPayload(strings, true);
    expect(le.crc).not.toBe(be.crc);
    expect(() => decodeStringPayload(be.bytes, strings.length, where)).toThrow(/length checksum does not match/);
  });

  it('refuses a length that runs past the payload before allocating anything', () => {
    // One element claiming 2^50 bytes in a 12-byte payload.
    const p = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02, 0, 0, 0, 0]);
    corrupt(p, 1, /element 0 claims 1125899906842624 bytes/);
  });

  it('refuses varints running past the payload, a bad length checksum and extra bytes', () => {
    corrupt(Uint8Array.from([0x85]), 1, /runs past the 1-byte payload/);
    const good = encodeStringPayload([txt('hi'), txt('you')]).bytes;
    const badSum = good.slice();
    badSum[3] = (badSum[3] as number) ^ 1;
    corrupt(badSum, 2, /length checksum does not match/);
    expect(decodeStringPayload(badSum, 2, where, { verify: false }).strings.map((s) => new TextDecoder().decode(s))).toEqual(['hi', 'you']);
    corrupt(Uint8Array.from([...good, 0]), 2, /follow the lengths/);
    corrupt(good.subarray(0, 3), 2, /add up to more than the 3-byte payload/);
    corrupt(good.subarray(0, 5), 2, /length checksum is missing/);
    corrupt(new Uint8Array(0), 2, /has 2 elements but no bytes/);
    corrupt(Uint8Array.from([0, 0]), 3, /only 2 bytes/);
  });

  it('the entry CRC covers the string bytes', () => {
    const a = encodeStringPayload([txt('abc')]);
    const b = encodeStringPayload([txt('abd')]);
    expect(a.crc).not.toBe(b.crc);
    expect(maskCrc(a.crc)).not.toBe(0);
  });
});
