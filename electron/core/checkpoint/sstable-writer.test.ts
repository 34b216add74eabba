// Byte-level checks of the table writer against tf-formats.md §2.5-§2.7, §3 and §12.
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc, unmaskCrc } from '../io/crc32c.js';
import { tensorflow, Long } from '../proto/tf.js';
import { BlockBuilder, TableBuilder, buildTable, concatChunks, shortSuccessor, shortestSeparator } from './sstable-writer.js';
import { decodeBlockHandle, encodeBlockHandle, encodeFooter } from './sstable-format.js';
import { TableReader, memorySource, parseBlock } from './sstable.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const txt = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Block contents + the 5-byte trailer a TableBuilder would write (type 0). */
function withTrailer(contents: Uint8Array): Uint8Array {
  const t = new Uint8Array(5);
  new DataView(t.buffer).setUint32(1, maskCrc(crc32c(new Uint8Array([0]), crc32c(contents))), true);
  return concatChunks([contents, t]);
}

describe('CRC32C and masking (§3 test vectors)', () => {
  it('matches the standard vectors', () => {
    expect(crc32c(txt('123456789'))).toBe(0xe3069283);
    expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(crc32c(bytes('00000000 01000000 00')))).toBe(0xb0a1f2c0);
  });

  it('continues a running CRC and unmasks', () => {
    const a = txt('12345');
    const b = txt('6789');
    expect(crc32c(b, crc32c(a))).toBe(0xe3069283);
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000]) expect(unmaskCrc(maskCrc(c))).toBe(c);
  });
});

describe('blocks (§2.5)', () => {
  it('writes the empty block exactly as TensorFlow does', () => {
    const block = new BlockBuilder(16).finish();
    expect(hex(withTrailer(block))).toBe('000000000100000000c0f2a1b0');
  });

  it('writes the §12 index block: key "t" -> handle (0, 280), restart interval 1', () => {
    const b = new BlockBuilder(1);
    b.add(txt('t'), Uint8Array.from(encodeBlockHandle({ offset: 0, size: 280 })));
    expect(hex(withTrailer(b.finish()))).toBe('0001037400980200000000010000' + '00' + '00c8474cd9');
  });

  it('prefix-compresses keys and restarts every 16 entries', () => {
    const b = new BlockBuilder(16);
    const keys = Array.from({ length: 40 }, (_, i) => txt(`model/layer_${String(i).padStart(3, '0')}`));
    for (const k of keys) b.add(k, txt('v'));
    const block = b.finish();
    const view = new DataView(block.buffer);
    expect(view.getUint32(block.length - 4, true)).toBe(3); // restarts at entries 0, 16, 32
    // Entry 1 shares "model/layer_00" (14 bytes) with entry 0.
    const first = parseBlock(block, 'mem', 0, 'block');
    expect(first.map((e) => new TextDecoder().decode(e.key))).toEqual(keys.map((k) => new TextDecoder().decode(k)));
    expect(block[keys[0]!.length + 3 + 1]).toBe(14);
  });
});

describe('the footer and the §12 example', () => {
  it('encodes metaindex (285, 8) and index (298, 15) like the TF 2.21 file', () => {
    const f = encodeFooter({ offset: 285, size: 8 }, { offset: 298, size: 15 });
    expect(f.length).toBe(48);
    expect(hex(f)).toBe('9d0208aa020f' + '00'.repeat(34) + '57fb808b247547db');
  });

  it('encodes the header entry value 08 01 1A 02 08 01 and its table entry', () => {
    const header = tensorflow.BundleHeaderProto.encode({ numShards: 1, version: { producer: 1 } }).finish();
    expect(hex(header)).toBe('08011a020801');
    const b = new BlockBuilder(16);
    b.add(new Uint8Array(0), header);
    expect(hex(b.finish().subarray(0, 9))).toBe('00000608011a020801');
  });

  it('encodes the _CHECKPOINTABLE_OBJECT_GRAPH entry value of §12', () => {
    const v = tensorflow.BundleEntryProto.encode({
      dtype: 7,
      shape: {},
      offset: Long.fromNumber(56),
      size: Long.fromNumber(377),
      crc32c: 0xbd1dc06e,
    }).finish();
    expect(hex(v)).toBe('0807120020382' + '8f902356ec01dbd');
  });
});

describe('index keys (§2.6)', () => {
  it('computes short successors as observed', () => {
    expect(new TextDecoder().decode(shortSuccessor(txt('z')))).toBe('{');
    expect(new TextDecoder().decode(shortSuccessor(txt('save_counter/.ATTRIBUTES/VARIABLE_VALUE')))).toBe('t');
    expect(new TextDecoder().decode(shortSuccessor(txt('layer_11999/kernel')))).toBe('m');
    expect(hex(shortSuccessor(bytes('007a0001')))).toBe('01');
    expect(hex(shortSuccessor(bytes('ffff')))).toBe('ffff');
    expect(hex(shortSuccessor(bytes('ff10')))).toBe('ff11');
  });

  it('computes shortest separators', () => {
    const sep = (a: string, b: string): string => new TextDecoder().decode(shortestSeparator(txt(a), txt(b)));
    expect(sep('abcdefg', 'abzzz')).toBe('abd');
    expect(sep('layer_04842/x', 'layer_04843/y')).toBe('layer_04842/x'); // next byte is only +1: kept whole
    expect(sep('abc', 'abcd')).toBe('abc'); // prefix: kept
    expect(hex(shortestSeparator(bytes('01ff'), bytes('0300')))).toBe('02');
    expect(hex(shortestSeparator(bytes('ff01'), bytes('ff05')))).toBe('ff02');
  });
});

describe('TableBuilder (§2.7)', () => {
  it('splits at 256 KiB, flushing after the entry that reaches it, and reads back', async () => {
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 12001; i++) {
      // ~40-byte keys that share little, like the observed TF table (§2.7).
      const h = crc32c(txt(String(i))).toString(16).padStart(8, '0');
      entries.push([txt(`layer_${String(i).padStart(5, '0')}/${h}${h}${h}/kernel`), bytes('0801120408041004')]);
    }
    const b = new TableBuilder();
    for (const [k, v] of entries) b.add(k, v);
    const file = concatChunks(b.finish());
    const t = await TableReader.fromSource(memorySource(file), 'mem.index');
    expect(t.blockCount).toBe(3);
    for (let i = 0; i < 2; i++) {
      const size = t.blockHandle(i)!.size;
      const blk = await t.blockEntries(i);
      const last = blk[blk.length - 1]!;
      // Flushed by the entry that reached 262144, not earlier: without it the block was smaller.
      expect(size).toBeGreaterThanOrEqual(262144);
      expect(size - (last.key.length + last.value.length + 3) - 4).toBeLessThan(262144);
      const restarts = new DataView(file.buffer, t.blockHandle(i)!.offset + size - 4, 4).getUint32(0, true);
      expect(restarts).toBe(Math.ceil(blk.length / 16));
    }
    const all = await t.allEntries();
    expect(all.length).toBe(12001);
    expect(hex(all[5000]!.key)).toBe(hex(entries[5000]![0]));
    for (const i of [0, 1, 4242, 11999, 12000]) expect(hex((await t.get(entries[i]![0]))!)).toBe('0801120408041004');
    expect(await t.get(txt('m'))).toBeUndefined(); // the last index key is a successor, not an entry
    expect(await t.get(txt('layer_00000'))).toBeUndefined();
  });

  it('refuses keys out of order', () => {
    const b = new TableBuilder();
    b.add(txt('b'), txt(''));
    expect(() => b.add(txt('a'), txt(''))).toThrow(RangeError);
    expect(() => b.add(txt('b'), txt(''))).toThrow(RangeError);
  });

  it('writes an empty table with empty metaindex and index blocks', async () => {
    const file = buildTable([]);
    expect(file.length).toBe(13 + 13 + 48);
    const t = await TableReader.fromSource(memorySource(file), 'empty');
    expect(await t.allEntries()).toEqual([]);
  });

  it('Snappy: "snappy" keeps only blocks that shrink by 1/8, "snappy-always" compresses all', async () => {
    const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 500 }, (_, i) => [txt(`k${String(i).padStart(4, '0')}`), new Uint8Array(50).fill(i % 7)]);
    const plain = buildTable(entries);
    const snappy = buildTable(entries, { compression: 'snappy' });
    const always = buildTable([[txt('a'), txt('b')]], { compression: 'snappy-always' });
    expect(snappy.length).toBeLessThan(plain.length / 2);
    for (const f of [snappy, always]) {
      const t = await TableReader.fromSource(memorySource(f), 'snappy');
      expect((await t.allEntries()).length).toBe(f === always ? 1 : 500);
    }
    // The tiny metaindex block does not shrink, so "snappy" leaves it raw (type 0), like the
    // fixtures; "snappy-always" compresses it too.
    const metaType = (f: Uint8Array): number | undefined => {
      const h = decodeBlockHandle(f, f.length - 48, f.length - 8)!.handle;
      return f[h.offset + h.size];
    };
    expect(metaType(snappy)).toBe(0);
    expect(metaType(always)).toBe(1);
  });
});
