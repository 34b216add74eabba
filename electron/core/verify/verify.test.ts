// Verify (issue #6): freeze real checkpoints, then run the original graph (variables from the
// checkpoint, dequeues fed) and the frozen .pb with tfjs on the same seeded inputs. On the
// demo, the iris queue pipeline and the MNIST oracle the two must agree; a graph with an op
// tfjs lacks is named, not failed on; cancellation stops the job.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { expectFrost } from '../../../test/expect-frost.js';
import { writeDemoCheckpoint } from '../demo/demo-checkpoint.js';
import { planFreeze, writeFreeze } from '../freeze/freeze.js';
import { parseInputSpecs } from '../freeze/input-spec.js';
import { encodeGraphDef, writeGraphDefFile } from '../graph/write-graph.js';
import { Long, tensorflow } from '../proto/tf.js';
import { openSource } from '../source/open-source.js';
import { DT } from '../tensor/dtype.js';
import { verifyFreeze } from './verify.js';

const tmp = mkdtempSync(join(tmpdir(), 'frost-verify-'));
let demoPrefix = '';
beforeAll(async () => {
  demoPrefix = (await writeDemoCheckpoint(join(tmp, 'demo'))).prefix;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
async function freezeAndVerify(path: string, outputs: string[], extra: { inputs?: string; batchSize?: number } = {}) {
  const source = await openSource(path);
  try {
    const plan = await planFreeze(source, { outputs, ...(extra.inputs ? { inputs: parseInputSpecs(extra.inputs) } : {}) });
    const pb = join(tmp, `frozen-${seq++}.pb`);
    const manifest = await writeFreeze(plan, pb);
    const result = await verifyFreeze(source, manifest, pb, extra.batchSize ? { batchSize: extra.batchSize } : {}, { inline: true });
    return { manifest, result };
  } finally {
    await source.close();
  }
}

describe('verify a freeze with tfjs', () => {
  it('demo checkpoint: the FIFO-queue-fed original and the frozen graph agree on probabilities', async () => {
    const { result } = await freezeAndVerify(demoPrefix, ['probabilities']);
    expect(result.backend).toBe('wasm');
    expect(result.original).toEqual({ ran: true, unsupported: [] });
    expect(result.frozen).toEqual({ ran: true, unsupported: [] });
    expect(result.inputs).toEqual([{ name: 'batch', original: 'batch:0', dtype: 'float32', shape: [32, 64], source: 'random' }]);
    const [out] = result.outputs;
    expect(out).toMatchObject({ name: 'probabilities', dtype: 'float32', shape: [32, 10], ranFrozen: true, ranOriginal: true, pass: true });
    expect(out?.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(result.pass).toBe(true);
    console.log(`verify demo: max abs diff ${out?.maxAbsDiff} (${result.backend}, ${result.ms} ms)`);
  });

  it('iris estimator: resource variables read from two shards, the shuffle-queue dequeue fed at component 1', async () => {
    const iris = join(fixture('iris-estimator-queues-2shards'), 'model.ckpt-2500');
    const { result } = await freezeAndVerify(iris, ['dnn/head/predictions/probabilities']);
    // The graph reshapes to a constant-folded [128, 4]: the recorded training batch is used.
    expect(result.inputs).toEqual([
      { name: 'random_shuffle_queue_DequeueMany/component_1', original: 'random_shuffle_queue_DequeueMany:1', dtype: 'float32', shape: [128, 4], source: 'random' },
    ]);
    const [out] = result.outputs;
    expect(out).toMatchObject({ name: 'dnn/head/predictions/probabilities', shape: [128, 3], pass: true });
    expect(out?.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    console.log(`verify iris: max abs diff ${out?.maxAbsDiff} (${result.ms} ms)`);

    // Another batch size fails in both graphs, and tfjs's reason is passed on.
    const five = (await freezeAndVerify(iris, ['dnn/head/predictions/probabilities'], { batchSize: 5 })).result;
    expect(five.frozen).toMatchObject({ ran: false, error: expect.stringMatching(/128,4/) as unknown });
    expect(five.outputs[0]).toMatchObject({ ranFrozen: false, maxAbsDiff: null, pass: false });
  });

  it('mnist softmax (V1 checkpoint): agrees on the output with a user-given batch size', async () => {
    const { result } = await freezeAndVerify(join(fixture('mnist-softmax-v1-freeze-oracle'), 'model.ckpt'), ['output'], { batchSize: 3 });
    expect(result.inputs.map((i) => [i.name, i.original, i.shape])).toEqual([['input', 'input', [3, 784]]]);
    expect(result.outputs[0]).toMatchObject({ name: 'output', shape: [3, 10], pass: true });
    expect(result.outputs[0]?.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    console.log(`verify mnist: max abs diff ${result.outputs[0]?.maxAbsDiff} (${result.ms} ms)`);
  });

  it('an edited placeholder shape is what both graphs are fed with', async () => {
    const { manifest, result } = await freezeAndVerify(demoPrefix, ['probabilities'], { inputs: 'batch:float32:[7,64]' });
    expect(manifest.inputs[0]).toMatchObject({ name: 'batch', shape: [7, 64] });
    expect(result.outputs[0]).toMatchObject({ shape: [7, 10], pass: true });
  });

  it('user-given values must match the input shape', async () => {
    const source = await openSource(demoPrefix);
    try {
      const plan = await planFreeze(source, { outputs: ['probabilities'] });
      const pb = join(tmp, 'user.pb');
      const manifest = await writeFreeze(plan, pb);
      await expectFrost(verifyFreeze(source, manifest, pb, { inputs: [{ name: 'batch', values: [1, 2, 3], shape: [1, 64] }] }, { inline: true }), 'USAGE', /takes 64 values, but 3 were given/);
      const ok = await verifyFreeze(source, manifest, pb, { inputs: [{ name: 'batch', values: Array.from({ length: 64 }, (_, i) => i / 64), shape: [1, 64] }] }, { inline: true });
      expect(ok.inputs[0]).toMatchObject({ source: 'user', shape: [1, 64] });
      expect(ok.pass).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('catches a frozen graph whose weights differ from the checkpoint', async () => {
    const source = await openSource(demoPrefix);
    try {
      const plan = await planFreeze(source, { outputs: ['probabilities'] });
      const pb = join(tmp, 'tampered.pb');
      const manifest = await writeFreeze(plan, pb);
      // Nudge one logit bias in the written .pb: Verify must see it in the outputs.
      const graph = tensorflow.GraphDef.decode(await readFile(pb));
      const bias = graph.node.find((n) => n.name === 'logits/biases');
      const tensor = bias?.attr?.['value']?.tensor;
      if (!tensor?.tensorContent) throw new Error('logits/biases has no tensor_content');
      const values = new Float32Array(new Uint8Array(tensor.tensorContent).buffer);
      values[3] = (values[3] as number) + 0.5;
      tensor.tensorContent = new Uint8Array(values.buffer);
      await writeFile(pb, encodeGraphDef(graph));
      const result = await verifyFreeze(source, manifest, pb, {}, { inline: true });
      expect(result.pass).toBe(false);
      expect(result.outputs[0]).toMatchObject({ ranFrozen: true, ranOriginal: true, pass: false, note: 'differs by more than 0.00001' });
      expect(result.outputs[0]?.maxAbsDiff).toBeGreaterThan(0.01);
    } finally {
      await source.close();
    }
  });

  it('names the ops tfjs lacks instead of failing', async () => {
    // A graph frozen elsewhere: x → Digamma (no tfjs op) → y; both sides see the same op.
    const path = join(tmp, 'digamma.pb');
    await writeGraphDefFile(path, {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: DT.FLOAT }, shape: { shape: { dim: [{ size: Long.fromNumber(2) }] } } } },
        { name: 'y', op: 'Digamma', input: ['x'], attr: { T: { type: DT.FLOAT } } },
      ],
    });
    const { result } = await freezeAndVerify(path, ['y']);
    expect(result.frozen).toMatchObject({ ran: false, unsupported: ['Digamma'] });
    expect(result.original).toMatchObject({ ran: false, unsupported: ['Digamma'] });
    expect(result.outputs[0]).toMatchObject({ name: 'y', ranFrozen: false, ranOriginal: false, maxAbsDiff: null, pass: false });
    expect(result.pass).toBe(false);
  });

  it('a cancelled verify answers CANCELLED', async () => {
    const source = await openSource(demoPrefix);
    try {
      const plan = await planFreeze(source, { outputs: ['probabilities'] });
      const pb = join(tmp, 'cancel.pb');
      const manifest = await writeFreeze(plan, pb);
      const controller = new AbortController();
      controller.abort();
      await expectFrost(verifyFreeze(source, manifest, pb, {}, { inline: true, signal: controller.signal }), 'CANCELLED', /cancelled/);
    } finally {
      await source.close();
    }
  });
});
