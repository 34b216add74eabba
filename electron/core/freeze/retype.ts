/**
 * Turning variables into values (docs/freezing.md §3.4, §4, §8 rows 1, 2, 10, 18).
 *
 * Once a variable is a Const, everything that received its handle or ref receives a plain
 * value instead. The engine works in two passes over one container — the top-level graph or
 * a function body:
 *   1. mark: from each source (a frozen variable, or a function argument that now carries a
 *      value) walk forward through pass-through ops (Identity, Switch, Enter, Merge, ...; the
 *      Ref* forms; a While's loop variable) and record which input of which node now gets a
 *      value of which dtype and shape;
 *   2. rewrite: each marked node becomes its value form — ReadVariableOp → Identity,
 *      ResourceGather → GatherV2, VariableShape → Shape, RefSwitch → Switch, Assign → Identity
 *      of the assigned value, AssignSub → Sub, ...; pass-throughs get their `T` retyped and lose
 *      stale `_output_shapes`; functional While/If/PartitionedCall get converted copies of their
 *      functions (`<name>_frozen_<n>`).
 */
import { tensorToProto } from '../tensor/tensor-proto.js';
import { tensorflow as tf, toLong } from '../proto/tf.js';
import { DT, dtypeName } from '../tensor/dtype.js';
import type { RewriteJSON } from '../../../shared/model/freeze-manifest.js';
import type { ConstValue } from './frozen-graph.js';
import type { NodeDef } from './graph-index.js';
import { FUNCTION_ATTRS, PASS_THROUGH, REF_TO_VALUE } from './op-families.js';

type FunctionDef = tf.FunctionDef.$Properties;
type AttrValue = tf.AttrValue.$Properties;

export interface ValueInfo {
  dtype: number;
  /** Fully known shape of the value, when known. */
  shape: number[] | undefined;
}

/** Where an input string points: a node (and which of its value-carrying outputs) or an argument. */
interface Ref {
  node: string;
  /** Output index for top-level refs; for function refs the output arg name and index. */
  port: number;
  outArg?: string;
  control: boolean;
}

/** Input syntax differs between the graph (`x:1`) and function bodies (`x:output:0`, `arg`). */
function parseRef(s: string, inFunction: boolean): Ref {
  if (s.startsWith('^')) return { node: s.slice(1), port: 0, control: true };
  const parts = s.split(':');
  if (inFunction) {
    if (parts.length >= 3) return { node: parts[0] as string, outArg: parts[1] as string, port: Number(parts[2]), control: false };
    if (parts.length === 2) return { node: parts[0] as string, port: Number(parts[1]), control: false };
    return { node: s, port: 0, control: false };
  }
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { node: m[1] as string, port: Number(m[2]), control: false } : { node: s, port: 0, control: false };
}

export function shapeProto(shape: number[] | undefined): tf.TensorShapeProto.$Properties {
  return shape ? { dim: shape.map((d) => ({ size: toLong(d) })) } : { unknownRank: true, dim: [] };
}

const typeAttr = (t: number): AttrValue => ({ type: t });

/** A node whose inputs now carry values: input index → value. */
type Marks = Map<string, Map<number, ValueInfo>>;

export interface RetypeResult {
  /** New nodes (axis Consts of gathers, ExpandDims of scatters), each inserted before `before`. */
  inserts: { before: string; node: NodeDef; value?: ConstValue }[];
  /** Nodes rewritten in place into Consts, with their values. */
  constants: Map<string, ConstValue>;
}

/** Ops whose outputs are just their (value-carrying) input, and which of their outputs do. */
function passThroughPorts(op: string, node: NodeDef, inputIndex: number): number[] | undefined {
  const valueOp = REF_TO_VALUE[op] ?? op;
  if (valueOp === 'Switch' || valueOp === '_SwitchN') return inputIndex === 0 ? [0, 1] : undefined;
  if (valueOp === 'Merge') return [0];
  if (valueOp === 'Select') return inputIndex > 0 ? [0] : undefined;
  if (PASS_THROUGH.has(valueOp)) return [0];
  if (op === 'While' || op === 'StatelessWhile') return [inputIndex];
  if (op === 'IdentityN') return [inputIndex];
  void node;
  return undefined;
}

/** Output arg names of the pass-through ops, for function-body refs. */
const OUT_ARGS: Record<string, string[]> = {
  Switch: ['output_false', 'output_true'],
  Merge: ['output', 'value_index'],
  While: ['output'],
  StatelessWhile: ['output'],
  IdentityN: ['output'],
};

export class Retyper {
  readonly rewrites: RewriteJSON[] = [];
  readonly errors: string[] = [];
  /** Some error is a variable update inside a function body (see freeze.ts's message). */
  writesInFunctions = false;
  private readonly functions: Map<string, FunctionDef>;
  private readonly added: FunctionDef[] = [];
  private counter = 0;

  constructor(library: tf.FunctionDefLibrary.$Properties | null | undefined) {
    this.functions = new Map((library?.function ?? []).map((f) => [f.signature?.name ?? '', f]));
  }

  /** Converted function copies created so far. */
  newFunctions(): FunctionDef[] {
    return this.added;
  }

  /**
   * Marks and rewrites one container. `nodes` are mutable copies owned by the caller;
   * `sources` maps a node name (top level) or an argument name (function) to the value its
   * output 0 now carries. Returns extra nodes to insert.
   */
  run(nodes: NodeDef[], sources: Map<string, ValueInfo>, inFunction: boolean, where: string): RetypeResult {
    const byName = new Map(nodes.map((n) => [n.name ?? '', n]));
    const consumers = new Map<string, { node: NodeDef; index: number; ref: Ref }[]>();
    for (const n of nodes) {
      (n.input ?? []).forEach((s, index) => {
        const ref = parseRef(s, inFunction);
        if (ref.control) return;
        let list = consumers.get(ref.node);
        if (!list) consumers.set(ref.node, (list = []));
        list.push({ node: n, index, ref });
      });
    }
    const marks: Marks = new Map();
    const queue: { node: string; ports: number[] | 'all'; value: ValueInfo }[] = [...sources].map(([node, value]) => ({ node, ports: 'all' as const, value }));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const { node, ports, value } = queue.shift() as (typeof queue)[number];
      for (const c of consumers.get(node) ?? []) {
        if (ports !== 'all' && !ports.includes(this.portOf(c.ref, byName.get(node)))) continue;
        const cname = c.node.name ?? '';
        let m = marks.get(cname);
        if (!m) marks.set(cname, (m = new Map()));
        m.set(c.index, value);
        const through = passThroughPorts(c.node.op ?? '', c.node, c.index);
        const key = `${cname}#${through?.join(',') ?? ''}`;
        if (through && !seen.has(key)) {
          seen.add(key);
          queue.push({ node: cname, ports: through, value });
        }
      }
    }
    const result: RetypeResult = { inserts: [], constants: new Map() };
    for (const [name, inputs] of marks) {
      const node = byName.get(name);
      if (node) this.rewrite(node, inputs, inFunction, where, result);
    }
    if (inFunction) {
      // Function-body refs to a ReadVariableOp's `value` output must follow its new name.
      for (const n of nodes) {
        if (!n.input) continue;
        n.input = n.input.map((s) => {
          const r = parseRef(s, true);
          const target = byName.get(r.node);
          if (r.outArg === 'value' && target?.op === 'Identity') return `${r.node}:output:${r.port}`;
          return s;
        });
      }
    }
    return result;
  }

  /** Flat output index of a ref (function refs name an output arg; pass-throughs have one per port). */
  private portOf(ref: Ref, producer: NodeDef | undefined): number {
    if (ref.outArg === undefined) return ref.port;
    const op = REF_TO_VALUE[producer?.op ?? ''] ?? producer?.op ?? '';
    const args = OUT_ARGS[op];
    if (!args) return ref.port;
    const i = args.indexOf(ref.outArg);
    return args.length === 1 ? ref.port : i < 0 ? ref.port : i;
  }

  private log(node: NodeDef, from: string, to: string, why: string): void {
    this.rewrites.push({ node: node.name ?? '', from, to, why });
  }

  private rewrite(node: NodeDef, inputs: Map<number, ValueInfo>, inFunction: boolean, where: string, result: RetypeResult): void {
    const inserts = result.inserts;
    const op = node.op ?? '';
    const first = [...inputs.values()][0] as ValueInfo;
    const attr = (node.attr ??= {});
    const name = node.name ?? '';
    const setOp = (to: string, why: string): void => {
      this.log(node, op, to, why);
      node.op = to;
    };
    switch (op) {
      case 'ReadVariableOp':
        node.op = 'Identity';
        node.attr = { T: typeAttr(first.dtype), ...(attr['_class'] ? { _class: attr['_class'] } : {}) };
        return;
      case 'ResourceGather': {
        const tindices = attr['Tindices']?.type ?? DT.INT32;
        const axisName = `${name}/axis`;
        const [params, indices, ...rest] = node.input ?? [];
        inserts.push({
          before: name,
          // In a TF1 while loop a Const without inputs sits in the root frame and cannot feed
          // the gather ("inputs from different frames"); a control edge from the indices'
          // producer puts it in the gather's frame, wherever that is.
          node: { name: axisName, op: 'Const', input: inFunction ? [] : [`^${parseRef(indices ?? '', false).node}`], attr: { dtype: typeAttr(tindices as number) } },
          value: { kind: 'tensor', data: scalarInt(tindices as number, 0) },
        });
        node.op = 'GatherV2';
        node.input = [params ?? '', indices ?? '', inFunction ? `${axisName}:output:0` : axisName, ...rest];
        const batchDims = attr['batch_dims'];
        node.attr = {
          Tparams: typeAttr(first.dtype),
          Tindices: typeAttr(tindices as number),
          Taxis: typeAttr(tindices as number),
          ...(batchDims && Number(batchDims.i ?? 0) !== 0 ? { batch_dims: batchDims } : {}),
          ...(attr['_class'] ? { _class: attr['_class'] } : {}),
        };
        this.log(node, op, 'GatherV2', 'reads a frozen resource variable');
        return;
      }
      case 'ResourceGatherNd':
        node.attr = { Tparams: typeAttr(first.dtype), Tindices: attr['Tindices'] ?? typeAttr(DT.INT32), ...(attr['_class'] ? { _class: attr['_class'] } : {}) };
        setOp('GatherNd', 'reads a frozen resource variable');
        return;
      case 'VariableShape':
        node.attr = { T: typeAttr(first.dtype), out_type: attr['out_type'] ?? typeAttr(DT.INT32) };
        setOp('Shape', 'VariableShape needs a resource; the variable is now a constant');
        return;
      case 'VarIsInitializedOp':
      case 'IsVariableInitialized':
        // A frozen variable is always initialized.
        node.op = 'Const';
        node.input = (node.input ?? []).filter((s) => s.startsWith('^'));
        node.attr = { dtype: typeAttr(DT.BOOL) };
        result.constants.set(name, { kind: 'tensor', data: { kind: 'numeric', dtype: DT.BOOL, shape: [], bytes: new Uint8Array([1]) } });
        this.log(node, op, 'Const', 'a frozen variable is always initialized');
        return;
      case 'Assign': {
        // Assign returns the assigned value: keep that, drop the write (freezing.md §8 row 1).
        const [, value, ...rest] = node.input ?? [];
        node.input = [value ?? '', ...rest];
        node.attr = { T: attr['T'] ?? typeAttr(first.dtype) };
        setOp('Identity', 'an assignment to a frozen variable: its result is the assigned value');
        return;
      }
      case 'AssignAdd':
      case 'AssignSub':
        node.attr = { T: attr['T'] ?? typeAttr(first.dtype) };
        setOp(op === 'AssignAdd' ? 'Add' : 'Sub', 'an update of a frozen variable: computes the updated value without writing it');
        return;
      case 'ScatterUpdate':
      case 'ScatterAdd':
      case 'ScatterSub':
      case 'ScatterMin':
      case 'ScatterMax': {
        const [ref, indices, updates, ...rest] = node.input ?? [];
        const tindices = (attr['Tindices']?.type ?? DT.INT32) as number;
        const expand = `${name}/indices_expanded`;
        const dimName = `${name}/indices_expanded/dim`;
        inserts.push({ before: name, node: { name: dimName, op: 'Const', input: inFunction ? [] : [`^${parseRef(indices ?? '', false).node}`], attr: { dtype: typeAttr(DT.INT32) } }, value: { kind: 'tensor', data: scalarInt(DT.INT32, -1) } });
        inserts.push({
          before: name,
          node: { name: expand, op: 'ExpandDims', input: [indices ?? '', inFunction ? `${dimName}:output:0` : dimName], attr: { T: typeAttr(tindices), Tdim: typeAttr(DT.INT32) } },
        });
        node.input = [ref ?? '', inFunction ? `${expand}:output:0` : expand, updates ?? '', ...rest];
        node.attr = { T: attr['T'] ?? typeAttr(first.dtype), Tindices: typeAttr(tindices) };
        setOp(`TensorScatter${op.slice('Scatter'.length)}`, 'a scatter into a frozen variable: computes the updated value without writing it');
        return;
      }
      default:
        break;
    }
    const valueOp = REF_TO_VALUE[op];
    if (valueOp) {
      setOp(valueOp, 'the variable behind this ref is now a constant (float_ref fix)');
      if (valueOp !== 'Select') this.retypeT(node, first);
      return;
    }
    if (PASS_THROUGH.has(op) || op === 'IdentityN') {
      if (op === 'IdentityN') this.retypeList(node, 'T', inputs);
      else this.retypeT(node, first);
      return;
    }
    const fnAttrs = FUNCTION_ATTRS[op];
    if (fnAttrs) {
      this.rewriteCall(node, op, fnAttrs, inputs, where);
      return;
    }
    if (first.dtype !== undefined && [...inputs.keys()].every((i) => i >= 0)) {
      // Ordinary ops reading a ref variable (MatMul on W) dereference it already; nothing to do.
      if (!op.startsWith('Resource') && !/Variable/.test(op) && !/^(Apply|SparseApply|Scatter|CountUpTo)/.test(op)) return;
    }
    if (/^(Assign(Add|Sub)?VariableOp|Resource(Sparse)?Apply|ResourceScatter)/.test(op)) {
      // Reached from the outputs only through a function (If/While branch): a write that
      // pruning cannot drop, typically a batch-norm moving-average update under tf.cond(training).
      this.errors.push(`${where}node ${name} (${op}) writes to a variable`);
      this.writesInFunctions = true;
      return;
    }
    this.errors.push(`${where}node ${name} (${op}) uses a frozen variable in a way Frost cannot rewrite into a value`);
  }

  /** `T` of a pass-through becomes the value's dtype; stale static shapes go. */
  private retypeT(node: NodeDef, value: ValueInfo): void {
    const attr = (node.attr ??= {});
    const t = attr['T']?.type;
    if (t === undefined || t === null || t === DT.RESOURCE || (t as number) > 100) attr['T'] = typeAttr(value.dtype);
    delete attr['_output_shapes'];
    delete attr['_handle_dtypes'];
    delete attr['_handle_shapes'];
  }

  private retypeList(node: NodeDef, key: string, inputs: Map<number, ValueInfo>): void {
    const attr = (node.attr ??= {});
    const types = [...(attr[key]?.list?.type ?? [])] as number[];
    for (const [i, v] of inputs) if (i < types.length) types[i] = v.dtype;
    attr[key] = { list: { type: types } };
    delete attr['_output_shapes'];
  }

  /**
   * Functional control flow and calls (freezing.md §3.4 step 2, §4): the call's type list
   * entry is retyped and its functions are replaced by converted copies.
   */
  private rewriteCall(node: NodeDef, op: string, fnAttrs: readonly string[], inputs: Map<number, ValueInfo>, where: string): void {
    const attr = (node.attr ??= {});
    const isIf = op === 'If' || op === 'StatelessIf' || op === 'Case' || op === 'StatelessCase';
    const isWhile = op === 'While' || op === 'StatelessWhile';
    // If/Case: input 0 is the predicate/branch index; the functions see inputs 1.. as args 0..
    const argOf = (i: number): number => (isIf ? i - 1 : i);
    const args = new Map<number, ValueInfo>();
    for (const [i, v] of inputs) if (argOf(i) >= 0) args.set(argOf(i), v);
    const typeKey = isWhile ? 'T' : 'Tin';
    this.retypeList(node, typeKey, args);
    for (const key of fnAttrs) {
      const a = attr[key];
      if (a?.func?.name) {
        attr[key] = { func: { ...a.func, name: this.convertFunction(a.func.name, args, isWhile, where) } };
      } else if (a?.list?.func) {
        attr[key] = { list: { func: a.list.func.map((f) => ({ ...f, name: this.convertFunction(f.name ?? '', args, false, where) })) } };
      }
    }
    if (isWhile) {
      const shapes = attr['output_shapes']?.list?.shape;
      if (shapes) {
        const copy = [...shapes];
        for (const [i, v] of args) if (i < copy.length) copy[i] = shapeProto(v.shape);
        attr['output_shapes'] = { list: { shape: copy } };
      }
      const ro = attr['_read_only_resource_inputs']?.list?.i;
      if (ro) attr['_read_only_resource_inputs'] = { list: { i: ro.filter((x) => !args.has(Number(x))) } };
    }
    // TF's own converter fails here: "_output_shapes attribute inconsistent with the GraphDef".
    delete attr['_output_shapes'];
    this.log(node, op, op, `passes frozen variable${args.size > 1 ? 's' : ''} into ${fnAttrs.map((k) => attr[k]?.func?.name ?? k).join(', ')}`);
  }

  /** A converted copy of function `name` whose args `args` carry values instead of handles. */
  private convertFunction(name: string, args: Map<number, ValueInfo>, loopCarried: boolean, where: string): string {
    const original = this.functions.get(name);
    if (!original) {
      this.errors.push(`${where}function ${name} is called but missing from the graph's function library`);
      return name;
    }
    const copy = tf.FunctionDef.decode(tf.FunctionDef.encode(original).finish());
    const base = name.replace(/_\d+$/, '');
    const newName = `${base}_frozen_${++this.counter}`;
    const sig = copy.signature as tf.OpDef;
    sig.name = newName;
    const sources = new Map<string, ValueInfo>();
    const inArgs = sig.inputArg ?? [];
    for (const [i, v] of args) {
      const arg = inArgs[i];
      if (!arg) continue;
      if (arg.type === DT.RESOURCE || arg.typeAttr) arg.type = v.dtype;
      sources.set(arg.name ?? '', v);
      const argAttr = copy.argAttr?.[i]?.attr;
      if (argAttr) {
        delete argAttr['_handle_dtypes'];
        delete argAttr['_handle_shapes'];
        if (argAttr['_output_shapes']) argAttr['_output_shapes'] = { list: { shape: [shapeProto(v.shape)] } };
      }
    }
    const nodes = copy.nodeDef ?? [];
    // Messages name the function as the graph does, not its rewritten copy.
    const result = this.run(nodes, sources, true, `${where}${name}: `);
    // Function bodies hold their constants inline, as TensorProtos.
    const inline = (n: NodeDef, v: ConstValue | undefined): void => {
      if (v?.kind === 'tensor') n.attr = { ...(n.attr ?? {}), value: { tensor: tensorToProto(v.data) } };
    };
    for (const ins of result.inserts) {
      const at = nodes.findIndex((n) => n.name === ins.before);
      nodes.splice(at < 0 ? nodes.length : at, 0, ins.node);
      inline(ins.node, ins.value);
    }
    for (const [n, v] of result.constants) {
      const node = nodes.find((x) => x.name === n);
      if (node) inline(node, v);
    }
    copy.nodeDef = nodes;
    // Loop bodies return their loop variables: an output fed by a converted arg becomes a value too.
    const valueNodes = new Set([...sources.keys()]);
    for (const n of nodes) {
      const t = n.attr?.['T']?.type;
      if (n.op === 'Identity' && t !== undefined && t !== DT.RESOURCE && sources.has(parseRef(n.input?.[0] ?? '', true).node)) valueNodes.add(n.name ?? '');
    }
    const outArgs = sig.outputArg ?? [];
    for (const [i, out] of outArgs.entries()) {
      const src = copy.ret?.[out.name ?? ''];
      if (src === undefined || out.type !== DT.RESOURCE) continue;
      const from = parseRef(src, true).node;
      const carried = loopCarried ? args.get(i) : undefined;
      const v = carried ?? (valueNodes.has(from) ? [...args.values()][0] : undefined);
      if (v) out.type = v.dtype;
    }
    this.added.push(copy);
    this.functions.set(newName, copy);
    return newName;
  }
}

function scalarInt(dtype: number, v: number): { kind: 'numeric'; dtype: number; shape: number[]; bytes: Uint8Array } {
  if (dtype === DT.INT64) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
    return { kind: 'numeric', dtype, shape: [], bytes: b };
  }
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return { kind: 'numeric', dtype: DT.INT32, shape: [], bytes: b };
}

export function describeValue(v: ValueInfo): string {
  return `${dtypeName(v.dtype)}${v.shape ? `[${v.shape.join(',')}]` : ''}`;
}
