import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { Long, tensorflow } from '../proto/tf.js';
import { preservingReader } from './load-graph.js';
import { encodeGraphDef, encodeMetaGraphDef, encodeSavedModel, writeGraphDefFile, writeMetaGraphFile } from './write-graph.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'frost-write-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

type Kind = 'graph' | 'meta' | 'saved';
const CODECS: Record<Kind, { decode: (b: Uint8Array) => object; encode: (m: object) => Uint8Array }> = {
  graph: { decode: (b) => tensorflow.GraphDef.decode(preservingReader(b)), encode: (m) => encodeGraphDef(m) },
  meta: { decode: (b) => tensorflow.MetaGraphDef.decode(preservingReader(b)), encode: (m) => encodeMetaGraphDef(m) },
  saved: { decode: (b) => tensorflow.SavedModel.decode(preservingReader(b)), encode: (m) => encodeSavedModel(m) },
};

const FILES: [string, string, Kind][] = [
  ['simple-model-freeze-oracle', 'simple_model.meta', 'meta'],
  ['simple-model-freeze-oracle', 'frozen_model.pb', 'graph'],
  ['mnist-softmax-v1-freeze-oracle', 'model.ckpt.meta', 'meta'],
  ['mnist-softmax-v1-freeze-oracle', 'graph.pb', 'graph'],
  ['mnist-softmax-v1-freeze-oracle', 'frozen_model.pb', 'graph'],
  ['iris-estimator-queues-2shards', 'model.ckpt-2500.meta', 'meta'],
  ['cifar10-queues-meta-only', 'model.ckpt-0.meta', 'meta'],
  ['iris-dnn-contrib-learn-v2', 'model.ckpt-8000.meta', 'meta'],
  ['linear-ftrl-2shards', 'model.ckpt-1000.meta', 'meta'],
  ['estimator-basics-v2', 'model.ckpt-2000.meta', 'meta'],
  ['half-plus-two-v1-session-bundle', 'export.meta', 'meta'],
  ['half-plus-two-savedmodel-tf1', 'saved_model.pb', 'saved'],
  ['half-plus-two-savedmodel-tf2', 'saved_model.pb', 'saved'],
  ['har-lstm-frozen', 'frozen_graph.pb', 'graph'],
  ['small-frozen-47k', 'frozen_model.pb', 'graph'],
];

/** Tags of the top-level fields and of each map entry key, in wire order. */
function entryKeys(bytes: Uint8Array, field: number): string[] {
  const r = preservingReader(bytes);
  const keys: string[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) {
      const entry = r.bytes();
      const e = preservingReader(entry);
      e.uint32(); // key tag
      keys.push(e.string());
    } else r.skipType(tag & 7);
  }
  return keys;
}

describe('round trips of every fixture graph', () => {
  it.each(FILES)('%s/%s: decode → encode → decode is equal, and re-encoding is byte-stable', async (dir, name, kind) => {
    const codec = CODECS[kind];
    const original = await readFile(fixture(dir, name));
    const first = codec.decode(original);
    const bytes1 = codec.encode(first);
    const second = codec.decode(bytes1);
    expect(second).toEqual(first);
    const bytes2 = codec.encode(second);
    expect(Buffer.from(bytes2).equals(Buffer.from(bytes1))).toBe(true);
    // Same size as TF wrote: nothing was dropped or added, only reordered.
    expect(bytes1.length).toBe(original.length);
  });

  it('the frozen graph TF wrote deterministically (har-lstm) comes back byte for byte', async () => {
    const original = await readFile(fixture('har-lstm-frozen', 'frozen_graph.pb'));
    const bytes = encodeGraphDef(tensorflow.GraphDef.decode(preservingReader(original)));
    expect(Buffer.from(bytes).equals(original)).toBe(true);
  });

  it('the reversed TF2 MetaGraphDef is written back in field-number order', async () => {
    const sm = tensorflow.SavedModel.decode(preservingReader(await readFile(fixture('half-plus-two-savedmodel-tf2', 'saved_model.pb'))));
    const meta = encodeMetaGraphDef(sm.metaGraphs[0] as tensorflow.MetaGraphDef);
    const r = preservingReader(meta);
    const order: number[] = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      order.push(tag >>> 3);
      r.skipType(tag & 7);
    }
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBe(1);
  });
});

describe('deterministic encoding', () => {
  it('sorts map entries by key bytes at every depth, without touching the input', () => {
    const node = new tensorflow.NodeDef({
      name: 'n',
      op: 'F',
      attr: {
        z: { i: Long.fromNumber(1) },
        '10': { i: Long.fromNumber(2) },
        a: { func: { name: 'f', attr: { y: { b: true }, b: { b: false } } } },
        '9': { i: Long.fromNumber(3) },
        'é': { s: new Uint8Array(0) },
        '\u{1F600}': { s: new Uint8Array(0) },
        '\uFFFD': { s: new Uint8Array(0) },
      },
    });
    const keysBefore = Object.keys(node.attr);
    const bytes = encodeGraphDef({ node: [node] });
    const nodePayload = firstPayload(bytes);
    // UTF-8 byte order: digits, letters, é (C3 A9), U+FFFD (EF BF BD), U+1F600 (F0 ...);
    // JS object order would put "9" before "10" and JS string order U+1F600 before U+FFFD.
    expect(entryKeys(nodePayload, 5)).toEqual(['10', '9', 'a', 'z', 'é', '\uFFFD', '\u{1F600}']);
    // The nested NameAttrList map inside attr "a" is sorted too.
    const decoded = tensorflow.GraphDef.decode(bytes).node[0] as tensorflow.NodeDef;
    const attrA = tensorflow.AttrValue.encode(decoded.attr['a'] as tensorflow.AttrValue).finish();
    expect(entryKeys(firstPayload(attrA, 10), 2)).toEqual(['b', 'y']);
    expect(Object.keys(node.attr)).toEqual(keysBefore);
  });

  it('keeps oneof members that hold a default: s "" → 12 00, i 0 → 18 00, empty list → 0a 00', () => {
    expect([...encodeAttr({ s: new Uint8Array(0) })]).toEqual([0x12, 0x00]);
    expect([...encodeAttr({ i: Long.ZERO })]).toEqual([0x18, 0x00]);
    expect([...encodeAttr({ i: 0 as unknown as Long })]).toEqual([0x18, 0x00]);
    expect([...encodeAttr({ list: {} })]).toEqual([0x0a, 0x00]);
    expect([...encodeAttr({ b: false })]).toEqual([0x28, 0x00]);
    expect([...encodeAttr({ f: 0 })]).toEqual([0x25, 0, 0, 0, 0]);
    // …and they survive a decode / encode round trip.
    const g = tensorflow.GraphDef.decode(encodeGraphDef({ node: [{ name: 'n', op: 'Const', attr: { s: { s: new Uint8Array(0) }, i: { i: Long.ZERO } } }] }));
    const n = g.node[0] as tensorflow.NodeDef;
    expect(n.attr['s']?.value).toBe('s');
    expect(n.attr['i']?.value).toBe('i');
    expect(n.attr['i']?.i?.toString()).toBe('0');
  });

  it('keeps a present-but-empty graph_def and library (12 00)', () => {
    expect([...encodeMetaGraphDef({ graphDef: {} })]).toEqual([0x12, 0x00]);
    expect([...encodeGraphDef({ library: {} })]).toEqual([0x12, 0x00]);
    const small = encodeGraphDef(tensorflow.GraphDef.decode(Uint8Array.from([0x12, 0x00])));
    expect([...small]).toEqual([0x12, 0x00]);
  });

  it('re-emits unknown fields written by a newer TensorFlow', () => {
    // NodeDef {name: "n", op: "X", field 99: varint 5}
    const node = [0x0a, 0x01, 0x6e, 0x12, 0x01, 0x58, 0x98, 0x06, 0x05];
    const graph = Uint8Array.from([0x0a, node.length, ...node]);
    const g = tensorflow.GraphDef.decode(preservingReader(graph));
    expect([...encodeGraphDef(g)]).toEqual([...graph]);
  });
});

/** Payload of the first length-delimited field `field` (default: the first field). */
function firstPayload(bytes: Uint8Array, field?: number): Uint8Array {
  const r = preservingReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if ((field === undefined || tag >>> 3 === field) && (tag & 7) === 2) return r.bytes();
    r.skipType(tag & 7);
  }
  throw new Error(`no field ${field ?? 'LEN'}`);
}

function encodeAttr(a: tensorflow.AttrValue.$Properties): Uint8Array {
  // An AttrValue as the value of map entry "k" inside a NodeDef, then cut out again.
  const bytes = encodeGraphDef({ node: [{ attr: { k: a } }] });
  const r = preservingReader(bytes);
  r.uint32();
  const nodeBytes = r.bytes();
  const n = preservingReader(nodeBytes);
  n.uint32();
  const entry = preservingReader(n.bytes());
  entry.uint32();
  entry.string();
  entry.uint32();
  return entry.bytes();
}

describe('writing files', () => {
  it('writes GraphDef and MetaGraphDef files atomically and refuses to overwrite an input', async () => {
    const src = fixture('simple-model-freeze-oracle', 'simple_model.meta');
    const meta = tensorflow.MetaGraphDef.decode(preservingReader(await readFile(src)));
    const out = join(tmp, 'copy.meta');
    await writeMetaGraphFile(out, meta, { inputs: [src] });
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(encodeMetaGraphDef(meta)))).toBe(true);
    const pb = join(tmp, 'graph.pb');
    await writeGraphDefFile(pb, meta.graphDef as tensorflow.GraphDef);
    expect(tensorflow.GraphDef.decode(await readFile(pb)).node).toHaveLength(24);
    const err = await writeGraphDefFile(src, meta.graphDef as tensorflow.GraphDef, { inputs: [src] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrostError);
    expect((err as FrostError).code).toBe('WOULD_OVERWRITE_INPUT');
  });
});
