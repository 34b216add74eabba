import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { tensorflow } from '../proto/tf.js';
import { OBJECT_GRAPH_KEY, decodeObjectGraph, escapeLocalName, nameFromKey, objectGraphNames, unescapeLocalName } from './object-graph.js';
import { openCheckpoint } from './reader.js';

const VV = '/.ATTRIBUTES/VARIABLE_VALUE';

describe('key-derived names (§6 rule 2)', () => {
  it('unescapes .S and .. left to right, and escaping is its inverse', () => {
    expect(unescapeLocalName('a.Sb..c')).toBe('a/b.c');
    expect(unescapeLocalName('...S')).toBe('./');
    expect(escapeLocalName('a/b.c')).toBe('a.Sb..c');
    for (const s of ['x', 'a/b.c', '..S', './/.', 'S.S']) expect(unescapeLocalName(escapeLocalName(s))).toBe(s);
  });

  it('strips the attribute suffix and shows slots as "slot m of <variable>"', () => {
    expect(nameFromKey(`model/dense/kernel${VV}`)).toBe('model/dense/kernel');
    expect(nameFromKey(`model/a.Sb..c${VV}`)).toBe('model/a/b.c');
    expect(nameFromKey(`model/dense/kernel/.OPTIMIZER_SLOT/optimizer/m${VV}`)).toBe('slot m of model/dense/kernel');
    expect(nameFromKey('layer/.ATTRIBUTES/OBJECT_CONFIG_JSON')).toBe('layer (OBJECT_CONFIG_JSON)');
    expect(nameFromKey('table/.ATTRIBUTES/')).toBe('table');
    expect(nameFromKey('plain_tf1_name')).toBe('plain_tf1_name');
    expect(nameFromKey(OBJECT_GRAPH_KEY)).toBe(OBJECT_GRAPH_KEY);
  });
});

/** root → net → {dense → kernel, other → kernel}, root → optimizer with an "m" slot for dense kernel. */
function buildGraph(fullNames: { denseKernel: string; otherKernel: string }): Uint8Array {
  const attr = (fullName: string, key: string): tensorflow.TrackableObjectGraph.TrackableObject.SerializedTensor.$Properties => ({
    name: 'VARIABLE_VALUE',
    fullName,
    checkpointKey: key,
  });
  const g = new tensorflow.TrackableObjectGraph({
    nodes: [
      { children: [{ nodeId: 1, localName: 'net' }, { nodeId: 6, localName: 'optimizer' }] },
      { children: [{ nodeId: 2, localName: 'dense' }, { nodeId: 4, localName: 'a/b.c' }] },
      { children: [{ nodeId: 3, localName: 'kernel' }] },
      { attributes: [attr(fullNames.denseKernel, `net/dense/kernel${VV}`)] },
      { children: [{ nodeId: 5, localName: 'kernel' }] },
      { attributes: [attr(fullNames.otherKernel, `net/a.Sb..c/kernel${VV}`), { name: 'OBJECT_CONFIG_JSON', checkpointKey: 'net/a.Sb..c/kernel/.ATTRIBUTES/OBJECT_CONFIG_JSON' }] },
      { slotVariables: [{ originalVariableNodeId: 3, slotName: 'm', slotVariableNodeId: 7 }] },
      { attributes: [attr('Adam/dense/kernel/m', `net/dense/kernel/.OPTIMIZER_SLOT/optimizer/m${VV}`)] },
    ],
  });
  return tensorflow.TrackableObjectGraph.encode(g).finish();
}

const KEYS = [
  OBJECT_GRAPH_KEY,
  `net/a.Sb..c/kernel${VV}`,
  'net/a.Sb..c/kernel/.ATTRIBUTES/OBJECT_CONFIG_JSON',
  `net/dense/kernel${VV}`,
  `net/dense/kernel/.OPTIMIZER_SLOT/optimizer/m${VV}`,
  `not/in/graph${VV}`,
];

describe('objectGraphNames', () => {
  it('prefers unique full_name, names slots by their variable, falls back per key', () => {
    const names = objectGraphNames(buildGraph({ denseKernel: 'dense/kernel', otherKernel: 'other/kernel' }), KEYS);
    expect(Object.fromEntries(names)).toEqual({
      [OBJECT_GRAPH_KEY]: OBJECT_GRAPH_KEY,
      [`net/a.Sb..c/kernel${VV}`]: 'other/kernel',
      'net/a.Sb..c/kernel/.ATTRIBUTES/OBJECT_CONFIG_JSON': 'other/kernel (OBJECT_CONFIG_JSON)',
      [`net/dense/kernel${VV}`]: 'dense/kernel',
      [`net/dense/kernel/.OPTIMIZER_SLOT/optimizer/m${VV}`]: 'slot m of dense/kernel',
      [`not/in/graph${VV}`]: 'not/in/graph',
    });
  });

  it('uses the object path when full_name is empty or shared', () => {
    const names = objectGraphNames(buildGraph({ denseKernel: 'kernel', otherKernel: 'kernel' }), KEYS);
    expect(names.get(`net/dense/kernel${VV}`)).toBe('net/dense/kernel');
    expect(names.get(`net/a.Sb..c/kernel${VV}`)).toBe('net/a/b.c/kernel');
    expect(names.get(`net/dense/kernel/.OPTIMIZER_SLOT/optimizer/m${VV}`)).toBe('slot m of net/dense/kernel');
    const empty = objectGraphNames(buildGraph({ denseKernel: '', otherKernel: '' }), KEYS);
    expect(empty.get(`net/dense/kernel${VV}`)).toBe('net/dense/kernel');
  });

  it('derives names from keys without an object graph, or with a broken one', () => {
    const expected = new Map(KEYS.map((k) => [k, nameFromKey(k)]));
    expect(objectGraphNames(undefined, KEYS)).toEqual(expected);
    expect(objectGraphNames(Uint8Array.from([0x0a, 0x05, 0x01]), KEYS)).toEqual(expected);
    expect(() => decodeObjectGraph(Uint8Array.from([0x0a, 0x05, 0x01]), 'x.index')).toThrow(FrostError);
  });

  it('names the TF2 fixture checkpoint (tf2-object-ckpt-a2c) from its real object graph', async () => {
    const reader = await openCheckpoint(join(fixture('tf2-object-ckpt-a2c'), 'ckpt-6'));
    try {
      const t = await reader.read(OBJECT_GRAPH_KEY);
      expect(t.kind).toBe('string');
      const bytes = t.kind === 'string' ? t.strings[0] : undefined;
      const keys = reader.list().map((e) => e.key);
      expect(keys).toHaveLength(25);
      const names = objectGraphNames(bytes, keys);
      expect(names.size).toBe(25);
      expect(names.get(`model/layer_with_weights-0/kernel${VV}`)).toBe('dense/kernel');
      expect(names.get(`model/layer_with_weights-2/bias${VV}`)).toBe('value_output/bias');
      expect(names.get(`model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/opt/m${VV}`)).toBe('slot m of dense/kernel');
      expect(names.get(`model/layer_with_weights-1/bias/.OPTIMIZER_SLOT/opt/v${VV}`)).toBe('slot v of action_outputs/bias');
      expect(names.get(`opt/iter${VV}`)).toBe('Adam/iter');
      expect(names.get(`save_counter${VV}`)).toBe('save_counter');
      expect(new Set(names.values()).size).toBe(25);
      // Without the graph the same keys still read sensibly.
      expect(objectGraphNames(undefined, keys).get(`model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/opt/m${VV}`)).toBe('slot m of model/layer_with_weights-0/kernel');
    } finally {
      await reader.close();
    }
  });
});
