// V2 bundles (tf-formats.md §4): round trips through the writer, partitioned variables,
// shards, endianness, and damaged copies made here, each giving its typed error.
import { mkdtemp, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo } from '../tensor/dtype.js';
import { formatElement, type TensorData } from '../tensor/tensor-data.js';
import { BundleV2Reader, dataFileName } from './bundle-v2.js';
import { writeBundleV2, type BundleTensor } from './bundle-writer.js';
import { encodeSliceKey } from './slice-key.js';
import { TableBuilder, concatChunks } from './sstable-writer.js';
import { expectFrost } from '../../../test/expect-frost.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const newPrefix = (name: string): string => join(dir, `${name}-${n++}`, 'model.ckpt-1');

async function write(name: string, tensors: BundleTensor[], options: Parameters<typeof writeBundleV2>[2] = {}): Promise<string> {
  const prefix = newPrefix(name);
  await import('node:fs/promises').then((fs) => fs.mkdir(join(prefix, '..'), { recursive: true }));
  await writeBundleV2(prefix, tensors, options);
  return prefix;
}

const txt = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const f32 = (shape: number[], values: number[]): TensorData => ({ kind: 'numeric', dtype: DT.FLOAT, shape, bytes: new Uint8Array(new Float32Array(values).buffer) });
const strs = (shape: number[], values: string[]): TensorData => ({ kind: 'string', dtype: DT.STRING, shape, strings: values.map(txt) });
const vals = (t: TensorData): string[] => Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, i) => formatElement(t, i));
const same = (a: TensorData, b: TensorData): void => {
  expect(b.dtype).toBe(a.dtype);
  expect(b.shape).toEqual(a.shape);
  if (a.kind === 'string' && b.kind === 'string') expect(b.strings.map(hex)).toEqual(a.strings.map(hex));
  else if (a.kind === 'numeric' && b.kind === 'numeric') expect(hex(b.bytes)).toBe(hex(a.bytes));
  else throw new Error('kind differs');
};


/** A tensor of every fixed-size dtype, with bytes valid for that dtype. */
function everyDtype(): TensorData[] {
  const out: TensorData[] = [];
  for (let dt = 1; dt <= 33; dt++) {
    const info = dtypeInfo(dt)!;
    if (info.itemSize === 0) continue;
    const shape = [2, 3];
    const bytes = Uint8Array.from({ length: 6 * info.itemSize }, (_, i) => (i * 31 + dt * 7) & 0xff);
    if (dt === DT.BOOL) bytes.forEach((_, i) => (bytes[i] = i % 2));
    if (dt === DT.INT4 || dt === DT.UINT4) bytes.forEach((b, i) => (bytes[i] = b & 0x0f));
    out.push({ kind: 'numeric', dtype: dt, shape, bytes });
  }
  return out;
}

describe('round trips through the writer', () => {
  it('every dtype, scalars, zero-size tensors and strings (empty strings, zero-element)', async () => {
    const tensors: TensorData[] = [
      ...everyDtype(),
      f32([], [2.5]),
      { kind: 'numeric', dtype: DT.INT64, shape: [], bytes: Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]) },
      f32([0, 4], []),
      { kind: 'numeric', dtype: DT.INT32, shape: [3, 0, 2], bytes: new Uint8Array(0) },
      strs([3], ['hello', '', 'x'.repeat(200)]),
      strs([2, 2], ['', '', '', '']),
      strs([0], []),
      strs([], ['scalar string']),
    ];
    const keyed = tensors.map((data, i) => ({ key: `t/${String(i).padStart(2, '0')}_${data.dtype}`, data }));
    const prefix = await write('all', keyed);
    const r = await BundleV2Reader.open(prefix);
    try {
      expect(r.warnings).toEqual([]);
      expect(r.list().map((e) => e.key)).toEqual(keyed.map((k) => k.key));
      for (const { key, data } of keyed) {
        const info = r.get(key)!;
        expect(info.dtype).toBe(data.dtype);
        expect(info.shape).toEqual(data.shape);
        expect(info.shard).toBeUndefined(); // only reported when there are several shards
        same(data, await r.read(key));
      }
      // The string tensor's bytes are exactly the §4.6 example.
      const loc = r.locate(keyed.find((k) => k.data.kind === 'string')!.key)!;
      expect(loc.size).toBe(213);
      const data = await readFile(loc.file);
      expect(hex(data.subarray(loc.offset, loc.offset + 8))).toBe('0500c801018caa2b');
      // Zero-size tensors: size 0, CRC mask(0) (§4.4).
      const zero = r.locate(keyed.find((k) => k.data.shape[0] === 0 && k.data.kind === 'numeric')!.key)!;
      expect(zero.size).toBe(0);
      expect(zero.maskedCrc).toBe(0xa282ead8);
      const emptyStrings = r.locate(keyed.find((k) => k.data.kind === 'string' && k.data.shape[0] === 0)!.key)!;
      expect(emptyStrings.size).toBe(4);
    } finally {
      await r.close();
    }
  });

  it('writes the §12 numeric payloads byte for byte', async () => {
    const prefix = await write('bytes', [
      { key: 'f', data: f32([2, 3], [0, 1, 2, 3, 4, 5]) },
      { key: 'b', data: { kind: 'numeric', dtype: DT.BOOL, shape: [3], bytes: Uint8Array.from([1, 0, 1]) } },
      { key: 'c', data: { kind: 'numeric', dtype: DT.COMPLEX64, shape: [2], bytes: new Uint8Array(new Float32Array([1, 2, 3, -4]).buffer) } },
    ]);
    const shard = await readFile(dataFileName(prefix, 0, 1));
    expect(hex(shard.subarray(0, 24))).toBe('00000000' + '0000803f' + '00000040' + '00004040' + '00008040' + '0000a040');
    expect(hex(shard.subarray(24, 27))).toBe('010001');
    const r = await BundleV2Reader.open(prefix);
    expect(vals(await r.read('c'))).toEqual(['1+2j', '3-4j']);
    expect(r.locate('f')).toMatchObject({ offset: 0, size: 24, maskedCrc: maskCrc(crc32c(shard.subarray(0, 24))), endianness: 'little' });
    await r.close();
  });

  it('partitioned variables: slice entries hidden, tensor assembled geometrically, slices in different shards', async () => {
    const full = Array.from({ length: 40 }, (_, i) => i);
    const rows = (a: number, b: number): number[] => full.slice(a * 4, b * 4);
    const cols = (r0: number, r1: number, c0: number, c1: number): number[] => {
      const out: number[] = [];
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out.push(full[r * 4 + c] as number);
      return out;
    };
    const prefix = await write(
      'parts',
      [
        {
          key: 'p',
          dtype: DT.FLOAT,
          shape: [10, 4],
          slices: [
            { start: [0, 0], data: f32([4, 4], rows(0, 4)) },
            { start: [4, 0], data: f32([3, 4], rows(4, 7)), shard: 1 },
            { start: [7, 0], data: f32([3, 4], rows(7, 10)), shard: 2 },
          ],
        },
        {
          key: 'q',
          dtype: DT.FLOAT,
          shape: [10, 4],
          slices: [
            { start: [0, 0], data: f32([10, 1], cols(0, 10, 0, 1)), shard: 2 },
            { start: [0, 1], data: f32([10, 3], cols(0, 10, 1, 4)), shard: 0 },
          ],
        },
        { key: 's', dtype: DT.STRING, shape: [3], slices: [{ start: [2], data: strs([1], ['c']) }, { start: [0], data: strs([2], ['a', '']) }] },
        { key: 'z', data: f32([1], [9]) },
      ],
      { numShards: 3 },
    );
    const r = await BundleV2Reader.open(prefix);
    try {
      expect(r.files.length).toBe(4);
      expect(r.list().map((e) => e.key)).toEqual(['p', 'q', 's', 'z']);
      expect(r.get('p')).toEqual({ key: 'p', dtype: DT.FLOAT, shape: [10, 4], bytes: 160, partitions: 3 });
      expect(r.get('p')!.shard).toBeUndefined();
      expect(vals(await r.read('p'))).toEqual(full.map(String));
      expect(vals(await r.read('q'))).toEqual(full.map(String));
      expect(vals(await r.read('s'))).toEqual(["b'a'", "b''", "b'c'"]);
      expect(r.locate('p')).toBeUndefined();
      // The slice keys are real entries of the index but never listed or readable by name.
      const sliceKey = new TextDecoder().decode(encodeSliceKey('p', [{ start: 0, length: 4 }, { start: 0, length: 4 }]));
      expect(r.get(sliceKey)).toBeUndefined();
    } finally {
      await r.close();
    }
  });

  it('writes the full entry like TF: explicit extents, no shard/offset/size/crc', async () => {
    const prefix = await write('fullentry', [{ key: 'p', dtype: DT.FLOAT, shape: [10, 4], slices: [{ start: [4, 0], data: f32([3, 4], new Array<number>(12).fill(1)) }] }]);
    const { TableReader } = await import('./sstable.js');
    const t = await TableReader.open(`${prefix}.index`);
    const entry = tensorflow.BundleEntryProto.decode((await t.get(txt('p')))!);
    await t.close();
    expect(entry.slices.length).toBe(1);
    expect(entry.slices[0]!.extent!.map((e) => [String(e.start), String(e.length)])).toEqual([
      ['4', '3'],
      ['0', '4'],
    ]);
    expect(entry.size.toNumber()).toBe(0);
    expect(entry.crc32c).toBe(0);
  });

  it('several shards, including an empty one', async () => {
    const prefix = await write('shards', [
      { key: 'a', data: f32([2], [1, 2]), shard: 1 },
      { key: 'b', data: f32([2], [3, 4]), shard: 3 },
      { key: 'c', data: strs([1], ['x']), shard: 1 },
    ], { numShards: 4 });
    expect((await stat(dataFileName(prefix, 0, 4))).size).toBe(0);
    const r = await BundleV2Reader.open(prefix);
    expect(r.files.map((f) => f.slice(prefix.length))).toEqual(['.index', '.data-00000-of-00004', '.data-00001-of-00004', '.data-00002-of-00004', '.data-00003-of-00004']);
    expect(r.get('b')!.shard).toBe(3);
    expect(vals(await r.read('b'))).toEqual(['3', '4']);
    expect(r.locate('c')).toMatchObject({ offset: 8, size: 6 });
    await r.close();
  });

  it('Snappy-compressed index blocks', async () => {
    const tensors = Array.from({ length: 300 }, (_, i) => ({ key: `layer_${String(i).padStart(3, '0')}/kernel`, data: f32([2], [i, -i]) }));
    for (const compression of ['snappy', 'snappy-always'] as const) {
      const prefix = await write('snappy', tensors, { compression });
      const r = await BundleV2Reader.open(prefix);
      expect(r.list().length).toBe(300);
      expect(vals(await r.read('layer_123/kernel'))).toEqual(['123', '-123']);
      await r.close();
    }
  });

  it('big-endian bundles: CRC over stored bytes, then swapped (§4.9)', async () => {
    const tensors = [...everyDtype(), strs([3], ['ab', '', 'c'])].map((data, i) => ({ key: `k${i}`, data }));
    const prefix = await write('bigendian', tensors, { endianness: 'big' });
    const r = await BundleV2Reader.open(prefix);
    for (const { key, data } of tensors) same(data, await r.read(key));
    expect(r.locate('k0')!.endianness).toBe('big');
    // The stored float32 bytes really are big-endian.
    const loc = r.locate('k0')!; // float32, first element
    const stored = (await readFile(loc.file)).subarray(loc.offset, loc.offset + 4);
    expect(hex(stored)).toBe(hex(Uint8Array.from((tensors[0]!.data as { bytes: Uint8Array }).bytes.subarray(0, 4)).reverse()));
    await r.close();
  });

  it('reads a large tensor in many chunks with the CRC continued per chunk', async () => {
    const big = new Float32Array(3_000_001);
    for (let i = 0; i < big.length; i++) big[i] = Math.sin(i);
    const data: TensorData = { kind: 'numeric', dtype: DT.FLOAT, shape: [big.length], bytes: new Uint8Array(big.buffer) };
    const prefix = await write('large', [{ key: 'pad', data: f32([3], [1, 2, 3]) }, { key: 'w', data }]);
    const r = await BundleV2Reader.open(prefix, { chunkSize: 65_536 + 3 });
    const t = await r.read('w');
    same(data, t);
    expect(t.kind === 'numeric' && t.bytes.byteOffset === 0 && t.bytes.buffer.byteLength === t.bytes.length).toBe(true);
    await r.close();
  });

  it('variant/resource entries are listed as opaque; reading them is UNSUPPORTED_DTYPE', async () => {
    const prefix = await write('variant', [
      { key: 'v', dtype: DT.VARIANT, shape: [], payload: Uint8Array.from([3, 1, 2, 3, 0, 0, 0, 0]) },
      { key: 'w', data: f32([1], [1]) },
    ]);
    const r = await BundleV2Reader.open(prefix);
    expect(r.get('v')).toMatchObject({ dtype: DT.VARIANT, opaque: true });
    await expectFrost(r.read('v'), 'UNSUPPORTED_DTYPE', /"v" .*variant/);
    await expectFrost(r.read('nope'), 'TENSOR_NOT_FOUND', /No tensor "nope"/);
    await r.close();
  });

  it('keys are bytes: non-UTF-8 keys are listed with replacement characters and still read', async () => {
    const prefix = await write('binkey', [
      { key: Uint8Array.from([0x61, 0xff, 0x62]), data: f32([1], [7]) },
      { key: '\u{10000}', data: f32([1], [8]) },
      { key: '\ufffd', data: f32([1], [9]) },
    ]);
    const r = await BundleV2Reader.open(prefix);
    // Byte order: "a\xffb" < EF BF BD (U+FFFD) < F0 90 80 80 (U+10000), unlike UTF-16 order.
    expect(r.list().map((e) => e.key)).toEqual(['a\ufffdb', '\ufffd', '\u{10000}']);
    expect(vals(await r.read('a\ufffdb'))).toEqual(['7']);
    expect(vals(await r.read('\u{10000}'))).toEqual(['8']);
    await r.close();
  });

  it('refuses to overwrite an input file and bad writer input', async () => {
    const prefix = newPrefix('inputs');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(prefix, '..'), { recursive: true }));
    await writeFile(`${prefix}.index`, 'x');
    await expectFrost(writeBundleV2(prefix, [], { inputs: [`${prefix}.index`] }), 'WOULD_OVERWRITE_INPUT');
    await expectFrost(writeBundleV2(prefix, [{ key: 'a', data: f32([2], [1]) }]), 'USAGE', /has 4 bytes, expected 8/);
    await expectFrost(writeBundleV2(prefix, [{ key: 'a', data: f32([1], [1]) }, { key: 'a', data: f32([1], [1]) }]), 'USAGE', /twice/);
    await expectFrost(writeBundleV2(prefix, [{ key: 'a', data: f32([1], [1]), shard: 2 }]), 'USAGE', /shard 2/);
  });
});

describe('damaged copies', () => {
  const base = async (): Promise<string> =>
    write('damage', [
      { key: 'dense/kernel', data: f32([2, 2], [1, 2, 3, 4]) },
      { key: 'dense/bias', data: f32([2], [5, 6]), shard: 1 },
      { key: 'vocab', data: strs([2], ['a', 'bc']) },
    ], { numShards: 2 });

  it('truncated .index', async () => {
    const prefix = await base();
    const size = (await stat(`${prefix}.index`)).size;
    await truncate(`${prefix}.index`, size - 20);
    const e = await expectFrost(BundleV2Reader.open(prefix), 'BAD_MAGIC', /model\.ckpt-1\.index is not a checkpoint table .*truncated/);
    expect(e.file).toBe(`${prefix}.index`);
    await truncate(`${prefix}.index`, 20);
    await expectFrost(BundleV2Reader.open(prefix), 'TRUNCATED', /too short/);
  });

  it('bad magic', async () => {
    const prefix = await base();
    const bytes = await readFile(`${prefix}.index`);
    bytes[bytes.length - 3] = 0;
    await writeFile(`${prefix}.index`, bytes);
    await expectFrost(BundleV2Reader.open(prefix), 'BAD_MAGIC');
  });

  it('flipped byte in an index block: block CRC', async () => {
    const prefix = await base();
    const bytes = await readFile(`${prefix}.index`);
    bytes[12] = (bytes[12] as number) ^ 0x10;
    await writeFile(`${prefix}.index`, bytes);
    const e = await expectFrost(BundleV2Reader.open(prefix), 'CRC_MISMATCH', /checksum of the data block 0 at offset 0/);
    expect(e.file).toBe(`${prefix}.index`);
  });

  it('flipped byte in a data shard: tensor CRC names the key and file; other tensors still read', async () => {
    const prefix = await base();
    const file = dataFileName(prefix, 0, 2);
    const bytes = await readFile(file);
    bytes[6] = (bytes[6] as number) ^ 0x01;
    await writeFile(file, bytes);
    const r = await BundleV2Reader.open(prefix);
    const e = await expectFrost(r.read('dense/kernel'), 'CRC_MISMATCH', /Checksum mismatch for tensor "dense\/kernel" in .*model\.ckpt-1\.data-00000-of-00002 \(bytes 0\.\.16\)/);
    expect(e.file).toBe(file);
    expect(e.offset).toBe(0);
    expect(vals(await r.read('dense/bias'))).toEqual(['5', '6']);
    expect(vals(await r.read('vocab'))).toEqual(["b'a'", "b'bc'"]);
    // Salvage mode skips the checksum.
    expect((await r.read('dense/kernel', { verify: false })).kind).toBe('numeric');
    await r.close();
  });

  it('verify() streams checksums without keeping values and finds the damaged tensor', async () => {
    const prefix = await base();
    const clean = await BundleV2Reader.open(prefix);
    for (const e of clean.list()) await clean.verify(e.key);
    await clean.close();
    const file = dataFileName(prefix, 0, 2);
    const bytes = await readFile(file);
    bytes[6] = (bytes[6] as number) ^ 0x01;
    await writeFile(file, bytes);
    const r = await BundleV2Reader.open(prefix);
    await expectFrost(r.verify('dense/kernel'), 'CRC_MISMATCH', /dense\/kernel/);
    await r.verify('dense/bias');
    await r.verify('vocab');
    await expectFrost(r.verify('nope'), 'TENSOR_NOT_FOUND');
    await r.close();
  });

  it('verify() covers every slice of a partitioned tensor, in chunks smaller than a tensor', async () => {
    const big = new Float32Array(50_000).map((_, i) => i * 0.5);
    const prefix = await write('verify-part', [
      { key: 'p', dtype: DT.FLOAT, shape: [100, 500], slices: [
        { start: [0, 0], data: { kind: 'numeric', dtype: DT.FLOAT, shape: [60, 500], bytes: new Uint8Array(big.buffer, 0, 60 * 500 * 4) } },
        { start: [60, 0], data: { kind: 'numeric', dtype: DT.FLOAT, shape: [40, 500], bytes: new Uint8Array(big.buffer, 60 * 500 * 4) }, shard: 1 },
      ] },
    ], { numShards: 2 });
    const ok = await BundleV2Reader.open(prefix, { chunkSize: 4096, readAhead: 2 });
    await ok.verify('p');
    await ok.close();
    const file = dataFileName(prefix, 1, 2);
    const bytes = await readFile(file);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0x80;
    await writeFile(file, bytes);
    const bad = await BundleV2Reader.open(prefix, { chunkSize: 4096, readAhead: 2 });
    await expectFrost(bad.verify('p'), 'CRC_MISMATCH', /"p \(slice at \[60, 0\]\)"|"p"/);
    await bad.close();
  });

  it('flipped string byte: entry CRC; flipped length: length checksum', async () => {
    const prefix = await base();
    const file = dataFileName(prefix, 0, 2);
    const bytes = await readFile(file);
    const r0 = await BundleV2Reader.open(prefix);
    const loc = r0.locate('vocab')!;
    await r0.close();
    const s = Buffer.from(bytes);
    s[loc.offset + loc.size - 1] = 0x7a;
    await writeFile(file, s);
    let r = await BundleV2Reader.open(prefix);
    await expectFrost(r.read('vocab'), 'CRC_MISMATCH', /"vocab"/);
    await r.close();
    const l = Buffer.from(bytes);
    l[loc.offset] = 2; // lengths [2, 2] still fit the size, but the length checksum does not match
    l[loc.offset + 1] = 1;
    await writeFile(file, l);
    r = await BundleV2Reader.open(prefix);
    await expectFrost(r.read('vocab'), 'CORRUPT', /length checksum does not match/);
    await r.close();
  });

  it('missing shard: opens and lists with a warning; affected tensors throw MISSING_SHARD', async () => {
    const prefix = await base();
    await unlink(dataFileName(prefix, 1, 2));
    const r = await BundleV2Reader.open(prefix);
    expect(r.list().map((e) => e.key)).toEqual(['dense/bias', 'dense/kernel', 'vocab']);
    expect(r.warnings.map((w) => w.code)).toEqual(['MISSING_SHARD']);
    expect(r.warnings[0]!.message).toMatch(/model\.ckpt-1\.data-00001-of-00002 is missing: the 1 tensor\(s\)/);
    expect(r.files.length).toBe(2);
    await expectFrost(r.read('dense/bias'), 'MISSING_SHARD', /"dense\/bias" is stored in model\.ckpt-1\.data-00001-of-00002, which is missing/);
    expect(vals(await r.read('dense/kernel'))).toEqual(['1', '2', '3', '4']);
    await r.close();
  });

  it('a shard shorter than an entry needs: TRUNCATED naming the tensor', async () => {
    const prefix = await base();
    await truncate(dataFileName(prefix, 1, 2), 4);
    const r = await BundleV2Reader.open(prefix);
    await expectFrost(r.read('dense/bias'), 'TRUNCATED', /tensor "dense\/bias" needs bytes 0\.\.8 but the file has 4 bytes/);
    await r.close();
  });

  /** Writes an index whose entries are given as raw protos (for damage no writer makes). */
  async function rawIndex(name: string, entries: [string, tensorflow.BundleEntryProto.$Properties][], header: tensorflow.BundleHeaderProto.$Properties = { numShards: 1, version: { producer: 1 } }, data = new Uint8Array(64)): Promise<string> {
    const prefix = newPrefix(name);
    await import('node:fs/promises').then((fs) => fs.mkdir(join(prefix, '..'), { recursive: true }));
    const b = new TableBuilder();
    b.add(new Uint8Array(0), tensorflow.BundleHeaderProto.encode(header).finish());
    for (const [k, v] of [...entries].sort((x, y) => Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0])))) b.add(txt(k), tensorflow.BundleEntryProto.encode(v).finish());
    await writeFile(`${prefix}.index`, concatChunks(b.finish()));
    for (let s = 0; s < (header.numShards ?? 1); s++) await writeFile(dataFileName(prefix, s, header.numShards ?? 1), data);
    return prefix;
  }
  const shape = (...d: number[]): tensorflow.TensorShapeProto.$Properties => ({ dim: d.map((s) => ({ size: Long.fromNumber(s) })) });
  const L = (v: number | string): Long => Long.fromValue(v);

  it('entry size mismatch: listed with a warning, reading is CORRUPT', async () => {
    const prefix = await rawIndex('size', [
      ['bad', { dtype: DT.FLOAT, shape: shape(3), size: L(8), crc32c: 1 }],
      ['good', { dtype: DT.FLOAT, shape: shape(2), size: L(8), crc32c: maskCrc(crc32c(new Uint8Array(8))) }],
    ]);
    const r = await BundleV2Reader.open(prefix);
    expect(r.list().map((e) => e.key)).toEqual(['bad', 'good']);
    expect(r.warnings.map((w) => w.code)).toEqual(['CORRUPT']);
    await expectFrost(r.read('bad'), 'CORRUPT', /Entry "bad" in .*\.index has an invalid size: 8 bytes, but float32\[3\] takes 12/);
    expect(vals(await r.read('good'))).toEqual(['0', '0']);
    await r.close();
  });

  it('huge declared sizes and offsets never allocate: TOO_LARGE / TRUNCATED / CORRUPT', async () => {
    const prefix = await rawIndex('huge', [
      ['a_huge', { dtype: DT.UINT8, shape: shape(2 ** 40), size: L(2 ** 40), crc32c: 1 }],
      ['b_far', { dtype: DT.FLOAT, shape: shape(2), offset: L(2 ** 45), size: L(8), crc32c: 1 }],
      ['c_str', { dtype: DT.STRING, shape: shape(1000), size: L(2 ** 41), crc32c: 1 }],
      ['d_shape', { dtype: DT.FLOAT, shape: shape(-1), size: L(4), crc32c: 1 }],
      ['e_shard', { dtype: DT.FLOAT, shape: shape(1), shardId: 7, size: L(4), crc32c: 1 }],
      ['f_int64', { dtype: DT.FLOAT, shape: shape(1), size: L('9223372036854775807'), crc32c: 1 }],
      ['g_dtype', { dtype: 99 as tensorflow.DataType, shape: shape(1), size: L(4), crc32c: 1 }],
    ]);
    const r = await BundleV2Reader.open(prefix);
    expect(r.list().length).toBe(7);
    await expectFrost(r.read('a_huge'), 'TOO_LARGE', /1099511627776 bytes/);
    await expectFrost(r.read('b_far'), 'TRUNCATED', /needs bytes 35184372088832\.\.35184372088840 but the file has 64 bytes/);
    await expectFrost(r.read('c_str'), 'TOO_LARGE');
    await expectFrost(r.read('d_shape'), 'CORRUPT', /invalid tensor shape/);
    await expectFrost(r.read('e_shard'), 'CORRUPT', /data shard 7, but the checkpoint has 1/);
    await expectFrost(r.read('f_int64'), 'CORRUPT', /invalid offset .* or size/);
    await expectFrost(r.read('g_dtype'), 'UNSUPPORTED_DTYPE', /dtype\(99\)/);
    await r.close();
  });

  it('a string entry whose varint claims more than the payload', async () => {
    const payload = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0]);
    const prefix = await rawIndex('strlen', [['s', { dtype: DT.STRING, shape: shape(1), size: L(10), crc32c: 1 }]], undefined, payload);
    const r = await BundleV2Reader.open(prefix);
    await expectFrost(r.read('s'), 'CORRUPT', /element 0 claims 4294967295 bytes/);
    await r.close();
  });

  it('partitioned entry naming a missing slice, or a slice of the wrong shape', async () => {
    const slices = [{ extent: [{ start: L(0), length: L(2) }] }];
    const prefix = await rawIndex('slices', [['p', { dtype: DT.FLOAT, shape: shape(2), slices }]]);
    const r = await BundleV2Reader.open(prefix);
    expect(r.get('p')!.partitions).toBe(1);
    await expectFrost(r.read('p'), 'CORRUPT', /names a slice that has no entry/);
    await r.close();
    // Slices that leave part of the tensor unsaved.
    const sliceEntry = tensorflow.BundleEntryProto.encode({ dtype: DT.FLOAT, shape: shape(1), size: L(4), crc32c: maskCrc(crc32c(new Uint8Array(4))) }).finish();
    const partialPrefix = newPrefix('partial');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(partialPrefix, '..'), { recursive: true }));
    const tb = new TableBuilder();
    tb.add(new Uint8Array(0), tensorflow.BundleHeaderProto.encode({ numShards: 1 }).finish());
    tb.add(encodeSliceKey('p', [{ start: 0, length: 1 }]), sliceEntry);
    tb.add(txt('p'), tensorflow.BundleEntryProto.encode({ dtype: DT.FLOAT, shape: shape(2), slices: [{ extent: [{ start: L(0), length: L(1) }] }] }).finish());
    await writeFile(`${partialPrefix}.index`, concatChunks(tb.finish()));
    await writeFile(dataFileName(partialPrefix, 0, 1), new Uint8Array(4));
    const rp = await BundleV2Reader.open(partialPrefix);
    expect(rp.list().map((e) => e.key)).toEqual(['p']);
    await expectFrost(rp.read('p'), 'CORRUPT', /covering only 1 of its 2 elements/);
    await rp.close();
    const bad = await rawIndex('slices2', [['p', { dtype: DT.FLOAT, shape: shape(2), slices: [{ extent: [{ start: L(1), length: L(5) }] }] }]]);
    const r2 = await BundleV2Reader.open(bad);
    await expectFrost(r2.read('p'), 'CORRUPT', /does not fit in size 2/);
    await r2.close();
  });

  it('missing or bad header, unsupported version', async () => {
    const noHeader = newPrefix('nohdr');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(noHeader, '..'), { recursive: true }));
    const b = new TableBuilder();
    b.add(txt('a'), new Uint8Array(0));
    await writeFile(`${noHeader}.index`, concatChunks(b.finish()));
    await expectFrost(BundleV2Reader.open(noHeader), 'CORRUPT', /no bundle header/);
    await expectFrost(BundleV2Reader.open(await rawIndex('ver', [], { numShards: 1, version: { producer: 1, minConsumer: 5 } })), 'UNSUPPORTED_VERSION', /min_consumer 5/);
    await expectFrost(BundleV2Reader.open(await rawIndex('bad', [], { numShards: 1, version: { producer: 1, badConsumers: [1] } })), 'UNSUPPORTED_VERSION');
    await expectFrost(BundleV2Reader.open(await rawIndex('zero', [], { numShards: 0 })), 'CORRUPT', /0 data shards/);
    const garbage = newPrefix('garbage');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(garbage, '..'), { recursive: true }));
    const g = new TableBuilder();
    g.add(new Uint8Array(0), Uint8Array.from([0x0a, 0xff]));
    await writeFile(`${garbage}.index`, concatChunks(g.finish()));
    await expectFrost(BundleV2Reader.open(garbage), 'CORRUPT', /header that cannot be parsed/);
  });

  it('an undecodable entry is listed with a warning and reads as CORRUPT', async () => {
    const prefix = newPrefix('undecodable');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(prefix, '..'), { recursive: true }));
    const b = new TableBuilder();
    b.add(new Uint8Array(0), tensorflow.BundleHeaderProto.encode({ numShards: 1 }).finish());
    b.add(txt('x'), Uint8Array.from([0x12, 0x50, 0x01]));
    await writeFile(`${prefix}.index`, concatChunks(b.finish()));
    await writeFile(dataFileName(prefix, 0, 1), new Uint8Array(0));
    const r = await BundleV2Reader.open(prefix);
    expect(r.list().map((e) => e.key)).toEqual(['x']);
    await expectFrost(r.read('x'), 'CORRUPT', /cannot be decoded as a BundleEntryProto/);
    await r.close();
  });
});

describe('fuzzing damaged files', () => {
  it('never throws anything but FrostError, whatever bytes are flipped or cut', async () => {
    const prefix = await write('fuzz', [
      { key: 'a', data: f32([2, 2], [1, 2, 3, 4]) },
      { key: 'p', dtype: DT.FLOAT, shape: [4], slices: [{ start: [0], data: f32([2], [1, 2]) }, { start: [2], data: f32([2], [3, 4]) }] },
      { key: 's', data: strs([2], ['x', 'yz']) },
    ], { compression: 'snappy-always' });
    const index = await readFile(`${prefix}.index`);
    const shard = await readFile(dataFileName(prefix, 0, 1));
    let seed = 7;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    let frostErrors = 0;
    for (let trial = 0; trial < 400; trial++) {
      const idx = Buffer.from(index);
      const dat = Buffer.from(shard);
      const target = rnd(3) === 0 ? dat : idx;
      const mode = rnd(3);
      if (mode === 0) target[rnd(target.length)] = rnd(256);
      else if (mode === 1) {
        for (let k = 0; k < 4; k++) {
          const at = rnd(target.length);
          target[at] = (target[at] as number) ^ (1 << rnd(8));
        }
      }
      const cut = mode === 2 ? rnd(target.length) : target.length;
      await writeFile(`${prefix}.index`, target === idx ? idx.subarray(0, cut) : idx);
      await writeFile(dataFileName(prefix, 0, 1), target === dat ? dat.subarray(0, cut) : dat);
      try {
        const r = await BundleV2Reader.open(prefix);
        for (const e of r.list()) {
          try {
            await r.read(e.key);
          } catch (err) {
            if (!(err instanceof FrostError)) throw err;
            frostErrors++;
          }
        }
        await r.close();
      } catch (err) {
        if (!(err instanceof FrostError)) throw err;
        frostErrors++;
      }
    }
    expect(frostErrors).toBeGreaterThan(100);
  });
});
