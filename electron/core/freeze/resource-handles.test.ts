// Resource handles that live at run time (a v1 dynamic_rnn's TensorArray passed into its loop
// by an Enter typed `resource`) stay in the frozen graph; only handles of frozen variables are
// errors (freezing.md §9). Found by the conformance case lstm_dynamic_rnn.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  dir = await mkdtemp(join(tmpdir(), 'frost-resource-'));
  const w = new Float32Array([1, 2, 3, 4]);
  await writeBundleV2(join(dir, 'model.ckpt'), [{ key: 'w', data: { kind: 'numeric', dtype: DT.FLOAT, shape: [2, 2], bytes: new Uint8Array(w.buffer) } }]);
  await writeFile(join(dir, 'checkpoint'), 'model_checkpoint_path: "model.ckpt"\n');
  const f = 'type: DT_FLOAT';
  await writeFile(join(dir, 'graph.pbtxt'), `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { ${f} } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
node { name: "w" op: "VariableV2" attr { key: "dtype" value { ${f} } } attr { key: "shape" value { shape { dim { size: 2 } dim { size: 2 } } } } }
node { name: "w/read" op: "Identity" input: "w" attr { key: "T" value { ${f} } } }
node { name: "size" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }
node { name: "ta" op: "TensorArrayV3" input: "size" attr { key: "dtype" value { ${f} } } }
node { name: "loop/ta_enter" op: "Enter" input: "ta" attr { key: "T" value { type: DT_RESOURCE } } attr { key: "frame_name" value { s: "loop" } } }
node { name: "loop/w_enter" op: "Enter" input: "w/read" attr { key: "T" value { ${f} } } attr { key: "frame_name" value { s: "loop" } } attr { key: "is_constant" value { b: true } } }
node { name: "loop/flow_enter" op: "Enter" input: "ta:1" attr { key: "T" value { ${f} } } attr { key: "frame_name" value { s: "loop" } } }
node { name: "loop/write" op: "TensorArrayWriteV3" input: "loop/ta_enter" input: "size" input: "loop/w_enter" input: "loop/flow_enter" attr { key: "T" value { ${f} } } }
node { name: "loop/exit" op: "Exit" input: "loop/write" attr { key: "T" value { ${f} } } }
node { name: "stacked" op: "TensorArrayGatherV3" input: "ta" input: "size" input: "loop/exit" attr { key: "dtype" value { ${f} } } }
node { name: "y" op: "MatMul" input: "x" input: "w/read" attr { key: "T" value { ${f} } } }
`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resource handles in a frozen graph', () => {
  it('keeps a TensorArray handle passed into a loop (Enter typed resource) and freezes the variable beside it', async () => {
    const out = join(dir, 'frozen.pb');
    const m = await frostJSON<FreezeManifest>('freeze', dir, '--outputs', 'stacked,y', '--out', out);
    expect(m.variablesFrozen).toBe(1);
    const g = tensorflow.GraphDef.decode(await readFile(out));
    const byName = new Map(g.node.map((n) => [n.name, n]));
    expect(byName.get('w')?.op).toBe('Const');
    expect(byName.get('ta')?.op).toBe('TensorArrayV3');
    expect(byName.get('loop/ta_enter')?.attr?.['T']?.type).toBe(DT.RESOURCE);
    expect(byName.get('loop/ta_enter')?.input).toEqual(['ta']);
  });
});
