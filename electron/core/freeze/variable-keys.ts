/**
 * Which checkpoint entry holds each variable's value (docs/freezing.md §9, tf-formats.md §10.2).
 * The Saver's restore subgraph is replayed first, because it is what TensorFlow itself runs:
 * `RestoreV2` output k holds key `tensor_names[k]` (slice `shape_and_slices[k]`) and the node
 * that assigns it names the variable. That makes renamed savers (`Saver({'custom': w})`) and
 * Estimator's truncated slot keys work. VariableDefs and the node name are fallbacks.
 */
import type { FrozenVariableJSON } from '../../../shared/model/freeze-manifest.js';
import type { tensorflow } from '../proto/tf.js';
import { VARIABLE_COLLECTIONS } from '../graph/collections.js';
import { tensorFromProto } from '../tensor/tensor-proto.js';
import { bytesToText } from '../tensor/tensor-data.js';
import { tensorflow as tf, toNumber } from '../proto/tf.js';
import type { CheckpointReader } from '../checkpoint/reader.js';
import type { SliceSpec } from './frozen-graph.js';
import type { Consumer, GraphIndex, NodeDef } from './graph-index.js';

export const VARIABLE_OPS: ReadonlySet<string> = new Set(['VariableV2', 'Variable', 'VarHandleOp']);

export interface VariableSource {
  key: string;
  slice?: SliceSpec;
  via: FrozenVariableJSON['via'];
}

/** Ops a restored value passes through on its way to the variable (resource savers wrap it in Identity). */
const RESTORE_PASS_THROUGH = new Set(['Identity', 'RefIdentity']);

function constStrings(index: GraphIndex, name: string): string[] | undefined {
  let node = index.node(name);
  // tensor_names may sit behind an Identity in some savers.
  for (let hops = 0; node && node.op === 'Identity' && hops < 4; hops++) node = index.node(index.dataInputs(node.name ?? '')[0]?.node ?? '');
  const t = node?.op === 'Const' ? node.attr?.['value']?.tensor : undefined;
  if (!t) return undefined;
  try {
    const data = tensorFromProto(t, `node ${name}`);
    return data.kind === 'string' ? data.strings.map(bytesToText) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a `shape_and_slices` entry (tf-formats.md §10.2): "" is the whole tensor, else
 * "d0 d1 … start,len:start,len" with "-" for a full dimension.
 */
export function parseShapeAndSlice(spec: string): { fullShape: number[]; slice: SliceSpec } | undefined {
  const parts = spec.trim().split(/\s+/);
  if (parts.length < 2) return undefined;
  const fullShape = parts.slice(0, -1).map(Number);
  const extents = (parts.at(-1) as string).split(':');
  if (extents.length !== fullShape.length || fullShape.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const start: number[] = [];
  const length: number[] = [];
  for (const [i, e] of extents.entries()) {
    if (e === '-') {
      start.push(0);
      length.push(fullShape[i] as number);
      continue;
    }
    const [s, l] = e.split(',').map(Number);
    if (s === undefined || l === undefined || !Number.isInteger(s) || !Number.isInteger(l)) return undefined;
    start.push(s);
    length.push(l);
  }
  return { fullShape, slice: { start, length } };
}

/** Follows input 0 back through Identity-like ops to a variable node. */
function variableBehind(index: GraphIndex, name: string): string | undefined {
  let cur = name;
  for (let hops = 0; hops < 8; hops++) {
    const op = index.op(cur);
    if (op === undefined) return undefined;
    if (VARIABLE_OPS.has(op)) return cur;
    if (!RESTORE_PASS_THROUGH.has(op)) return undefined;
    const next = index.dataInputs(cur)[0];
    if (!next) return undefined;
    cur = next.node;
  }
  return undefined;
}

function fromRestoreOps(index: GraphIndex, out: Map<string, VariableSource>, preferScope: string | undefined): void {
  const restores = index.nodes.filter((n) => n.op === 'RestoreV2' || n.op === 'Restore' || n.op === 'RestoreSlice');
  if (restores.length === 0) return;
  // The MetaGraph's own saver (saver_def.restore_op_name's scope) wins over extra savers.
  restores.sort((a, b) => Number(!(preferScope && (a.name ?? '').startsWith(preferScope))) - Number(!(preferScope && (b.name ?? '').startsWith(preferScope))));
  const readers = index.consumersOf(new Set(restores.map((r) => r.name ?? '')));
  // Resource savers pass the value through an Identity to AssignVariableOp: one more hop.
  const hops = new Set<string>();
  for (const list of readers.values()) for (const c of list) if (RESTORE_PASS_THROUGH.has(index.op(c.node) ?? '')) hops.add(c.node);
  const hopReaders = index.consumersOf(hops);
  for (const r of restores) {
    const name = r.name ?? '';
    const ins = index.dataInputs(name);
    const names = constStrings(index, ins[1]?.node ?? '');
    if (!names) continue;
    const slices = r.op === 'Restore' ? [] : (constStrings(index, ins[2]?.node ?? '') ?? []);
    for (const consumer of readers.get(name) ?? []) {
      if (consumer.ref.control) continue;
      const k = r.op === 'RestoreV2' ? consumer.ref.port : 0;
      const key = names[k];
      if (key === undefined) continue;
      const variable = assignedVariable(index, consumer.node, hopReaders);
      if (!variable || out.has(variable)) continue;
      const spec = slices[k] ?? '';
      const parsed = spec ? parseShapeAndSlice(spec) : undefined;
      out.set(variable, { key, via: 'restore-op', ...(parsed ? { slice: parsed.slice } : {}) });
    }
  }
}

/** From the node that received a restored value, find the variable it is assigned to. */
function assignedVariable(index: GraphIndex, node: string, hopReaders: ReadonlyMap<string, readonly Consumer[]>): string | undefined {
  const op = index.op(node);
  if (op === 'Assign' || op === 'AssignVariableOp') return variableBehind(index, index.dataInputs(node)[0]?.node ?? '');
  if (op !== undefined && RESTORE_PASS_THROUGH.has(op)) {
    for (const c of hopReaders.get(node) ?? []) {
      if (c.ref.control || c.index !== 1) continue;
      const target = index.op(c.node);
      if (target === 'Assign' || target === 'AssignVariableOp') {
        const v = variableBehind(index, index.dataInputs(c.node)[0]?.node ?? '');
        if (v) return v;
      }
    }
  }
  return undefined;
}

/** A function-body input "node:outputArg:k" (or "node:k", "node") → node name and index k. */
function bodyRef(ref: string): { node: string; index: number } {
  const parts = ref.split(':');
  const last = Number(parts.at(-1));
  return { node: parts[0] ?? '', index: parts.length > 1 && Number.isInteger(last) ? last : 0 };
}

/**
 * TF2 SavedModels restore inside a function (tf-formats.md §7, §10.2): the saver's restore op
 * is a StatefulPartitionedCall of `__inference__traced_restore_N`, whose arguments are the file
 * prefix and then the variable handles, and whose body runs `RestoreV2` → Identity →
 * AssignVariableOp(argument, value). Replaying that maps every handle passed to the call to its
 * checkpoint key, even when several variables share a display name ("Variable").
 */
function fromRestoreFunctions(index: GraphIndex, library: tensorflow.FunctionDefLibrary.$Properties | null | undefined, out: Map<string, VariableSource>): void {
  const fns = new Map((library?.function ?? []).map((f) => [f.signature?.name ?? '', f]));
  for (const call of index.nodes) {
    if (call.op !== 'StatefulPartitionedCall' && call.op !== 'PartitionedCall') continue;
    const fn = fns.get(call.attr?.['f']?.func?.name ?? '');
    const body = fn?.nodeDef ?? [];
    const restores = body.filter((n) => n.op === 'RestoreV2');
    if (!fn || restores.length === 0) continue;
    const argIndex = new Map((fn.signature?.inputArg ?? []).map((a, i) => [a.name ?? '', i]));
    const callInputs = (call.input ?? []).filter((s) => !s.startsWith('^'));
    const byName = new Map(body.map((n) => [n.name ?? '', n]));
    const strings = (ref: string | undefined): string[] | undefined => {
      const t = byName.get(bodyRef(ref ?? '').node);
      const tensor = t?.op === 'Const' ? t.attr?.['value']?.tensor : undefined;
      if (!tensor) return undefined;
      try {
        const data = tensorFromProto(tensor, `function ${fn.signature?.name ?? ''}`);
        return data.kind === 'string' ? data.strings.map(bytesToText) : undefined;
      } catch {
        return undefined;
      }
    };
    // Where each restored value goes: follow Identity hops to an AssignVariableOp.
    const consumers = new Map<string, { node: tensorflow.NodeDef.$Properties; port: number }[]>();
    for (const n of body) {
      for (const [i, ref] of (n.input ?? []).entries()) {
        if (ref.startsWith('^') || i !== (n.op === 'AssignVariableOp' ? 1 : 0)) continue;
        const r = bodyRef(ref);
        const list = consumers.get(r.node) ?? [];
        list.push({ node: n, port: r.index });
        consumers.set(r.node, list);
      }
    }
    for (const r of restores) {
      const names = strings(r.input?.[1]);
      const slices = strings(r.input?.[2]) ?? [];
      if (!names) continue;
      for (const { node, port } of consumers.get(r.name ?? '') ?? []) {
        let target: tensorflow.NodeDef.$Properties | undefined = node;
        for (let hops = 0; target && RESTORE_PASS_THROUGH.has(target.op ?? '') && hops < 4; hops++) target = consumers.get(target.name ?? '')?.[0]?.node;
        if (target?.op !== 'AssignVariableOp') continue;
        const arg = argIndex.get(bodyRef(target.input?.[0] ?? '').node);
        const handle = arg === undefined ? undefined : callInputs[arg];
        const variable = handle === undefined ? undefined : variableBehind(index, handle.replace(/:\d+$/, ''));
        const key = names[port];
        if (!variable || key === undefined || out.has(variable)) continue;
        const parsed = slices[port] ? parseShapeAndSlice(slices[port]) : undefined;
        out.set(variable, { key, via: 'restore-op', ...(parsed ? { slice: parsed.slice } : {}) });
      }
    }
  }
}

function fromVariableDefs(meta: tensorflow.MetaGraphDef.$Properties | undefined, reader: CheckpointReader | undefined, out: Map<string, VariableSource>): void {
  for (const [name, collection] of Object.entries(meta?.collectionDef ?? {})) {
    if (!VARIABLE_COLLECTIONS.has(name)) continue;
    for (const bytes of collection.bytesList?.value ?? []) {
      let def: tensorflow.VariableDef;
      try {
        def = tf.VariableDef.decode(bytes);
      } catch {
        continue;
      }
      const node = (def.variableName ?? '').replace(/:\d+$/, '');
      if (!node || out.has(node)) continue;
      const s = def.saveSliceInfoDef;
      if (s?.fullName) {
        const offset = (s.varOffset ?? []).map(toNumber);
        const shape = (s.varShape ?? []).map(toNumber);
        const full = (s.fullShape ?? []).map(toNumber);
        const whole = offset.every((o) => o === 0) && shape.every((d, i) => d === full[i]);
        if (reader?.get(s.fullName)) out.set(node, { key: s.fullName, via: 'variable-def', ...(whole || offset.length === 0 ? {} : { slice: { start: offset, length: shape } }) });
      } else if (reader?.get(node)) {
        out.set(node, { key: node, via: 'variable-def' });
      }
    }
  }
}

/**
 * Maps every variable node of the graph to its checkpoint entry. Variables with no entry are
 * simply absent; the freezer reports the ones it needs.
 */
export function mapVariablesToKeys(
  index: GraphIndex,
  meta: tensorflow.MetaGraphDef.$Properties | undefined,
  reader: CheckpointReader | undefined,
  objectNames?: ReadonlyMap<string, string>,
  library: tensorflow.FunctionDefLibrary.$Properties | null | undefined = meta?.graphDef?.library,
): Map<string, VariableSource> {
  const out = new Map<string, VariableSource>();
  const restoreOp = meta?.saverDef?.restoreOpName ?? '';
  const scope = restoreOp.includes('/') ? restoreOp.slice(0, restoreOp.lastIndexOf('/') + 1) : undefined;
  fromRestoreOps(index, out, scope);
  fromRestoreFunctions(index, library, out);
  fromVariableDefs(meta, reader, out);
  // Drop restore-op mappings whose key the checkpoint does not have (a saver for another
  // checkpoint layout); the fallbacks below may still find the value.
  for (const [node, src] of out) if (reader && !reader.get(src.key)) out.delete(node);
  const byDisplay = new Map<string, string>();
  for (const [key, display] of objectNames ?? []) byDisplay.set(display, key);
  for (const n of index.nodes) {
    const name = n.name ?? '';
    if (!VARIABLE_OPS.has(n.op ?? '') || out.has(name)) continue;
    if (reader?.get(name)) {
      out.set(name, { key: name, via: 'node-name' });
      continue;
    }
    // TF2 object-based checkpoints: a VarHandleOp's shared_name or node name is the
    // variable's full name recorded in the object graph (tf-formats.md §6).
    const shared = n.attr?.['shared_name']?.s;
    const candidates = [name, shared ? bytesToText(shared) : ''].filter(Boolean);
    for (const c of candidates) {
      const key = byDisplay.get(c) ?? (reader?.get(`${c}/.ATTRIBUTES/VARIABLE_VALUE`) ? `${c}/.ATTRIBUTES/VARIABLE_VALUE` : undefined);
      if (key) {
        out.set(name, { key, via: 'object-graph' });
        break;
      }
    }
  }
  return out;
}

/** The dtype and shape a variable node declares (`dtype` and `shape` attrs). */
export function declaredVariable(node: NodeDef): { dtype: number; shape: number[] | undefined } {
  const dtype = (node.attr?.['dtype']?.type ?? 0) as number;
  const shapeProto = node.attr?.['shape']?.shape;
  const shape = shapeProto && !shapeProto.unknownRank ? (shapeProto.dim ?? []).map((d) => toNumber(d.size)) : undefined;
  return { dtype: dtype > 100 ? dtype - 100 : dtype, shape: shape?.some((d) => d < 0) ? undefined : shape };
}
