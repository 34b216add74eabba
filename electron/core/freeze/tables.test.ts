// Lookup tables in a frozen graph keep their initializers under one init op (the manifest's
// initOps), so the graph can be used at all: TF's freeze_graph drops them ("Table not
// initialized"). Conformance case vocab_tables runs the same in TensorFlow.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import { frostJSON } from '../../../test/cli-helpers.js';
import { writeBundleV2 } from '../checkpoint/bundle-writer.js';
import { tensorflow } from '../proto/tf.js';
import { DT } from '../tensor/dtype.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frost-tables-'));
  const emb = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]);
  await writeBundleV2(join(dir, 'model.ckpt'), [{ key: 'emb', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [4, 2], bytes: new Uint8Array(emb.buffer) } }]);
  await writeFile(join(dir, 'checkpoint'), 'model_checkpoint_path: "model.ckpt"\n');
  const str = (key: string, values: string[]): string =>
    `node { name: "${key}" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: ${values.length} } } ${values.map((v) => `string_val: "${v}"`).join(' ')} } } } }`;
  await writeFile(join(dir, 'graph.pbtxt'), `
node { name: "words" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "emb" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: 4 } dim { size: 2 } } } } }
node { name: "emb/read" op: "Identity" input: "emb" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "table" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
${str('table/keys', ['a', 'b', 'c'])}
node { name: "table/values" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 3 } } int64_val: 1 int64_val: 2 int64_val: 3 } } } }
node { name: "table/init" op: "LookupTableImportV2" input: "table" input: "table/keys" input: "table/values" attr { key: "Tin" value { type: DT_STRING } } attr { key: "Tout" value { type: DT_INT64 } } }
node { name: "default" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape {} int64_val: 0 } } } }
node { name: "ids" op: "LookupTableFindV2" input: "table" input: "words" input: "default" attr { key: "Tin" value { type: DT_STRING } } attr { key: "Tout" value { type: DT_INT64 } } }
node { name: "axis" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 0 } } } }
node { name: "out" op: "GatherV2" input: "emb/read" input: "ids" input: "axis" attr { key: "Tparams" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } attr { key: "Taxis" value { type: DT_INT32 } } }
node { name: "emb/Assign" op: "Assign" input: "emb" input: "emb/read" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "init" op: "NoOp" input: "^emb/Assign" }
node { name: "init_all_tables" op: "NoOp" input: "^table/init" }
`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lookup tables in a frozen graph', () => {
  it('keeps the table initializer (and its keys and values) under init_all_tables, named in the manifest', async () => {
    const out = join(dir, 'frozen.pb');
    const m = await frostJSON<FreezeManifest>('freeze', dir, '--outputs', 'out', '--out', out);
    expect(m.initOps).toEqual(['init_all_tables']);
    expect(m.warnings.map((w) => w.message).join(' ')).toMatch(/run the op init_all_tables once after importing/);
    const g = tensorflow.GraphDef.decode(await readFile(out));
    const byName = new Map(g.node.map((n) => [n.name, n]));
    expect(byName.get('init_all_tables')?.input).toEqual(['^table/init']);
    for (const kept of ['table', 'table/init', 'table/keys', 'table/values', 'ids']) expect(byName.has(kept), kept).toBe(true);
    // Variable initialization stays out: only the tables' initializers are kept.
    expect(byName.has('init')).toBe(false);
    expect(byName.has('emb/Assign')).toBe(false);
    expect(byName.get('emb')?.op).toBe('Const');
  });

  it('adds no init op for a graph without tables', async () => {
    const out = join(dir, 'plain.pb');
    const m = await frostJSON<FreezeManifest>('freeze', dir, '--outputs', 'emb/read', '--out', out);
    expect(m.initOps).toBeUndefined();
    const g = tensorflow.GraphDef.decode(await readFile(out));
    expect(g.node.some((n) => n.name === 'init_all_tables')).toBe(false);
  });

  it('warns that Python callbacks (tf.py_func / numpy_function) do not survive outside their process', async () => {
    const py = join(dir, 'py');
    await mkdir(py);
    await writeBundleV2(join(py, 'model.ckpt'), [{ key: 'w', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [1], bytes: new Uint8Array(new Float32Array([2]).buffer) } }]);
    await writeFile(join(py, 'checkpoint'), 'model_checkpoint_path: "model.ckpt"\n');
    await writeFile(join(py, 'graph.pbtxt'), `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "w" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: 1 } } } } }
node { name: "w/read" op: "Identity" input: "w" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "y" op: "Mul" input: "x" input: "w/read" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "double" op: "PyFunc" input: "y" attr { key: "token" value { s: "pyfunc_0" } } attr { key: "Tin" value { list { type: DT_FLOAT } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
`);
    const m = await frostJSON<FreezeManifest>('freeze', py, '--outputs', 'double', '--out', join(py, 'frozen.pb'));
    expect(m.warnings.map((w) => w.message).join(' ')).toMatch(/keeps 1 Python callback op \(PyFunc double\).*not part of a GraphDef/);
    const plain = await frostJSON<FreezeManifest>('freeze', py, '--outputs', 'y', '--out', join(py, 'plain.pb'));
    expect(plain.warnings.map((w) => w.message).join(' ')).not.toMatch(/Python/);
  });
});
