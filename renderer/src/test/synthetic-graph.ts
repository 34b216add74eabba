/**
 * Test graphs built in code: a TF1-style training graph of an MLP trained with Adam, named the
 * way TF 1.x names things (variables with Initializer/Assign/read, Adam slots, a `gradients/`
 * mirror, `Adam/update_*`, `save/`, `init`, summaries, a FIFO-queue input). At 400 layers it has
 * about 30k nodes: the size of the real training graphs the layout must cope with.
 */
import type { GraphIR, GraphNodeIR, OpFamily } from '../../../shared/model/graph-ir.js';

const FAMILY: Record<string, OpFamily> = {
  VariableV2: 'variable', Const: 'constant', Placeholder: 'input', Identity: 'control', NoOp: 'control',
  Assign: 'training', ApplyAdam: 'training', MatMul: 'math', Add: 'math', Sub: 'math', Mul: 'math', Sum: 'math',
  Mean: 'math', Cast: 'math', BiasAdd: 'nn', Relu: 'nn', ReluGrad: 'training', BiasAddGrad: 'training',
  SoftmaxCrossEntropyWithLogits: 'nn', Reshape: 'array', Shape: 'array', Fill: 'array', Size: 'array',
  HistogramSummary: 'summary', ScalarSummary: 'summary', MergeSummary: 'summary', SaveV2: 'io', RestoreV2: 'io',
  FIFOQueueV2: 'queue', QueueEnqueueV2: 'queue', QueueDequeueV2: 'queue', RandomUniform: 'other', GreaterEqual: 'math',
  CountNonzero: 'math', RealDiv: 'math',
};

export class GraphBuilder {
  readonly nodes: GraphNodeIR[] = [];
  add(name: string, op: string, inputs: string[] = [], controlInputs: string[] = []): string {
    const node: GraphNodeIR = { name, op, family: FAMILY[op] ?? 'other', inputs, controlInputs, attrs: {} };
    if (/Queue/.test(op)) node.pipeline = true;
    this.nodes.push(node);
    return name;
  }
  graph(file = 'synthetic.meta'): GraphIR {
    return { file, nodes: this.nodes, functions: [] };
  }
}

/** A training graph of `layers` dense layers (76 nodes per layer plus about 45 globals). */
export function syntheticMlp(layers = 400): GraphIR {
  const b = new GraphBuilder();
  const inits: string[] = [];
  const vars: string[] = [];
  const restores: string[] = [];

  const variable = (path: string, zeros = false): string => {
    b.add(path, 'VariableV2');
    let init: string;
    if (zeros) init = b.add(`${path}/Initializer/zeros`, 'Const');
    else {
      const u = `${path}/Initializer/random_uniform`;
      b.add(`${u}/shape`, 'Const');
      b.add(`${u}/min`, 'Const');
      b.add(`${u}/max`, 'Const');
      b.add(`${u}/RandomUniform`, 'RandomUniform', [`${u}/shape`]);
      b.add(`${u}/sub`, 'Sub', [`${u}/max`, `${u}/min`]);
      b.add(`${u}/mul`, 'Mul', [`${u}/RandomUniform`, `${u}/sub`]);
      init = b.add(u, 'Add', [`${u}/mul`, `${u}/min`]);
    }
    inits.push(b.add(`${path}/Assign`, 'Assign', [path, init]));
    vars.push(path);
    return b.add(`${path}/read`, 'Identity', [path]);
  };

  // Input pipeline: a FIFO queue feeding x.
  b.add('input/fifo_queue', 'FIFOQueueV2');
  b.add('input/Placeholder', 'Placeholder');
  b.add('input/fifo_queue_enqueue', 'QueueEnqueueV2', ['input/fifo_queue', 'input/Placeholder']);
  b.add('input/fifo_queue_Dequeue', 'QueueDequeueV2', ['input/fifo_queue']);
  b.add('labels', 'Placeholder');

  const beta1 = variable('beta1_power', true);
  const beta2 = variable('beta2_power', true);
  b.add('Adam/learning_rate', 'Const');
  b.add('Adam/beta1', 'Const');
  b.add('Adam/beta2', 'Const');
  b.add('Adam/epsilon', 'Const');

  let prev = 'input/fifo_queue_Dequeue';
  const relus: string[] = [];
  const regs: string[] = [];
  const prevs: string[] = [];
  for (let i = 0; i < layers; i++) {
    const L = `layer_${i}`;
    prevs.push(prev);
    const kernel = variable(`${L}/kernel`);
    const bias = variable(`${L}/bias`);
    const reg = `${L}/kernel/Regularizer/l2_regularizer`;
    b.add(`${reg}/scale`, 'Const');
    b.add(`${reg}/L2Loss`, 'L2Loss', [kernel]);
    regs.push(b.add(reg, 'Mul', [`${reg}/scale`, `${reg}/L2Loss`]));
    b.add(`${L}/MatMul`, 'MatMul', [prev, kernel]);
    b.add(`${L}/BiasAdd`, 'BiasAdd', [`${L}/MatMul`, bias]);
    const relu = b.add(`${L}/Relu`, 'Relu', [`${L}/BiasAdd`]);
    // Dropout.
    const d = `${L}/dropout`;
    b.add(`${d}/keep_prob`, 'Const');
    b.add(`${d}/Shape`, 'Shape', [relu]);
    b.add(`${d}/random_uniform`, 'RandomUniform', [`${d}/Shape`]);
    b.add(`${d}/GreaterEqual`, 'GreaterEqual', [`${d}/random_uniform`, `${d}/keep_prob`]);
    b.add(`${d}/Cast`, 'Cast', [`${d}/GreaterEqual`]);
    b.add(`${d}/mul`, 'Mul', [relu, `${d}/Cast`]);
    // Summaries: the zero_fraction ops are read only by a summary.
    b.add(`${L}/zero_fraction/Size`, 'Size', [relu]);
    b.add(`${L}/zero_fraction/nonzero_count`, 'CountNonzero', [relu]);
    b.add(`${L}/zero_fraction/fraction`, 'RealDiv', [`${L}/zero_fraction/nonzero_count`, `${L}/zero_fraction/Size`]);
    b.add(`summaries/${L}/sparsity`, 'ScalarSummary', [`${L}/zero_fraction/fraction`]);
    b.add(`summaries/${L}/histogram/tag`, 'Const');
    b.add(`summaries/${L}/histogram`, 'HistogramSummary', [`summaries/${L}/histogram/tag`, relu]);
    relus.push(relu);
    prev = `${d}/mul`;
  }
  b.add('logits/kernel', 'VariableV2');
  b.add('logits/MatMul', 'MatMul', [prev, 'logits/kernel']);
  b.add('loss/xent', 'SoftmaxCrossEntropyWithLogits', ['logits/MatMul', 'labels']);
  b.add('loss/Const', 'Const');
  b.add('loss/Mean', 'Mean', ['loss/xent', 'loss/Const']);
  b.add('loss/AddN', 'AddN', ['loss/Mean', ...regs]);

  // Gradients, last layer first.
  b.add('gradients/Shape', 'Shape', ['loss/AddN']);
  b.add('gradients/grad_ys_0', 'Const');
  b.add('gradients/Fill', 'Fill', ['gradients/Shape', 'gradients/grad_ys_0']);
  b.add('gradients/loss/Mean_grad/Reshape', 'Reshape', ['gradients/Fill']);
  b.add('gradients/loss/xent_grad/mul', 'Mul', ['gradients/loss/Mean_grad/Reshape', 'loss/xent:1']);
  b.add('gradients/logits/MatMul_grad/MatMul', 'MatMul', ['gradients/loss/xent_grad/mul', 'logits/kernel']);
  let up = 'gradients/logits/MatMul_grad/MatMul';
  const applies: string[] = [];
  for (let i = layers - 1; i >= 0; i--) {
    const L = `layer_${i}`;
    const g = `gradients/${L}`;
    const d = `${g}/dropout/mul_grad`;
    b.add(`${d}/Shape`, 'Shape', [`${L}/Relu`]);
    b.add(`${d}/Mul`, 'Mul', [up, `${L}/dropout/Cast`]);
    b.add(`${d}/Sum`, 'Sum', [`${d}/Mul`]);
    b.add(`${d}/Reshape`, 'Reshape', [`${d}/Sum`, `${d}/Shape`]);
    b.add(`${g}/Relu_grad/ReluGrad`, 'ReluGrad', [`${d}/Reshape`, `${L}/Relu`]);
    b.add(`${g}/BiasAdd_grad/BiasAddGrad`, 'BiasAddGrad', [`${g}/Relu_grad/ReluGrad`]);
    b.add(`${g}/BiasAdd_grad/tuple/group_deps`, 'NoOp', [], [`${g}/Relu_grad/ReluGrad`, `${g}/BiasAdd_grad/BiasAddGrad`]);
    b.add(`${g}/BiasAdd_grad/tuple/control_dependency`, 'Identity', [`${g}/Relu_grad/ReluGrad`], [`${g}/BiasAdd_grad/tuple/group_deps`]);
    b.add(`${g}/BiasAdd_grad/tuple/control_dependency_1`, 'Identity', [`${g}/BiasAdd_grad/BiasAddGrad`], [`${g}/BiasAdd_grad/tuple/group_deps`]);
    const cd = `${g}/BiasAdd_grad/tuple/control_dependency`;
    b.add(`${g}/MatMul_grad/MatMul`, 'MatMul', [cd, `${L}/kernel/read`]);
    b.add(`${g}/MatMul_grad/MatMul_1`, 'MatMul', [prevs[i] as string, cd]);
    b.add(`${g}/MatMul_grad/tuple/group_deps`, 'NoOp', [], [`${g}/MatMul_grad/MatMul`, `${g}/MatMul_grad/MatMul_1`]);
    b.add(`${g}/MatMul_grad/tuple/control_dependency`, 'Identity', [`${g}/MatMul_grad/MatMul`], [`${g}/MatMul_grad/tuple/group_deps`]);
    b.add(`${g}/MatMul_grad/tuple/control_dependency_1`, 'Identity', [`${g}/MatMul_grad/MatMul_1`], [`${g}/MatMul_grad/tuple/group_deps`]);
    up = `${g}/MatMul_grad/tuple/control_dependency`;
    // Adam slots and updates.
    for (const [v, grad] of [
      ['kernel', `${g}/MatMul_grad/tuple/control_dependency_1`],
      ['bias', `${g}/BiasAdd_grad/tuple/control_dependency_1`],
    ] as const) {
      const path = `${L}/${v}`;
      const m = variable(`${path}/Adam`, true);
      const s = variable(`${path}/Adam_1`, true);
      applies.push(
        b.add(`Adam/update_${L}/${v}/ApplyAdam`, 'ApplyAdam', [path, m.replace(/\/read$/, ''), s.replace(/\/read$/, ''), beta1, beta2, 'Adam/learning_rate', 'Adam/beta1', 'Adam/beta2', 'Adam/epsilon', grad]),
      );
    }
  }
  b.add('Adam/mul', 'Mul', [beta1, 'Adam/beta1'], applies);
  b.add('Adam/Assign', 'Assign', ['beta1_power', 'Adam/mul']);
  b.add('Adam/mul_1', 'Mul', [beta2, 'Adam/beta2'], applies);
  b.add('Adam/Assign_1', 'Assign', ['beta2_power', 'Adam/mul_1']);
  b.add('Adam', 'NoOp', [], [...applies, 'Adam/Assign', 'Adam/Assign_1']);

  b.add('summaries/Merge/MergeSummary', 'MergeSummary', relus.map((_, i) => `summaries/layer_${i}/histogram`));
  b.add('init', 'NoOp', [], inits);

  // Saver: one restore Assign per variable.
  b.add('save/Const', 'Const');
  b.add('save/SaveV2/tensor_names', 'Const');
  b.add('save/SaveV2', 'SaveV2', ['save/Const', 'save/SaveV2/tensor_names', ...vars]);
  b.add('save/control_dependency', 'Identity', ['save/Const'], ['save/SaveV2']);
  b.add('save/RestoreV2', 'RestoreV2', ['save/Const']);
  vars.forEach((v, k) => restores.push(b.add(`save/Assign_${k}`, 'Assign', [v, `save/RestoreV2:${k}`])));
  b.add('save/restore_all', 'NoOp', [], restores);
  return b.graph();
}
