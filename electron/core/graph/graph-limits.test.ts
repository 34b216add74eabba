/**
 * Resource limits on graphs (issue #8): node count checked on the wire before decoding, and
 * nesting depth in both the binary and the text format, each with a clear FrostError instead
 * of an exhausted heap or a stack overflow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { parseTextProto } from '../proto/text-format.js';
import { decodeGraphBytes, MAX_GRAPH_NODES } from './load-graph.js';

function thrown(f: () => unknown): FrostError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FrostError);
    return e as FrostError;
  }
  throw new Error('expected a FrostError');
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (no: number, payload: readonly number[]): number[] => [(no << 3) | 2, ...varint(payload.length), ...payload];

describe('graph node count', () => {
  const meta = new Uint8Array(readFileSync(join(fixture('simple-model-freeze-oracle'), 'simple_model.meta')));

  it('is checked against the limit, for a MetaGraphDef’s graph too', () => {
    expect(decodeGraphBytes(meta, 'simple_model.meta', 'meta-graph', { maxNodes: 24 }).graphDef.node).toHaveLength(24);
    const e = thrown(() => decodeGraphBytes(meta, 'simple_model.meta', 'meta-graph', { maxNodes: 23 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe('simple_model.meta holds a graph of 24 nodes, more than the 23 Frost can open.');
  });

  it(`refuses a GraphDef of more than ${MAX_GRAPH_NODES} nodes before decoding it`, () => {
    // 4,000,001 nodes {name: "a", op: "C"}: 36 MB on disk, gigabytes once decoded.
    const node = field(1, [...field(1, [0x61]), ...field(2, [0x43])]);
    const n = MAX_GRAPH_NODES + 1;
    const bytes = new Uint8Array(node.length * n);
    for (let i = 0; i < n; i++) bytes.set(node, i * node.length);
    const e = thrown(() => decodeGraphBytes(bytes, 'huge.pb', 'graph-def'));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe(`huge.pb holds a graph of ${n} nodes, more than the ${MAX_GRAPH_NODES} Frost can open.`);
  });
});

describe('nesting depth', () => {
  // AttrValue.func → NameAttrList.attr → AttrValue: TensorFlow's own recursive messages.
  it('of a binary graph is limited, with a readable reason', () => {
    let attr: number[] = [];
    for (let i = 0; i < 200; i++) attr = field(10, [...field(1, [0x66]), ...field(2, [...field(1, [0x61]), ...field(2, attr)])]);
    const node = [...field(1, [0x6e]), ...field(2, [0x43]), ...field(5, [...field(1, [0x61]), ...field(2, attr)])];
    const e = thrown(() => decodeGraphBytes(Uint8Array.from(field(1, node)), 'deep.pb', 'graph-def'));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/nested more than 100 levels deep/);
  });

  it('of a text graph is limited at 100 levels, and 50 are fine', () => {
    const deep = (n: number): string => `node { name: "n" op: "C" attr { key: "a" value { ${'func { name: "f" attr { key: "a" value { '.repeat(n)}${'} } } '.repeat(n)}} } }`;
    expect(parseTextProto(deep(30), 'tensorflow.GraphDef', 'ok.pbtxt').node).toHaveLength(1);
    const e = thrown(() => parseTextProto(deep(20_000), 'tensorflow.GraphDef', 'deep.pbtxt'));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/at most 100 levels of nested messages/);
  });
});
