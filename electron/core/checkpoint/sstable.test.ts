// The table reader (tf-formats.md §2): fixtures, point lookups, and each rejection of §2.2-§2.5.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import { pushVarint } from '../io/varint.js';
import { decodeBlockHandle, type BlockHandle } from './sstable-format.js';
import { BlockBuilder, buildTable } from './sstable-writer.js';
import { TableReader, memorySource, parseBlock, unwrapBlock } from './sstable.js';

const txt = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-sstable-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectFrost(p: Promise<unknown> | (() => unknown), code: string, pattern?: RegExp): Promise<FrostError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a FrostError').toBeInstanceOf(FrostError);
  const fe = err as FrostError;
  expect(fe.code).toBe(code);
  if (pattern) expect(fe.message).toMatch(pattern);
  return fe;
}

const open = (bytes: Uint8Array, name = 'mem.index'): Promise<TableReader> => TableReader.fromSource(memorySource(bytes), name);

/** Handles of the footer: [metaindex, index]. */
function footerHandles(f: Uint8Array): [BlockHandle, BlockHandle] {
  const m = decodeBlockHandle(f, f.length - 48, f.length - 8)!;
  const i = decodeBlockHandle(f, m.next, f.length - 8)!;
  return [m.handle, i.handle];
}

/** Recomputes the trailer CRC of the block at `h` after a test edited its contents. */
function fixTrailer(f: Uint8Array, h: BlockHandle): void {
  const crc = maskCrc(crc32c(f.subarray(h.offset + h.size, h.offset + h.size + 1), crc32c(f.subarray(h.offset, h.offset + h.size))));
  new DataView(f.buffer, f.byteOffset).setUint32(h.offset + h.size + 1, crc, true);
}

const sample = (): Uint8Array =>
  buildTable([
    [new Uint8Array(0), txt('header')],
    [txt('alpha'), txt('1')],
    [txt('alphabet'), txt('22')],
    [txt('beta'), txt('333')],
  ]);

describe('reading real tables', () => {
  it('reads the V2 index of simple-model (raw blocks)', async () => {
    const t = await TableReader.open(fixture('simple-model-freeze-oracle', 'simple_model.index'));
    try {
      const keys = (await t.allEntries()).map((e) => str(e.key));
      expect(keys).toEqual(['', 'Model/v1', 'Model/v2']);
      expect(Buffer.from((await t.get(new Uint8Array(0)))!).toString('hex')).toBe('08011a020801');
    } finally {
      await t.close();
    }
  });

  for (const which of ['half-plus-two-savedmodel-tf1', 'half-plus-two-savedmodel-tf2']) {
    it(`decodes the Snappy data block of ${which}/variables/variables.index`, async () => {
      const path = fixture(which, 'variables', 'variables.index');
      const raw = new Uint8Array(await readFile(path));
      const t = await TableReader.open(path);
      try {
        const h = t.blockHandle(0)!;
        expect(raw[h.offset + h.size]).toBe(1); // type byte: Snappy
        const keys = (await t.allEntries()).map((e) => str(e.key));
        expect(keys[0]).toBe('');
        expect(keys).toContain(which.endsWith('tf1') ? 'a' : 'a/.ATTRIBUTES/VARIABLE_VALUE');
      } finally {
        await t.close();
      }
    });
  }

  it('reads the V1 mnist file (a table whose "" value is SavedTensorSlices)', async () => {
    const t = await TableReader.open(fixture('mnist-softmax-v1-freeze-oracle', 'model.ckpt'));
    try {
      const head = (await t.get(new Uint8Array(0)))!;
      expect(head[0]).toBe(0x0a); // §1.4 sniffing: V1 meta is field 1, length-delimited
      const all = await t.allEntries();
      expect(all.length).toBe(3);
      expect(all.slice(1).every((e) => e.key[0] === 0)).toBe(true); // slice keys
    } finally {
      await t.close();
    }
  });
});

describe('point lookups', () => {
  it('finds every key, and no index separator or missing key', async () => {
    const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 3000 }, (_, i) => [txt(`k/${String(i * 7).padStart(6, '0')}`), txt(String(i))]);
    const t = await open(buildTable(entries, { blockSize: 1024 }));
    expect(t.blockCount).toBeGreaterThan(20);
    for (let i = 0; i < 3000; i += 37) expect(str((await t.get(entries[i]![0]))!)).toBe(String(i));
    expect(await t.get(txt('k/000001'))).toBeUndefined();
    expect(await t.get(txt('l'))).toBeUndefined();
    expect(await t.get(txt(''))).toBeUndefined();
    expect(await t.get(txt('k/999999'))).toBeUndefined();
  });

  it('compares keys as unsigned bytes, not UTF-16', async () => {
    // U+FFFD (EF BF BD) sorts after U+10000 (F0 90 80 80) in UTF-16 but before it as bytes.
    const keys = ['a', '\ufffd', '\u{10000}'].map(txt);
    const t = await open(buildTable(keys.map((k) => [k, k] as const)));
    expect((await t.allEntries()).map((e) => str(e.key))).toEqual(['a', '\ufffd', '\u{10000}']);
    for (const k of keys) expect(await t.get(k)).toBeDefined();
  });
});

describe('rejections', () => {
  it('a file shorter than the footer is TRUNCATED', async () => {
    const f = sample();
    await expectFrost(open(f.subarray(0, 30)), 'TRUNCATED', /too short to be a checkpoint table: it has 30 bytes/);
    const path = join(dir, 'short.index');
    await writeFile(path, f.subarray(0, 47));
    const e = await expectFrost(TableReader.open(path), 'TRUNCATED');
    expect(e.file).toBe(path);
  });

  it('a wrong magic (or a cut in the middle) is BAD_MAGIC naming the offset', async () => {
    const f = sample();
    const bad = f.slice();
    bad[bad.length - 1] = 0;
    const e = await expectFrost(open(bad, 'bad.index'), 'BAD_MAGIC', /bad\.index is not a checkpoint table \(bad magic number/);
    expect(e.offset).toBe(bad.length - 8);
    await expectFrost(open(f.subarray(0, f.length - 10)), 'BAD_MAGIC', /truncated/);
  });

  it('a flipped byte in a block is CRC_MISMATCH naming the block and offset', async () => {
    const f = sample();
    const [, index] = footerHandles(f);
    const data = f.slice();
    data[5] = (data[5] as number) ^ 0x40;
    const t = await open(data, 'flip.index');
    const e = await expectFrost(t.allEntries(), 'CRC_MISMATCH', /checksum of the data block 0 at offset 0 .* does not match/);
    expect(e.file).toBe('flip.index');
    expect(e.offset).toBe(0);
    const idx = f.slice();
    idx[index.offset + 1] = (idx[index.offset + 1] as number) ^ 1;
    await expectFrost(open(idx), 'CRC_MISMATCH', new RegExp(`index block at offset ${index.offset}`));
    const trailer = f.slice();
    trailer[index.offset + index.size + 2] = (trailer[index.offset + index.size + 2] as number) ^ 1;
    await expectFrost(open(trailer), 'CRC_MISMATCH');
  });

  it('an unknown block type is CORRUPT (checked after the CRC, which covers the type byte)', async () => {
    const f = sample();
    const [, index] = footerHandles(f);
    f[index.offset + index.size] = 2;
    fixTrailer(f, index);
    await expectFrost(open(f), 'CORRUPT', /block type 2; expected 0 \(raw\) or 1 \(Snappy\)/);
  });

  it('bad Snappy data in a type-1 block is CORRUPT', async () => {
    const f = buildTable([[txt('k'), txt('v'.repeat(100))]], { compression: 'snappy-always' });
    const t0 = await open(f);
    const h = t0.blockHandle(0)!;
    f[h.offset] = 0xff; // the preamble now claims a different length
    f[h.offset + 1] = 0xff;
    fixTrailer(f, h);
    const t = await open(f, 'snappy.index');
    await expectFrost(t.allEntries(), 'CORRUPT', /snappy\.index is corrupt: the Snappy-compressed data block 0 at offset 0/);
  });

  it('block handles past the table data are CORRUPT, without reading or allocating them', async () => {
    const f = sample();
    const [meta] = footerHandles(f);
    // Rewrite the footer with an index handle claiming 2^40 bytes.
    const footer: number[] = [];
    pushVarint(footer, meta.offset);
    pushVarint(footer, meta.size);
    pushVarint(footer, 0);
    pushVarint(footer, 2 ** 40);
    const g = f.slice();
    g.fill(0, g.length - 48, g.length - 8);
    g.set(footer, g.length - 48);
    await expectFrost(open(g), 'CORRUPT', /index block is said to span bytes 0\.\.1099511627781, past the table data/);
    // A truncated varint in the footer.
    const h = f.slice();
    h.fill(0xff, h.length - 48, h.length - 8);
    await expectFrost(open(h), 'CORRUPT', /bad block handle/);
  });

  it('keys out of order across blocks are CORRUPT', async () => {
    const f = buildTable([
      [txt('a1'), txt('x')],
      [txt('b1'), txt('y')],
    ], { blockSize: 1 });
    const t0 = await open(f);
    const h = t0.blockHandle(1)!;
    // Block 1 holds "b1"; make it "a0" (sorts before "a1") and fix the block CRC.
    const at = f.indexOf(0x62, h.offset);
    f[at] = 0x61;
    f[at + 1] = 0x30;
    fixTrailer(f, h);
    await expectFrost((await open(f)).allEntries(), 'CORRUPT', /out of order|outside the range/);
  });
});

describe('block decoding rules (§2.5)', () => {
  const block = (...entries: [string, string][]): Uint8Array => {
    const b = new BlockBuilder(16);
    for (const [k, v] of entries) b.add(txt(k), txt(v));
    return b.finish();
  };
  const bad = (b: Uint8Array, pattern: RegExp): void => {
    let err: unknown;
    try {
      parseBlock(b, 'f.index', 77, 'data block 0');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrostError);
    expect((err as FrostError).code).toBe('CORRUPT');
    expect((err as FrostError).offset).toBe(77);
    expect((err as FrostError).message).toMatch(pattern);
  };

  it('decodes prefix-shared keys', () => {
    const entries = parseBlock(block(['abc', '1'], ['abd', '2'], ['b', '']), 'f', 0, 'b');
    expect(entries.map((e) => [str(e.key), str(e.value)])).toEqual([
      ['abc', '1'],
      ['abd', '2'],
      ['b', ''],
    ]);
  });

  it('treats R = 0 as an empty block and accepts TF\'s empty block', () => {
    expect(parseBlock(new Uint8Array(4), 'f', 0, 'b')).toEqual([]);
    expect(parseBlock(new BlockBuilder(16).finish(), 'f', 0, 'b')).toEqual([]);
  });

  it('rejects short blocks, too many restarts and stray restart offsets', () => {
    bad(new Uint8Array(3), /too short to hold its restart count/);
    const many = new Uint8Array(8);
    new DataView(many.buffer).setUint32(4, 2, true);
    bad(many, /claims 2 restart points/);
    const b = block(['abc', '1'], ['abd', '2']);
    const v = new DataView(b.buffer);
    v.setUint32(b.length - 8, 3, true); // restart[0] points into the middle of an entry
    bad(b, /restart point 3|restart entry/);
    v.setUint32(b.length - 8, 900, true);
    bad(b, /restart point 900 outside/);
  });

  it('rejects shared > previous key, entries running past the limit and bad varints', () => {
    const b1 = block(['abc', '1']);
    b1[0] = 1; // first entry claims to share 1 byte with an empty previous key
    bad(b1, /sharing 1 bytes with a 0-byte previous key/);
    const b2 = block(['abc', '1']);
    b2[2] = 100; // value length 100
    bad(b2, /run past the entries/);
    const b3 = block(['abc', '1']);
    b3[0] = 0x80;
    b3[1] = 0x80;
    b3[2] = 0x80;
    b3[3] = 0x80;
    b3[4] = 0x80;
    bad(b3, /bad entry header at byte 0/);
  });

  it('rejects a restart entry that shares bytes', () => {
    const b = new BlockBuilder(1);
    b.add(txt('abc'), txt('1'));
    b.add(txt('abd'), txt('2'));
    const out = b.finish();
    // Entry 1 starts at byte 7 (3 header bytes + "abc" + "1") and is a restart point; make it
    // claim 1 shared byte.
    out[7] = 1;
    bad(out, /restart entry at byte 7 that shares bytes/);
  });

  it('unwrapBlock checks the CRC before the type byte', () => {
    const contents = txt('hello');
    const raw = new Uint8Array(10);
    raw.set(contents);
    raw[5] = 0;
    new DataView(raw.buffer).setUint32(6, maskCrc(crc32c(raw.subarray(5, 6), crc32c(contents))), true);
    expect(str(unwrapBlock(raw, { offset: 0, size: 5 }, 'f', 'b'))).toBe('hello');
    raw[5] = 9;
    expect(() => unwrapBlock(raw, { offset: 0, size: 5 }, 'f', 'b')).toThrow(/checksum/);
  });
});
