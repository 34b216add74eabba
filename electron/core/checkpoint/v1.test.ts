// V1 checkpoints (tf-formats.md §5): the two real V1 fixtures, and sharded / sliced files
// written here with a small V1 writer built on our table writer.
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';
import { formatElement, type TensorData } from '../tensor/tensor-data.js';
import { encodeSliceKey, type SliceDim } from './slice-key.js';
import { buildTable } from './sstable-writer.js';
import { V1Reader } from './v1.js';
import { expectFrost } from '../../../test/expect-frost.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-v1-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vals = (t: TensorData): string[] => Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, i) => formatElement(t, i));
const L = (v: number): Long => Long.fromNumber(v);
const shapeProto = (shape: number[]): tensorflow.TensorShapeProto.$Properties => ({ dim: shape.map((d) => ({ size: L(d) })) });


interface V1Slice {
  /** Per dim: [start, length], or 'full'. */
  dims: ([number, number] | 'full')[];
  values: tensorflow.TensorProto.$Properties;
}
interface V1Tensor {
  name: string;
  dtype: number;
  shape: number[];
  slices: V1Slice[];
}

/** One V1 table as TF's TensorSliceWriter lays it out: meta under "", slices by slice key. */
async function writeV1(path: string, tensors: V1Tensor[]): Promise<void> {
  const toProto = (s: V1Slice): tensorflow.TensorSliceProto.$Properties => ({
    extent: s.dims.map((d) => (d === 'full' ? {} : { start: L(d[0]), length: L(d[1]) })),
  });
  const meta = tensorflow.SavedTensorSlices.encode({
    meta: {
      tensor: tensors.map((t) => ({ name: t.name, shape: shapeProto(t.shape), type: t.dtype, slice: t.slices.map(toProto) })),
      versions: { producer: 1 },
    },
  }).finish();
  const entries: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), meta]];
  for (const t of tensors) {
    for (const s of t.slices) {
      const dims: SliceDim[] = s.dims.map((d) => (d === 'full' ? { start: 0, length: -1 } : { start: d[0], length: d[1] }));
      const value = tensorflow.SavedTensorSlices.encode({ data: { name: t.name, slice: toProto(s), data: s.values } }).finish();
      entries.push([encodeSliceKey(t.name, dims), value]);
    }
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, buildTable(entries));
}

describe('real V1 checkpoints', () => {
  it('reads mnist-softmax model.ckpt (single file, legacy Variable names)', async () => {
    const r = await V1Reader.open(fixture('mnist-softmax-v1-freeze-oracle', 'model.ckpt'));
    try {
      expect(r.format).toBe('v1');
      expect(r.list()).toEqual([
        { key: 'Variable', dtype: DT.FLOAT, shape: [784, 10], bytes: 31360 },
        { key: 'Variable_1', dtype: DT.FLOAT, shape: [10], bytes: 40 },
      ]);
      const w = await r.read('Variable');
      expect(w.kind === 'numeric' && w.bytes.length).toBe(31360);
      expect(vals(await r.read('Variable_1'))[0]).toBe('-0.20984592');
    } finally {
      await r.close();
    }
  });

  it('reads the half_plus_two SessionBundle shard: a = 0.5, b = 2.0 (by shard name, glob, or bare prefix)', async () => {
    const shard = fixture('half-plus-two-v1-session-bundle', 'export-00000-of-00001');
    for (const p of [shard, shard.replace('00000-of', '?????-of'), shard.replace('-00000-of-00001', '')]) {
      const r = await V1Reader.open(p);
      expect(r.files).toEqual([shard]);
      expect(r.list().map((e) => e.key)).toEqual(['a', 'b']);
      expect(vals(await r.read('a'))).toEqual(['0.5']);
      expect(vals(await r.read('b'))).toEqual(['2']);
      await r.close();
    }
  });
});

describe('written V1 checkpoints', () => {
  const prefix = (): string => join(dir, `c${Math.random().toString(36).slice(2)}`, 'model.ckpt-3');

  async function sharded(p: string): Promise<void> {
    // p[5,2] partitioned by rows across two shards; the slices are placed, not concatenated:
    // shard 0 holds rows 3..4, shard 1 holds rows 0..2.
    await writeV1(`${p}-00000-of-00002`, [
      { name: 'p', dtype: DT.FLOAT, shape: [5, 2], slices: [{ dims: [[3, 2], 'full'], values: { floatVal: [6, 7, 8, 9] } }] },
      { name: 'scalar', dtype: DT.INT64, shape: [], slices: [{ dims: [], values: { int64Val: [Long.fromString('-9007199254740993')] } }] },
      { name: 'empty', dtype: DT.FLOAT, shape: [0, 3], slices: [{ dims: ['full', 'full'], values: {} }] },
    ]);
    await writeV1(`${p}-00001-of-00002`, [
      { name: 'p', dtype: DT.FLOAT, shape: [5, 2], slices: [{ dims: [[0, 3], [0, 2]], values: { floatVal: [0, 1, 2, 3, 4, 5] } }] },
      { name: 'words', dtype: DT.STRING, shape: [3], slices: [{ dims: ['full'], values: { stringVal: ['a', '', 'ccc'].map((s) => new TextEncoder().encode(s)) } }] },
      { name: 'flags', dtype: DT.BOOL, shape: [2, 2], slices: [{ dims: ['full', [1, 1]], values: { boolVal: [true, true] } }, { dims: ['full', [0, 1]], values: { boolVal: [false, true] } }] },
      { name: 'ids', dtype: DT.INT32, shape: [3], slices: [{ dims: ['full'], values: { tensorContent: new Uint8Array(new Int32Array([7, -8, 9]).buffer) } }] },
    ]);
  }

  it('sharded: reads all shards and places slices geometrically', async () => {
    const p = prefix();
    await sharded(p);
    for (const open of [`${p}-?????-of-00002`, `${p}-00001-of-00002`, p]) {
      const r = await V1Reader.open(open);
      try {
        expect(r.files.length).toBe(2);
        expect(r.warnings).toEqual([]);
        expect(r.list().map((e) => e.key)).toEqual(['empty', 'flags', 'ids', 'p', 'scalar', 'words']);
        expect(r.get('p')).toEqual({ key: 'p', dtype: DT.FLOAT, shape: [5, 2], bytes: 40, partitions: 2 });
        expect(vals(await r.read('p'))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        expect(vals(await r.read('scalar'))).toEqual(['-9007199254740993']);
        expect(vals(await r.read('empty'))).toEqual([]);
        expect(vals(await r.read('words'))).toEqual(["b'a'", "b''", "b'ccc'"]);
        expect(vals(await r.read('flags'))).toEqual(['False', 'True', 'True', 'True']);
        expect(vals(await r.read('ids'))).toEqual(['7', '-8', '9']);
        await expectFrost(r.read('q'), 'TENSOR_NOT_FOUND');
      } finally {
        await r.close();
      }
    }
  });

  it('a missing shard: warning, and a partly saved tensor reads as MISSING_SHARD', async () => {
    const p = prefix();
    await sharded(p);
    await unlink(`${p}-00001-of-00002`);
    const r = await V1Reader.open(`${p}-?????-of-00002`);
    expect(r.warnings.map((w) => w.code)).toEqual(['MISSING_SHARD']);
    expect(r.warnings[0]!.message).toMatch(/shard 1 of 2/);
    expect(r.list().map((e) => e.key)).toEqual(['empty', 'p', 'scalar']);
    await expectFrost(r.read('p'), 'MISSING_SHARD', /covering only 4 of its 10 elements/);
    expect(vals(await r.read('scalar'))).toEqual(['-9007199254740993']);
    await r.close();
  });

  it('refuses a slice storing the wrong number of values, or naming another tensor', async () => {
    const p = prefix();
    await writeV1(p, [
      { name: 'short', dtype: DT.FLOAT, shape: [3], slices: [{ dims: ['full'], values: { floatVal: [1] } }] },
      { name: 'wrongtype', dtype: DT.DOUBLE, shape: [1], slices: [{ dims: ['full'], values: { floatVal: [1] } }] },
    ]);
    const r = await V1Reader.open(p);
    await expectFrost(r.read('short'), 'CORRUPT', /slice of 3 elements that stores 1 float32 values/);
    await expectFrost(r.read('wrongtype'), 'CORRUPT', /stores 0 float64 values/);
    await r.close();
  });

  it('keeps NaN payloads bit-exact (signaling NaNs stay signaling), packed or not', async () => {
    // SavedTensorSlices{2: SavedSlice{1: "n", 2: {extent: [{}]}, 3: TensorProto{5: floats}}}, built
    // by hand because protobufjs itself would quiet the NaNs when encoding numbers.
    const ld = (field: number, body: number[]): number[] => [(field << 3) | 2, body.length, ...body];
    const snan = [0x01, 0x00, 0x80, 0x7f]; // 0x7f800001
    const packed = ld(5, [...snan, 0x00, 0x00, 0xc0, 0x3f]); // [sNaN, 1.5]
    const unpacked = [(5 << 3) | 5, ...[0x02, 0x00, 0xc0, 0xff]]; // a negative quiet NaN with payload 2
    const slice = ld(2, [...ld(1, [0x6e]), ...ld(2, ld(1, [])), ...ld(3, [...packed, ...unpacked])]);
    const value = Uint8Array.from(slice);
    const p = prefix();
    await mkdir(dirname(p), { recursive: true });
    const meta = tensorflow.SavedTensorSlices.encode({ meta: { tensor: [{ name: 'n', shape: shapeProto([3]), type: DT.FLOAT, slice: [{ extent: [{}] }] }] } }).finish();
    await writeFile(p, buildTable([
      [new Uint8Array(0), meta],
      [encodeSliceKey('n', [{ start: 0, length: -1 }]), value],
    ]));
    const r = await V1Reader.open(p);
    const t = await r.read('n');
    expect(t.kind === 'numeric' && Buffer.from(t.bytes).toString('hex')).toBe('0100807f' + '0000c03f' + '0200c0ff');
    await r.close();
  });

  it('refuses tables that are not V1 checkpoints, and non-tables', async () => {
    const p = prefix();
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, buildTable([[new TextEncoder().encode('x'), new Uint8Array(1)]]));
    await expectFrost(V1Reader.open(p), 'CORRUPT', /not a V1 checkpoint/);
    await writeFile(p, 'just some text that is long enough to have a 48-byte footer, but no magic');
    await expectFrost(V1Reader.open(p), 'BAD_MAGIC');
    await expectFrost(V1Reader.open(join(dir, 'nothing', 'here')), 'FILE_NOT_FOUND', /no V1 checkpoint file matching/);
  });

  it('refuses an unsupported version', async () => {
    const p = prefix();
    await mkdir(dirname(p), { recursive: true });
    const meta = tensorflow.SavedTensorSlices.encode({ meta: { versions: { producer: 1, minConsumer: 3 } } }).finish();
    await writeFile(p, buildTable([[new Uint8Array(0), meta]]));
    await expectFrost(V1Reader.open(p), 'UNSUPPORTED_VERSION', /min_consumer 3/);
  });
});
