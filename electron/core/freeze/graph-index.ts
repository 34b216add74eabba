/**
 * A GraphDef as the freezer needs it: nodes by name, each input parsed, and who consumes
 * whom. Input strings follow docs/freezing.md §1: `src` ≡ `src:0`, `src:k`, `^src` (control).
 */
import type { tensorflow } from '../proto/tf.js';

export type NodeDef = tensorflow.NodeDef.$Properties;

export interface InputRef {
  node: string;
  port: number;
  control: boolean;
}

export function parseInput(s: string): InputRef {
  if (s.charCodeAt(0) === 94 /* ^ */) return { node: s.slice(1), port: 0, control: true };
  // Hot on 30k-node graphs: a scan for `:digits` at the end instead of a regex.
  const colon = s.lastIndexOf(':');
  if (colon > 0 && colon < s.length - 1) {
    let port = 0;
    for (let i = colon + 1; i < s.length; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return { node: s, port: 0, control: false };
      port = port * 10 + c;
    }
    return { node: s.slice(0, colon), port, control: false };
  }
  return { node: s, port: 0, control: false };
}

/** Canonical text of an input: `x` for port 0, `x:1`, `^x`. */
export function formatInput(r: InputRef): string {
  if (r.control) return `^${r.node}`;
  return r.port === 0 ? r.node : `${r.node}:${r.port}`;
}

/** Tensor name as users write it: `x:0`, `x:1`. */
export function tensorName(node: string, port: number): string {
  return `${node}:${port}`;
}

export interface Consumer {
  /** The consuming node. */
  node: string;
  /** Position in its input list. */
  index: number;
  ref: InputRef;
}

export class GraphIndex {
  private readonly byName = new Map<string, NodeDef>();
  private readonly parsed = new Map<string, InputRef[]>();
  private consumersOf_: Map<string, Consumer[]> | undefined;

  constructor(readonly nodes: readonly NodeDef[]) {
    for (const n of nodes) this.byName.set(n.name ?? '', n);
  }

  node(name: string): NodeDef | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  op(name: string): string | undefined {
    return this.byName.get(name)?.op ?? undefined;
  }

  inputs(name: string): InputRef[] {
    let refs = this.parsed.get(name);
    if (!refs) {
      refs = (this.byName.get(name)?.input ?? []).map(parseInput);
      this.parsed.set(name, refs);
    }
    return refs;
  }

  dataInputs(name: string): InputRef[] {
    return this.inputs(name).filter((r) => !r.control);
  }

  /** Every node reading `name`, by data or control edge; built once on first use. */
  consumers(name: string): readonly Consumer[] {
    if (!this.consumersOf_) {
      const map = new Map<string, Consumer[]>();
      for (const n of this.nodes) {
        const consumer = n.name ?? '';
        this.inputs(consumer).forEach((ref, index) => {
          let list = map.get(ref.node);
          if (!list) map.set(ref.node, (list = []));
          list.push({ node: consumer, index, ref });
        });
      }
      this.consumersOf_ = map;
    }
    return this.consumersOf_.get(name) ?? [];
  }

  /**
   * Consumers of just `targets`, by one scan of the input lists: on a 30k-node graph far
   * cheaper than building the whole consumer map when only a few nodes matter.
   */
  consumersOf(targets: ReadonlySet<string>): Map<string, Consumer[]> {
    const out = new Map<string, Consumer[]>();
    if (this.consumersOf_ !== undefined) {
      for (const t of targets) out.set(t, [...this.consumers(t)]);
      return out;
    }
    for (const n of this.nodes) {
      const input = n.input ?? [];
      for (let index = 0; index < input.length; index++) {
        const ref = parseInput(input[index] as string);
        if (!targets.has(ref.node)) continue;
        let list = out.get(ref.node);
        if (!list) out.set(ref.node, (list = []));
        list.push({ node: n.name ?? '', index, ref });
      }
    }
    return out;
  }

  /**
   * Names of every node `roots` depend on, through data and control inputs (TensorFlow's
   * extract_sub_graph, docs/freezing.md §3.1), stopping at `stopAt`. Unknown names are
   * returned in `missing` rather than thrown on.
   */
  ancestors(roots: Iterable<string>, stopAt: ReadonlySet<string> = new Set()): { kept: Set<string>; missing: Set<string> } {
    const kept = new Set<string>();
    const missing = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (kept.has(name) || missing.has(name)) continue;
      if (!this.byName.has(name)) {
        missing.add(name);
        continue;
      }
      kept.add(name);
      if (stopAt.has(name)) continue;
      for (const ref of this.inputs(name)) stack.push(ref.node);
    }
    return { kept, missing };
  }
}

/** Reads an attr's type enum, list of types, int, string etc. with defaults. */
export function attrType(node: NodeDef, key: string): number | undefined {
  const v = node.attr?.[key];
  return v && v.type !== undefined && v.type !== null ? (v.type as number) : undefined;
}

export function attrTypes(node: NodeDef, key: string): number[] {
  return (node.attr?.[key]?.list?.type ?? []).map((t) => t as number);
}

export function attrString(node: NodeDef, key: string): string | undefined {
  const s = node.attr?.[key]?.s;
  return s ? new TextDecoder().decode(s) : undefined;
}

/** Colocation targets from the `_class` attr (`loc:@X`). */
export function colocationTargets(node: NodeDef): string[] {
  const list = node.attr?.['_class']?.list?.s ?? [];
  const out: string[] = [];
  for (const b of list) {
    const s = new TextDecoder().decode(b);
    if (s.startsWith('loc:@')) out.push(s.slice(5));
  }
  return out;
}
