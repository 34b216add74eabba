/**
 * Pairing the nodes of two graphs (issue #7): first by name; then the freezer's own renames
 * (a dequeue's component k becomes placeholder `<dequeue>/component_k`, docs/freezing.md
 * §6.5); then, for what is left, by structural signature — op plus the already matched data
 * inputs (unmatched ones as wildcards), or op plus the matched consumers, or for nodes without
 * inputs op plus attrs — repeated until no new pair is found (bounded). A signature only pairs
 * when exactly one node on each side has it, so an ambiguous guess is never made.
 */
import { parseInput, type NodeDef } from '../freeze/graph-index.js';
import { isDequeueOp } from '../freeze/queues.js';
import { attrFingerprint } from './attr-compare.js';

export interface Side {
  nodes: readonly NodeDef[];
  byName: Map<string, NodeDef>;
  /** Data inputs of a node, parsed on first use (most nodes of a big diff never need it). */
  data(name: string): readonly { node: string; port: number }[];
  /** Control inputs of a node (names without `^`). */
  controls(name: string): readonly string[];
  /** Data consumers of the `targets` nodes (one scan of every input string). */
  consumers(targets: ReadonlySet<string>): ReadonlyMap<string, readonly { node: string; slot: number }[]>;
}

const NONE: readonly never[] = [];

export function makeSide(nodes: readonly NodeDef[]): Side {
  const byName = new Map<string, NodeDef>();
  for (const n of nodes) byName.set(n.name ?? '', n);
  const parsed = new Map<string, { data: { node: string; port: number }[]; controls: string[] }>();
  const parse = (name: string): { data: { node: string; port: number }[]; controls: string[] } => {
    let p = parsed.get(name);
    if (!p) {
      p = { data: [], controls: [] };
      for (const s of byName.get(name)?.input ?? []) {
        const r = parseInput(s);
        if (r.control) p.controls.push(r.node);
        else p.data.push({ node: r.node, port: r.port });
      }
      parsed.set(name, p);
    }
    return p;
  };
  return {
    nodes,
    byName,
    data: (name) => (byName.get(name)?.input?.length ? parse(name).data : NONE),
    controls: (name) => (byName.get(name)?.input?.length ? parse(name).controls : NONE),
    consumers: (targets) => {
      const out = new Map<string, { node: string; slot: number }[]>();
      if (targets.size === 0) return out;
      for (const n of nodes) {
        const ins = n.input ?? [];
        let slot = 0;
        for (const s of ins) {
          if (s.charCodeAt(0) === 94 /* ^ */) continue;
          // Most inputs are plain names (port 0): a Set lookup, no parsing.
          const node = targets.has(s) ? s : s.includes(':') ? parseInput(s).node : undefined;
          if (node !== undefined && targets.has(node)) {
            let list = out.get(node);
            if (!list) out.set(node, (list = []));
            list.push({ node: n.name ?? '', slot });
          }
          slot++;
        }
      }
      return out;
    },
  };
}

export interface Matching {
  aToB: Map<string, string>;
  bToA: Map<string, string>;
  /** A names of the pairs found by signature (all others matched by name). */
  by: Map<string, 'signature'>;
  /** B placeholders standing for component k > 0 of an A dequeue that is paired elsewhere: B name → A tensor. */
  extraCuts: Map<string, { node: string; port: number }>;
  /** B name → the A tensor it stands for, for input comparison (cut components). */
  bAlias: Map<string, { node: string; port: number }>;
  rounds: number;
}

const COMPONENT_RE = /^(.*)\/component_(\d+)(?:_\d+)?$/;

export function matchByName(a: Side, b: Side): Matching {
  const m: Matching = { aToB: new Map(), bToA: new Map(), by: new Map(), extraCuts: new Map(), bAlias: new Map(), rounds: 0 };
  for (const name of a.byName.keys()) {
    if (b.byName.has(name)) {
      m.aToB.set(name, name);
      m.bToA.set(name, name);
    }
  }
  // §6.5: component k of dequeue D becomes placeholder `D/component_k` (`_n` when taken).
  for (const [name, node] of b.byName) {
    if (m.bToA.has(name) || node.op !== 'Placeholder') continue;
    const hit = COMPONENT_RE.exec(name);
    const deq = hit?.[1];
    if (deq === undefined || !isDequeueOp(a.byName.get(deq)?.op ?? '')) continue;
    const port = Number(hit?.[2]);
    m.bAlias.set(name, { node: deq, port });
    if (!m.aToB.has(deq)) {
      m.aToB.set(deq, name);
      m.bToA.set(name, deq);
    } else m.extraCuts.set(name, { node: deq, port });
  }
  return m;
}

/** Canonical A-side text of a B tensor, or undefined when its node is not matched (yet). */
export function bTensorInA(m: Matching, node: string, port: number): string | undefined {
  const alias = m.bAlias.get(node);
  if (alias) return `${alias.node}:${alias.port + port}`;
  const a = m.bToA.get(node);
  return a === undefined ? undefined : `${a}:${port}`;
}

export interface SignatureOptions {
  maxRounds: number;
  /** A node → the A tensor it is an alias of (reads folded away by freezing). */
  aFold: ReadonlyMap<string, { node: string; port: number }>;
  /** Nodes of either side that must not be paired by signature. */
  skipA: ReadonlySet<string>;
  skipB: ReadonlySet<string>;
}

/** Canonical A tensor text, through folded reads. */
export function aTensor(fold: ReadonlyMap<string, { node: string; port: number }>, node: string, port: number): string {
  let cur = { node, port };
  for (let hops = 0; hops < 8; hops++) {
    const f = fold.get(cur.node);
    if (!f) break;
    cur = { node: f.node, port: f.port + cur.port };
  }
  return `${cur.node}:${cur.port}`;
}

/**
 * Signature rounds over the nodes no name matched. Each round builds keys for the unmatched
 * nodes of both sides and pairs keys held by exactly one node per side.
 */
export function matchBySignature(a: Side, b: Side, m: Matching, options: SignatureOptions): void {
  let openA = a.nodes.map((n) => n.name ?? '').filter((n) => !m.aToB.has(n) && !options.skipA.has(n) && !options.aFold.has(n));
  let openB = b.nodes.map((n) => n.name ?? '').filter((n) => !m.bToA.has(n) && !options.skipB.has(n) && !m.bAlias.has(n));
  if (openA.length === 0 || openB.length === 0) return;
  const fingerprints = new Map<string, string>();
  const fp = (side: 'a' | 'b', node: NodeDef): string => {
    const k = `${side}\u0000${node.name ?? ''}`;
    let f = fingerprints.get(k);
    if (f === undefined) {
      f = attrFingerprint(node.attr);
      fingerprints.set(k, f);
    }
    return f;
  };
  // Consumers (data edges) of the open nodes, for backward keys.
  const consA = a.consumers(new Set(openA));
  const consB = b.consumers(new Set(openB));

  const forwardA = (name: string, withAttrs: boolean): string | undefined => {
    const n = a.byName.get(name) as NodeDef;
    const ins = a.data(name);
    if (ins.length === 0) return `${n.op ?? ''}|()|${fp('a', n)}`;
    let matched = 0;
    const parts = ins.map((r) => {
      const t = aTensor(options.aFold, r.node, r.port);
      const node = t.slice(0, t.lastIndexOf(':'));
      if (m.aToB.has(node)) {
        matched++;
        return t;
      }
      return '?';
    });
    if (matched === 0) return undefined;
    return `${n.op ?? ''}|${parts.join(',')}${withAttrs ? `|${fp('a', n)}` : ''}`;
  };
  const forwardB = (name: string, withAttrs: boolean): string | undefined => {
    const n = b.byName.get(name) as NodeDef;
    const ins = b.data(name);
    if (ins.length === 0) return `${n.op ?? ''}|()|${fp('b', n)}`;
    let matched = 0;
    const parts = ins.map((r) => {
      const t = bTensorInA(m, r.node, r.port);
      if (t === undefined) return '?';
      matched++;
      return t;
    });
    if (matched === 0) return undefined;
    return `${n.op ?? ''}|${parts.join(',')}${withAttrs ? `|${fp('b', n)}` : ''}`;
  };
  const backwardA = (name: string): string | undefined => {
    const list = (consA.get(name) ?? []).filter((c) => m.aToB.has(c.node)).map((c) => `${c.node}@${c.slot}`);
    return list.length === 0 ? undefined : `${a.byName.get(name)?.op ?? ''}<${list.sort().join(',')}`;
  };
  const backwardB = (name: string): string | undefined => {
    const list: string[] = [];
    for (const c of consB.get(name) ?? []) {
      const an = m.bToA.get(c.node);
      if (an !== undefined) list.push(`${an}@${c.slot}`);
    }
    return list.length === 0 ? undefined : `${b.byName.get(name)?.op ?? ''}<${list.sort().join(',')}`;
  };

  const pairUnique = (keyA: (n: string) => string | undefined, keyB: (n: string) => string | undefined): number => {
    const groups = new Map<string, { a: string[]; b: string[] }>();
    for (const n of openA) {
      const k = keyA(n);
      if (k === undefined) continue;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { a: [], b: [] }));
      g.a.push(n);
    }
    for (const n of openB) {
      const k = keyB(n);
      if (k === undefined) continue;
      const g = groups.get(k);
      if (g) g.b.push(n);
    }
    let found = 0;
    for (const g of groups.values()) {
      if (g.a.length !== 1 || g.b.length !== 1) continue;
      const an = g.a[0] as string;
      const bn = g.b[0] as string;
      if (m.aToB.has(an) || m.bToA.has(bn)) continue;
      m.aToB.set(an, bn);
      m.bToA.set(bn, an);
      m.by.set(an, 'signature');
      found++;
    }
    return found;
  };

  for (let round = 0; round < options.maxRounds; round++) {
    m.rounds = round + 1;
    let found = pairUnique((n) => forwardA(n, false), (n) => forwardB(n, false));
    found += pairUnique((n) => forwardA(n, true), (n) => forwardB(n, true));
    found += pairUnique(backwardA, backwardB);
    if (found === 0) break;
    openA = openA.filter((n) => !m.aToB.has(n));
    openB = openB.filter((n) => !m.bToA.has(n));
    if (openA.length === 0 || openB.length === 0) break;
  }
}
