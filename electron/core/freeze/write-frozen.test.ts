// Streaming frozen-GraphDef writer (tf-formats.md §8.3, §10.1, §10.4): every dtype and
// representation decoded back bit for bit, byte identity with a one-shot protobufjs encoding,
// exact sizes, the streamed shard copy with its CRC, cancellation, and real TensorFlow.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../test/python-venv.js';
import { fixture } from '../../../test/fixtures.js';
import { BundleV2Reader, dataFileName } from '../checkpoint/bundle-v2.js';
import { writeBundleV2, type BundleTensor } from '../checkpoint/bundle-writer.js';
import { openCheckpoint, type CheckpointReader, type TensorEntryInfo } from '../checkpoint/reader.js';
import { FrostError } from '../errors.js';
import { encodeGraphDef } from '../graph/write-graph.js';
import { Long, tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, type TensorData } from '../tensor/tensor-data.js';
import { tensorFromProto, tensorToProto } from '../tensor/tensor-proto.js';
import type { FrozenGraph, FrozenNode, SliceSpec } from './frozen-graph.js';
import type { NodeDef } from './graph-index.js';
import { GRAPHDEF_LIMIT_BYTES, measureFrozenGraph, measureFrozenGraphExact, writeFrozenGraph } from './write-frozen.js';
import { expectFrost } from '../../../test/expect-frost.js';

let dir: string;
let seq = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-frozen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh, empty folder for one output, so leftovers (temp files) are visible. */
async function outDir(): Promise<string> {
  const d = join(dir, `out-${seq++}`);
  await mkdir(d);
  return d;
}

async function bundle(name: string, tensors: BundleTensor[], endianness: 'little' | 'big' = 'little'): Promise<string> {
  const prefix = join(dir, `${name}-${seq++}`, 'model.ckpt');
  await mkdir(join(prefix, '..'), { recursive: true });
  await writeBundleV2(prefix, tensors, { endianness });
  return prefix;
}

const txt = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Deterministic pseudo-random bytes. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 0xff;
  };
}

/** Values valid for the dtype (bool 0/1, 4-bit types in the low nibble, no NaN floats). */
function sample(dtype: number, shape: number[], seed: number): TensorData {
  const n = elementCount(shape);
  const size = dtypeInfo(dtype)?.itemSize ?? 0;
  const floats = (count: number): number[] => Array.from({ length: count }, (_, i) => (i + 1) * 0.731 * (i % 2 ? -1 : 1) + seed);
  let bytes: Uint8Array;
  switch (dtype) {
    case DT.FLOAT: bytes = new Uint8Array(new Float32Array(floats(n)).buffer); break;
    case DT.DOUBLE: bytes = new Uint8Array(new Float64Array(floats(n)).buffer); break;
    case DT.COMPLEX64: bytes = new Uint8Array(new Float32Array(floats(2 * n)).buffer); break;
    case DT.COMPLEX128: bytes = new Uint8Array(new Float64Array(floats(2 * n)).buffer); break;
    case DT.BOOL: bytes = Uint8Array.from({ length: n }, (_, i) => ((i + seed) % 3 === 0 ? 1 : 0)); break;
    case DT.INT4: case DT.UINT4: bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0x0f); break;
    case DT.INT2: case DT.UINT2: bytes = Uint8Array.from({ length: n }, (_, i) => (i * 3 + seed) & 0x03); break;
    default: {
      const r = prng(seed * 7919 + dtype);
      bytes = Uint8Array.from({ length: n * size }, r);
    }
  }
  return { kind: 'numeric', dtype, shape, bytes };
}

const strs = (shape: number[], values: string[]): TensorData => ({ kind: 'string', dtype: DT.STRING, shape, strings: values.map(txt) });

function same(a: TensorData, b: TensorData, what: string): void {
  expect(b.dtype, what).toBe(a.dtype);
  expect(b.shape, what).toEqual(a.shape);
  if (a.kind === 'string' && b.kind === 'string') expect(b.strings.map(hex), what).toEqual(a.strings.map(hex));
  else if (a.kind === 'numeric' && b.kind === 'numeric') expect(hex(b.bytes), what).toBe(hex(a.bytes));
  else throw new Error(`${what}: kind differs`);
}

/** The hyper-rectangle of `full` at `slice`, computed naively element by element. */
function naiveSlice(full: TensorData, slice: SliceSpec): TensorData {
  const rank = full.shape.length;
  const strides = full.shape.map((_, d) => full.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const n = elementCount(slice.length);
  const idx = new Array<number>(rank).fill(0);
  const flat: number[] = [];
  for (let k = 0; k < n; k++) {
    let rem = k;
    for (let d = rank - 1; d >= 0; d--) {
      const l = slice.length[d] as number;
      idx[d] = rem % l;
      rem = Math.floor(rem / l);
    }
    flat.push(idx.reduce((acc, i, d) => acc + ((slice.start[d] as number) + i) * (strides[d] as number), 0));
  }
  if (full.kind === 'string') return { kind: 'string', dtype: DT.STRING, shape: slice.length, strings: flat.map((f) => full.strings[f] as Uint8Array) };
  const sz = dtypeInfo(full.dtype)?.itemSize ?? 0;
  const bytes = new Uint8Array(n * sz);
  flat.forEach((f, k) => bytes.set(full.bytes.subarray(f * sz, (f + 1) * sz), k * sz));
  return { kind: 'numeric', dtype: full.dtype, shape: slice.length, bytes };
}


function syncFrost(f: () => unknown, code: string, pattern?: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected FrostError ${code}`).toBeInstanceOf(FrostError);
  expect((err as FrostError).code, (err as FrostError).message).toBe(code);
  if (pattern) expect((err as FrostError).message).toMatch(pattern);
}

const constDef = (name: string, dtype: number, extra: Record<string, tensorflow.AttrValue.$Properties> = {}): NodeDef => ({
  name,
  op: 'Const',
  attr: { ...extra, dtype: { type: dtype } },
});

/** Checkpoint Const plus the value it must end up holding. */
interface Case {
  node: FrozenNode;
  expected: TensorData;
}

function ckptCase(name: string, key: string, full: TensorData, slice?: SliceSpec, extra?: Record<string, tensorflow.AttrValue.$Properties>): Case {
  const expected = slice ? naiveSlice(full, slice) : full;
  return {
    node: { def: constDef(name, full.dtype, extra), value: { kind: 'checkpoint', key, dtype: full.dtype, shape: [...expected.shape], ...(slice ? { slice } : {}) } },
    expected,
  };
}

/** The reference: the whole GraphDef built in memory with tensorToProto and encoded at once. */
function referenceEncoding(graph: FrozenGraph, expected: ReadonlyMap<FrozenNode, TensorData>): Uint8Array {
  const node = graph.nodes.map((n): NodeDef => {
    if (!n.value) return n.def;
    const data = expected.get(n) as TensorData;
    const def: NodeDef = { ...n.def, attr: { ...n.def.attr, value: { tensor: tensorToProto(data) } } };
    if (n.def.$unknowns) def.$unknowns = n.def.$unknowns;
    return def;
  });
  const g: tensorflow.GraphDef.$Properties = { node };
  if (graph.library) g.library = graph.library;
  if (graph.versions) g.versions = graph.versions;
  return encodeGraphDef(g);
}

/** Every dtype TensorFlow can save as numbers (§4.4). */
const NUMERIC_DTYPES = Object.values(DT).filter((d) => {
  const info = dtypeInfo(d);
  return info !== undefined && info.itemSize > 0;
});

/** make_tensor_proto's tensor_content dtypes (§8.3, TF 2.21 list). */
const CONTENT_TYPES = new Set<number>([DT.HALF, DT.FLOAT, DT.DOUBLE, DT.INT32, DT.UINT8, DT.INT16, DT.INT8, DT.INT64, DT.QINT8, DT.QUINT8, DT.QINT16,
  DT.QUINT16, DT.QINT32, DT.UINT32, DT.UINT64, DT.FLOAT8_E5M2, DT.FLOAT8_E4M3FN, DT.FLOAT8_E4M3FNUZ, DT.FLOAT8_E4M3B11FNUZ, DT.FLOAT8_E5M2FNUZ,
  DT.FLOAT4_E2M1FN, DT.BFLOAT16]);

const BIG_SHAPE = [1024, 1536]; // 6 MiB of float32: streamed from the shard

describe('writeFrozenGraph', () => {
  let prefix: string;
  let reader: BundleV2Reader;
  let graph: FrozenGraph;
  const expected = new Map<FrozenNode, TensorData>();
  let partFull: TensorData;
  let partStr: TensorData;

  beforeAll(async () => {
    const tensors: BundleTensor[] = [];
    const cases: Case[] = [];
    NUMERIC_DTYPES.forEach((dtype, i) => {
      const name = dtypeName(dtype);
      for (const [suffix, shape] of [['m', [2, 3]], ['s', []], ['one', [1]], ['z', [0, 4]]] as const) {
        const data = sample(dtype, [...shape], i + 1);
        tensors.push({ key: `${name}/${suffix}`, data });
        cases.push(ckptCase(`c/${name}/${suffix}`, `${name}/${suffix}`, data));
      }
    });
    // Negative scalars take 10-byte varints (§7).
    for (const [key, data] of [
      ['neg/int32', { kind: 'numeric', dtype: DT.INT32, shape: [], bytes: new Uint8Array(new Int32Array([-5]).buffer) }],
      ['neg/int64', { kind: 'numeric', dtype: DT.INT64, shape: [], bytes: new Uint8Array(new BigInt64Array([-1234567890123n]).buffer) }],
      ['neg/int4', { kind: 'numeric', dtype: DT.INT4, shape: [4], bytes: Uint8Array.from([0x0d, 0x08, 0x07, 0x00]) }],
      ['big/uint16', sample(DT.UINT16, [300], 9)],
    ] as const) {
      tensors.push({ key, data });
      cases.push(ckptCase(`c/${key}`, key, data));
    }
    const strings: [string, TensorData][] = [
      ['str/m', strs([3], ['hello', '', 'x'.repeat(200)])],
      ['str/s', strs([], ['scalar ünïcode'])],
      ['str/z', strs([0], [])],
      ['str/2d', strs([2, 2], ['a', 'bb', 'c'.repeat(300), 'dddd'])],
    ];
    for (const [key, data] of strings) {
      tensors.push({ key, data });
      cases.push(ckptCase(`c/${key}`, key, data));
    }
    // A partitioned variable [10, 4] saved as three row partitions (§4.8).
    partFull = sample(DT.FLOAT, [10, 4], 77);
    const rows = (a: number, b: number): TensorData => naiveSlice(partFull, { start: [a, 0], length: [b - a, 4] });
    tensors.push({ key: 'part', dtype: DT.FLOAT, shape: [10, 4], slices: [{ start: [0, 0], data: rows(0, 4) }, { start: [4, 0], data: rows(4, 7) }, { start: [7, 0], data: rows(7, 10) }] });
    cases.push(ckptCase('c/part/all', 'part', partFull));
    cases.push(ckptCase('c/part/1', 'part', partFull, { start: [4, 0], length: [3, 4] }));
    cases.push(ckptCase('c/part/cross', 'part', partFull, { start: [2, 1], length: [5, 2] }));
    cases.push(ckptCase('c/part/one', 'part', partFull, { start: [9, 3], length: [1, 1] }));
    partStr = strs([4, 2], ['a', 'b', 'cc', 'dd', 'eee', 'fff', 'gggg', 'hhhh']);
    const strRows = (a: number, b: number): TensorData => naiveSlice(partStr, { start: [a, 0], length: [b - a, 2] });
    tensors.push({ key: 'pstr', dtype: DT.STRING, shape: [4, 2], slices: [{ start: [0, 0], data: strRows(0, 2) }, { start: [2, 0], data: strRows(2, 4) }] });
    cases.push(ckptCase('c/pstr/all', 'pstr', partStr));
    cases.push(ckptCase('c/pstr/part', 'pstr', partStr, { start: [1, 1], length: [2, 1] }));
    // Several MB: the streamed path.
    const big = sample(DT.FLOAT, BIG_SHAPE, 3);
    tensors.push({ key: 'big', data: big });
    // Attrs around "value" in sort order, an integer-like key, debug info and unknown fields,
    // so the NodeDef is really cut in the middle of its attr map.
    const bigCase = ckptCase('c/big', 'big', big, undefined, { zeta: { s: txt('after value') }, '7': { i: Long.fromNumber(7) }, _class: { list: { s: [txt('loc:@c/big')] } } });
    bigCase.node.def.experimentalDebugInfo = { originalNodeNames: ['orig/big'], originalFuncNames: [] };
    Object.defineProperty(bigCase.node.def, '$unknowns', { value: [Uint8Array.from([0x98, 0x06, 0x01])], enumerable: false });
    cases.push(bigCase);

    prefix = await bundle('main', tensors);
    reader = await BundleV2Reader.open(prefix);

    const inMemory: Case[] = [
      { node: { def: constDef('axis', DT.INT32), value: { kind: 'tensor', data: sample(DT.INT32, [], 5) } }, expected: sample(DT.INT32, [], 5) },
      { node: { def: constDef('mem/f', DT.FLOAT), value: { kind: 'tensor', data: sample(DT.FLOAT, [3], 6) } }, expected: sample(DT.FLOAT, [3], 6) },
      { node: { def: constDef('mem/s', DT.STRING), value: { kind: 'tensor', data: strs([2], ['p', 'q']) } }, expected: strs([2], ['p', 'q']) },
    ];
    const plain: NodeDef[] = [
      { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: Long.fromNumber(-1) }, { size: Long.fromNumber(3) }] } }, dtype: { type: DT.FLOAT } } },
      { name: 'y', op: 'MatMul', input: ['x', 'c/float32/m'], device: '/device:CPU:0', attr: { transpose_b: { b: false }, T: { type: DT.FLOAT }, transpose_a: { b: false }, _class: { list: { s: [txt('loc:@w')] } } } },
      { name: 'odd', op: 'NoOp', input: ['^y'], attr: { '10': { i: Long.fromNumber(10) }, '9': { i: Long.fromNumber(9) }, b: { s: txt('') } } },
    ];
    const nodes: FrozenNode[] = [{ def: plain[0] as NodeDef }];
    for (const c of [...cases, ...inMemory]) {
      nodes.push(c.node);
      expected.set(c.node, c.expected);
    }
    nodes.push({ def: plain[1] as NodeDef }, { def: plain[2] as NodeDef });
    graph = {
      nodes,
      library: {
        function: [
          {
            signature: { name: 'f', inputArg: [{ name: 'a', type: DT.FLOAT }], outputArg: [{ name: 'b', type: DT.FLOAT }], attr: [], controlOutput: [] },
            ret: { b: 'a', a: 'zz' },
            attr: { z: { b: true }, a: { i: Long.fromNumber(3) } },
            nodeDef: [],
          },
        ],
        gradient: [],
      },
      versions: { producer: 2474, minConsumer: 12, badConsumers: [] },
    };
  });

  afterAll(async () => {
    await reader.close();
  });

  it('writes every Const bit for bit, in node order, with sorted attrs, library and versions', async () => {
    const out = join(await outDir(), 'frozen.pb');
    const { bytes } = await writeFrozenGraph(out, graph, reader);
    const file = await readFile(out);
    expect(file.length).toBe(bytes);
    const g = tensorflow.GraphDef.decode(file);
    expect(g.node.map((n) => n.name)).toEqual(graph.nodes.map((n) => n.def.name));
    for (const [i, n] of graph.nodes.entries()) {
      const d = g.node[i] as tensorflow.NodeDef;
      const want = expected.get(n);
      if (!want) continue;
      expect(d.op).toBe('Const');
      expect(d.attr['dtype']?.type).toBe(want.dtype);
      const t = d.attr['value']?.tensor;
      expect(t, n.def.name ?? '').toBeTruthy();
      same(want, tensorFromProto(t as tensorflow.TensorProto, n.def.name ?? ''), n.def.name ?? '');
    }
    // Attr maps sorted by key bytes (§10.1): plain nodes and the split value node alike.
    const attrOrder = (name: string): string[] => Object.keys(g.node.find((n) => n.name === name)?.attr ?? {});
    expect(attrOrder('x')).toEqual(['dtype', 'shape']);
    expect(attrOrder('y')).toEqual(['T', '_class', 'transpose_a', 'transpose_b']);
    expect(attrOrder('c/big').filter((k) => k !== '7')).toEqual(['_class', 'dtype', 'value', 'zeta']);
    expect(g.node.find((n) => n.name === 'c/big')?.experimentalDebugInfo?.originalNodeNames).toEqual(['orig/big']);
    // make_tensor_proto's representations (§8.3).
    const tensorOf = (name: string): tensorflow.TensorProto => g.node.find((n) => n.name === name)?.attr?.['value']?.tensor as tensorflow.TensorProto;
    expect(tensorOf('c/float32/m').tensorContent.length).toBe(24);
    expect(tensorOf('c/big').tensorContent.length).toBe(elementCount(BIG_SHAPE) * 4);
    expect(tensorOf('c/float32/s').floatVal).toHaveLength(1);
    expect(tensorOf('c/float32/one').floatVal).toHaveLength(1);
    expect(tensorOf('c/bool/m').boolVal).toHaveLength(6);
    expect(tensorOf('c/complex64/m').scomplexVal).toHaveLength(12);
    expect(tensorOf('c/uint16/m').intVal).toHaveLength(6);
    expect(tensorOf('c/int4/m').intVal).toHaveLength(6);
    expect(tensorOf('c/neg/int4').intVal).toEqual([-3, -8, 7, 0]);
    expect(tensorOf('c/str/m').stringVal).toHaveLength(3);
    expect(tensorOf('c/float32/z').tensorContent.length).toBe(0);
    // library and versions copied; GraphDef fields in number order: 1..., 2, 4 (§8.6, §10.1).
    expect(g.library?.function?.[0]?.signature?.name).toBe('f');
    expect(g.versions?.producer).toBe(2474);
    expect(g.versions?.minConsumer).toBe(12);
    const trailer = tensorflow.GraphDef.encode({ library: g.library, versions: g.versions }).finish();
    expect(hex(file.subarray(file.length - trailer.length))).toBe(hex(trailer));
    expect(file[file.length - trailer.length]).toBe(0x12);
  });

  it('is byte-identical to the reference encoding (tensorToProto + GraphDef.encode), streamed or not, and deterministic', async () => {
    const reference = referenceEncoding(graph, expected);
    const outs: Buffer[] = [];
    for (const options of [{}, {}, { streamThreshold: 0, chunkSize: 4096, readAhead: 2 }, { streamThreshold: 0, chunkSize: 1 << 20 }, { streamThreshold: Infinity }]) {
      const out = join(await outDir(), 'frozen.pb');
      await writeFrozenGraph(out, graph, reader, options);
      outs.push(await readFile(out));
    }
    for (const o of outs) {
      expect(o.length).toBe(reference.length);
      expect(o.equals(Buffer.from(reference))).toBe(true);
    }
  });

  it('copies big tensors straight from the shard, and reads everything else through the reader', async () => {
    const reads: string[] = [];
    const spy = Object.create(reader) as BundleV2Reader;
    spy.read = (key, options) => {
      reads.push(key);
      return reader.read(key, options);
    };
    const out = join(await outDir(), 'frozen.pb');
    await writeFrozenGraph(out, graph, spy, { chunkSize: 64 << 10 });
    expect(reads).not.toContain('big'); // 6 MiB: streamed
    expect(reads).toContain('part'); // partitioned: assembled by the reader
    expect(reads).toContain('float32/m'); // small: below the stream threshold
    expect(reads).toContain('neg/int32');
    reads.length = 0;
    const out2 = join(await outDir(), 'frozen.pb');
    await writeFrozenGraph(out2, graph, spy, { streamThreshold: 0 });
    expect(reads).not.toContain('float32/m');
    expect(reads).not.toContain('big');
    expect(reads).toContain('float32/s'); // typed field: never streamed
    expect(reads).toContain('bool/m');
    expect((await readFile(out2)).equals(await readFile(out))).toBe(true);
  });

  it('measures the exact size before writing: measureFrozenGraphExact always, measureFrozenGraph from the index alone', async () => {
    const out = join(await outDir(), 'frozen.pb');
    const progress: [number, number][] = [];
    const { bytes } = await writeFrozenGraph(out, graph, reader, { onProgress: (w, t) => progress.push([w, t]) });
    const size = (await stat(out)).size;
    expect(bytes).toBe(size);
    const exact = await measureFrozenGraphExact(graph, reader);
    expect(exact).toMatchObject({ bytes: size, exact: true });
    expect(exact.largest[0]).toEqual({ node: 'c/big', bytes: expect.any(Number) as number });
    expect(exact.largest[0]?.bytes).toBeGreaterThan(elementCount(BIG_SHAPE) * 4);
    // Varint-valued constants (int scalars, uint16/int4 arrays) are bounded, not known, from the index.
    const estimate = measureFrozenGraph(graph, reader);
    expect(estimate.exact).toBe(false);
    expect(estimate.bytes).toBeGreaterThan(size);
    // Progress: increasing, ending at the total.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every(([w, t], i) => t === size && w <= t && (i === 0 || w > (progress[i - 1] as [number, number])[0]))).toBe(true);
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it('knows each Const size from dtype and shape alone whenever the encoding does not depend on the values', async () => {
    const fixedWidth = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.COMPLEX64, DT.COMPLEX128, DT.BOOL, DT.UINT4, DT.UINT2,
      DT.FLOAT8_E5M2, DT.FLOAT8_E4M3FN, DT.FLOAT8_E4M3FNUZ, DT.FLOAT8_E4M3B11FNUZ, DT.FLOAT8_E5M2FNUZ, DT.FLOAT4_E2M1FN]);
    let checked = 0;
    for (const node of graph.nodes) {
      const v = node.value;
      if (!v || v.kind !== 'checkpoint') continue;
      const one: FrozenGraph = { nodes: [node] };
      const estimate = measureFrozenGraph(one, reader);
      const out = join(await outDir(), 'one.pb');
      await writeFrozenGraph(out, one, reader, { streamThreshold: 0 });
      const size = (await stat(out)).size;
      const n = elementCount(v.shape);
      const valueFree = n === 0 || (n > 1 && CONTENT_TYPES.has(v.dtype)) || fixedWidth.has(v.dtype) || (v.dtype === DT.STRING && !v.slice);
      const what = `${node.def.name}: ${dtypeName(v.dtype)}[${v.shape.join(', ')}]`;
      expect(estimate.exact, what).toBe(valueFree);
      if (valueFree) expect(estimate.bytes, what).toBe(size);
      else expect(estimate.bytes, what).toBeGreaterThanOrEqual(size);
      expect((await measureFrozenGraphExact(one, reader)).bytes, what).toBe(size);
      checked++;
    }
    expect(checked).toBeGreaterThan(4 * NUMERIC_DTYPES.length);
  });

  it('reads big-endian bundles through the reader (swapped) and writes little-endian content', async () => {
    const sources = [sample(DT.FLOAT, [64, 64], 1), sample(DT.INT16, [5], 2), sample(DT.DOUBLE, [], 3), sample(DT.COMPLEX128, [2], 4), sample(DT.INT64, [3, 2], 5)];
    const be = await bundle('be', [...sources.map((data, i) => ({ key: `t${i}`, data })), { key: 's', data: strs([2], ['big', 'endian']) }]);
    const r = await BundleV2Reader.open(be);
    try {
      const cases = [...sources.map((s, i) => ckptCase(`t${i}`, `t${i}`, s)), ckptCase('s', 's', strs([2], ['big', 'endian']))];
      const g: FrozenGraph = { nodes: cases.map((c) => c.node) };
      const out = join(await outDir(), 'be.pb');
      await writeFrozenGraph(out, g, r, { streamThreshold: 0 });
      const file = await readFile(out);
      expect(file.length).toBe(measureFrozenGraph(g, r).bytes);
      const decoded = tensorflow.GraphDef.decode(file);
      cases.forEach((c, i) => same(c.expected, tensorFromProto(decoded.node[i]?.attr?.['value']?.tensor as tensorflow.TensorProto, `t${i}`), `t${i}`));
      expect(file.equals(Buffer.from(referenceEncoding(g, new Map(cases.map((c) => [c.node, c.expected])))))).toBe(true);
    } finally {
      await r.close();
    }
  });

  it('fails with CRC_MISMATCH on a damaged shard, streamed or read, and leaves no file', async () => {
    const data = sample(DT.FLOAT, [512, 512], 11);
    const p = await bundle('crc', [{ key: 'w', data }]);
    const shard = dataFileName(p, 0, 1);
    const fh = await open(shard, 'r+');
    await fh.write(Uint8Array.from([0x5a]), 0, 1, 700_000);
    await fh.close();
    const r = await BundleV2Reader.open(p);
    try {
      const g: FrozenGraph = { nodes: [ckptCase('w', 'w', data).node] };
      for (const options of [{ chunkSize: 64 << 10 }, { streamThreshold: Infinity }]) {
        const d = await outDir();
        await expectFrost(writeFrozenGraph(join(d, 'w.pb'), g, r, options), 'CRC_MISMATCH', /"w".*damaged/);
        expect(await readdir(d)).toEqual([]);
      }
    } finally {
      await r.close();
    }
  });

  it('honours an abort signal: CANCELLED, and nothing is left behind', async () => {
    const d = await outDir();
    const before = new AbortController();
    before.abort();
    await expectFrost(writeFrozenGraph(join(d, 'a.pb'), graph, reader, { signal: before.signal }), 'CANCELLED');
    const during = new AbortController();
    let calls = 0;
    await expectFrost(
      writeFrozenGraph(join(d, 'b.pb'), graph, reader, {
        signal: during.signal,
        chunkSize: 64 << 10,
        onProgress: () => {
          if (++calls === 2) during.abort();
        },
      }),
      'CANCELLED',
      /cancelled/,
    );
    expect(calls).toBe(2);
    expect(await readdir(d)).toEqual([]);
  });

  it('refuses to overwrite an input or a checkpoint file', async () => {
    const d = await outDir();
    const mine = join(d, 'model.meta');
    await (await open(mine, 'w')).close();
    await expectFrost(writeFrozenGraph(mine, graph, reader, { inputs: [mine] }), 'WOULD_OVERWRITE_INPUT');
    const shard = dataFileName(prefix, 0, 1);
    const before = await readFile(shard);
    await expectFrost(writeFrozenGraph(shard, graph, reader), 'WOULD_OVERWRITE_INPUT');
    expect((await readFile(shard)).equals(before)).toBe(true);
  });

  it('refuses a graph of 2 GiB or more before writing anything, naming the biggest constants', async () => {
    const huge: TensorEntryInfo = { key: 'huge', dtype: DT.FLOAT, shape: [65536, 8192], bytes: 2 ** 31 };
    const small: TensorEntryInfo = { key: 'small', dtype: DT.FLOAT, shape: [1000, 100], bytes: 400_000 };
    const infos = new Map([huge, small].map((i) => [i.key, i]));
    const stub: CheckpointReader = {
      format: 'v2',
      prefix: join(dir, 'nowhere', 'model.ckpt'),
      files: [],
      warnings: [],
      list: () => [...infos.values()],
      get: (key) => {
        const i = infos.get(key);
        return i && { ...i, shape: [...i.shape] };
      },
      read: (key) => Promise.reject(new Error(`read(${key}) must not happen`)),
      verify: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const g: FrozenGraph = {
      nodes: [
        { def: constDef('small', DT.FLOAT), value: { kind: 'checkpoint', key: 'small', dtype: DT.FLOAT, shape: [1000, 100] } },
        { def: constDef('dense/kernel', DT.FLOAT), value: { kind: 'checkpoint', key: 'huge', dtype: DT.FLOAT, shape: [65536, 8192] } },
      ],
    };
    const m = measureFrozenGraph(g, stub);
    expect(m.exact).toBe(true);
    expect(m.bytes).toBeGreaterThanOrEqual(GRAPHDEF_LIMIT_BYTES);
    expect(m.largest.map((l) => l.node)).toEqual(['dense/kernel', 'small']);
    expect(m.largest[0]?.bytes).toBeGreaterThan(2 ** 31);
    const d = await outDir();
    const progress: number[] = [];
    const e = await expectFrost(writeFrozenGraph(join(d, 'huge.pb'), g, stub, { onProgress: (w) => progress.push(w) }), 'TOO_LARGE', /2 GiB/);
    expect(e.message).toContain(String(m.bytes));
    expect(e.message).toMatch(/dense\/kernel \(2\.00 GiB\), small/);
    expect(progress).toEqual([]);
    expect(await readdir(d)).toEqual([]);
  });

  it('fails with INVALID_GRAPH when the graph and the checkpoint disagree, before writing', async () => {
    const w = (value: FrozenNode['value'], def: NodeDef = constDef('w', DT.FLOAT)): FrozenGraph => ({ nodes: [{ def, ...(value ? { value } : {}) }] });
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'float32/m', dtype: DT.DOUBLE, shape: [2, 3] }, constDef('w', DT.DOUBLE)), reader), 'INVALID_GRAPH', /"w" is float64\[2, 3\].*float32\[2, 3\]/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'float32/m', dtype: DT.FLOAT, shape: [3, 2] }), reader), 'INVALID_GRAPH', /\[3, 2\]/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'part', dtype: DT.FLOAT, shape: [3, 4], slice: { start: [8, 0], length: [3, 4] } }), reader), 'INVALID_GRAPH', /does not fit/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'part', dtype: DT.FLOAT, shape: [3, 3], slice: { start: [0, 0], length: [3, 4] } }), reader), 'INVALID_GRAPH', /slice/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'float32/m', dtype: DT.FLOAT, shape: [2, 3] }, constDef('w', DT.INT32)), reader), 'INVALID_GRAPH', /declares dtype int32/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'nope', dtype: DT.FLOAT, shape: [] }), reader), 'TENSOR_NOT_FOUND', /"nope"/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'checkpoint', key: 'float32/m', dtype: DT.FLOAT, shape: [2, 3] }), undefined), 'INVALID_GRAPH', /no checkpoint/);
    syncFrost(() => measureFrozenGraph(w({ kind: 'tensor', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [4], bytes: new Uint8Array(8) } }), reader), 'INVALID_GRAPH', /8 bytes/);
    const withValue = constDef('w', DT.FLOAT);
    (withValue.attr as Record<string, tensorflow.AttrValue.$Properties>)['value'] = { tensor: { dtype: DT.FLOAT } };
    syncFrost(() => measureFrozenGraph(w({ kind: 'tensor', data: sample(DT.FLOAT, [2], 1) }, withValue), reader), 'INVALID_GRAPH', /already has a value/);

    // What read() returns is checked too: a reader whose data disagrees with its index.
    const liar = Object.create(reader) as BundleV2Reader;
    liar.read = async (key, options) => {
      const t = await reader.read(key, options);
      return { ...t, shape: [...t.shape].reverse() } as TensorData;
    };
    const d = await outDir();
    await expectFrost(
      writeFrozenGraph(join(d, 'w.pb'), w({ kind: 'checkpoint', key: 'float32/m', dtype: DT.FLOAT, shape: [2, 3] }), liar, { streamThreshold: Infinity }),
      'INVALID_GRAPH',
      /expects float32\[2, 3\].*gave float32\[3, 2\]/,
    );
    expect(await readdir(d)).toEqual([]);
  });

  it('writes an empty GraphDef for an empty graph', async () => {
    const out = join(await outDir(), 'empty.pb');
    expect(await writeFrozenGraph(out, { nodes: [] }, undefined)).toEqual({ bytes: 0 });
    expect((await stat(out)).size).toBe(0);
    expect(measureFrozenGraph({ nodes: [], library: {} }, undefined)).toEqual({ bytes: 2, largest: [], exact: true });
  });
});

describe('real freeze oracles', () => {
  // TensorFlow's own frozen graphs: turn their variable Consts back into checkpoint values,
  // write, and expect exactly the oracle (re-encoded with sorted maps, §10.1: TF 1.x wrote
  // attrs in hash order), i.e. the same values and the same make_tensor_proto choices.
  for (const [name, ckpt, keys] of [
    ['mnist-softmax-v1-freeze-oracle', 'model.ckpt', ['Variable', 'Variable_1']],
    ['simple-model-freeze-oracle', 'simple_model', ['Model/v1', 'Model/v2']],
  ] as const) {
    it(`${name}: Frost's frozen graph equals TensorFlow's`, async () => {
      const oracleBytes = await readFile(fixture(name, 'frozen_model.pb'));
      const oracle = tensorflow.GraphDef.decode(oracleBytes);
      const r = await openCheckpoint(join(fixture(name), ckpt));
      try {
        const nodes = oracle.node.map((def): FrozenNode => {
          const name = def.name ?? '';
          if (!(keys as readonly string[]).includes(name)) return { def };
          const { value, ...rest } = def.attr ?? {};
          const data = tensorFromProto(value?.tensor as tensorflow.TensorProto, name);
          return { def: { ...def, attr: rest }, value: { kind: 'checkpoint', key: name, dtype: data.dtype, shape: [...data.shape] } };
        });
        expect(nodes.filter((n) => n.value)).toHaveLength(2);
        const graph: FrozenGraph = { nodes, ...(Object.prototype.hasOwnProperty.call(oracle, 'library') ? { library: oracle.library } : {}) };
        const out = join(await outDir(), 'frozen.pb');
        const { bytes } = await writeFrozenGraph(out, graph, r, { streamThreshold: 0 });
        const mine = await readFile(out);
        expect(bytes).toBe(mine.length);
        expect(measureFrozenGraph(graph, r)).toMatchObject({ bytes: mine.length, exact: true });
        expect(hex(mine)).toBe(hex(encodeGraphDef(oracle)));
      } finally {
        await r.close();
      }
    });
  }
});

const tf = findPython(['tensorflow', 'numpy']);
if (!tf.python) console.warn(`SKIP write-frozen TensorFlow check: ${tf.reason}`);

describe.skipIf(!tf.python)(`TensorFlow imports a frozen graph Frost wrote (${tf.version || 'unavailable'})`, () => {
  it('evaluates MatMul + Add over Const weights to the expected numbers', async () => {
    const w = sample(DT.FLOAT, [3, 300], 2); // streamed with a small threshold
    const b = sample(DT.FLOAT, [300], 5);
    const scale: TensorData = { kind: 'numeric', dtype: DT.FLOAT, shape: [], bytes: new Uint8Array(new Float32Array([0.5]).buffer) };
    const p = await bundle('tf', [{ key: 'dense/kernel', data: w }, { key: 'dense/bias', data: b }, { key: 'scale', data: scale }]);
    const r = await BundleV2Reader.open(p);
    const F = { type: DT.FLOAT };
    const graph: FrozenGraph = {
      nodes: [
        { def: { name: 'x', op: 'Placeholder', attr: { dtype: F, shape: { shape: { dim: [{ size: Long.fromNumber(-1) }, { size: Long.fromNumber(3) }] } } } } },
        { def: constDef('dense/kernel', DT.FLOAT), value: { kind: 'checkpoint', key: 'dense/kernel', dtype: DT.FLOAT, shape: [3, 300] } },
        { def: constDef('dense/bias', DT.FLOAT), value: { kind: 'checkpoint', key: 'dense/bias', dtype: DT.FLOAT, shape: [300] } },
        { def: constDef('scale', DT.FLOAT), value: { kind: 'checkpoint', key: 'scale', dtype: DT.FLOAT, shape: [] } },
        { def: { name: 'dense/MatMul', op: 'MatMul', input: ['x', 'dense/kernel'], attr: { T: F, transpose_a: { b: false }, transpose_b: { b: false } } } },
        { def: { name: 'dense/BiasAdd', op: 'AddV2', input: ['dense/MatMul', 'dense/bias'], attr: { T: F } } },
        { def: { name: 'y', op: 'Mul', input: ['dense/BiasAdd', 'scale'], attr: { T: F } } },
      ],
      library: {},
      versions: { producer: 1800 },
    };
    const out = join(await outDir(), 'tf.pb');
    try {
      await writeFrozenGraph(out, graph, r, { streamThreshold: 0, chunkSize: 1000 });
    } finally {
      await r.close();
    }
    const x = [[1, 2, 3], [-4, 0.5, 6]];
    const wv = new Float32Array(w.kind === 'numeric' ? w.bytes.slice().buffer : new ArrayBuffer(0));
    const bv = new Float32Array(b.kind === 'numeric' ? b.bytes.slice().buffer : new ArrayBuffer(0));
    const want = x.map((row) => Array.from({ length: 300 }, (_, j) => (row.reduce((acc, xi, i) => acc + xi * (wv[i * 300 + j] as number), 0) + (bv[j] as number)) * 0.5));
    const script = [
      'import json, sys',
      'import numpy as np',
      'import tensorflow as tf',
      'gd = tf.compat.v1.GraphDef()',
      'gd.ParseFromString(open(sys.argv[1], "rb").read())',
      'with tf.Graph().as_default() as g:',
      '    tf.compat.v1.import_graph_def(gd, name="")',
      '    with tf.compat.v1.Session(graph=g) as s:',
      '        y = s.run("y:0", {"x:0": np.array(json.loads(sys.argv[2]), dtype=np.float32)})',
      'print(json.dumps(y.astype(float).tolist()))',
    ].join('\n');
    const res = spawnSync(tf.python as string, ['-c', script, out, JSON.stringify(x)], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    expect(res.status, res.stderr).toBe(0);
    const got = JSON.parse(res.stdout.trim().split('\n').at(-1) as string) as number[][];
    expect(got).toHaveLength(2);
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo((want[i] as number[])[j] as number, 3)));
    expect(existsSync(out)).toBe(true);
  }, 180_000);
});
