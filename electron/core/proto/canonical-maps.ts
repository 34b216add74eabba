/**
 * Deterministic map order for encoding (tf-formats.md §10.1: TF's freezer serializes with
 * map entries sorted by key). protobufjs writes map entries in `Object.keys` order, so this
 * returns a copy of a message in which every map (at any depth) iterates in sorted key
 * order. Messages that need no change are shared, not copied; the input is never mutated.
 */
import protobuf from 'protobufjs';
import { messageType, type ReflectType } from './reflection.js';
import { sortedMapKeys } from './map-order.js';

type Fields = Record<string, unknown>;

/** Types that contain a map somewhere below them (fixpoint over the reachable types). */
const needsWork = new WeakMap<ReflectType, boolean>();

function messageFields(t: ReflectType): ReflectType[] {
  const out: ReflectType[] = [];
  for (const f of t.fieldsArray) if (f.resolvedType instanceof protobuf.Type) out.push(f.resolvedType);
  return out;
}

function computeNeeds(root: ReflectType): void {
  const reach: ReflectType[] = [root];
  const seen = new Set(reach);
  for (let i = 0; i < reach.length; i++) {
    for (const c of messageFields(reach[i] as ReflectType)) {
      if (!seen.has(c) && !needsWork.has(c)) {
        seen.add(c);
        reach.push(c);
      }
    }
  }
  const has = new Map<ReflectType, boolean>(reach.map((t) => [t, t.fieldsArray.some((f) => f instanceof protobuf.MapField)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of reach) {
      if (has.get(t)) continue;
      if (messageFields(t).some((c) => has.get(c) ?? needsWork.get(c) ?? false)) {
        has.set(t, true);
        changed = true;
      }
    }
  }
  for (const [t, v] of has) needsWork.set(t, v);
}

function needs(t: ReflectType): boolean {
  if (!needsWork.has(t)) computeNeeds(t);
  return needsWork.get(t) ?? false;
}

function cloneMessage(msg: object): Fields {
  // Descriptors keep non-enumerable `$unknowns` and the static class prototype.
  return Object.create(Object.getPrototypeOf(msg) as object, Object.getOwnPropertyDescriptors(msg)) as Fields;
}

function sortedMap(map: Fields, keyType: string, valueType: ReflectType | undefined): Fields {
  const keys = Object.keys(map);
  const sorted = sortedMapKeys(keys, keyType);
  let changed = sorted.some((k, i) => keys[i] !== k);
  const values = sorted.map((k) => {
    const v = map[k];
    const nv = valueType !== undefined && v !== null && typeof v === 'object' ? canonical(v, valueType) : v;
    if (nv !== v) changed = true;
    return nv;
  });
  if (!changed) return map;
  const out: Fields = {};
  sorted.forEach((k, i) => Object.defineProperty(out, k, { value: values[i], enumerable: true, writable: true, configurable: true }));
  const order = Object.keys(out);
  if (order.every((k, i) => k === sorted[i])) return out;
  // Integer-like keys ("7", "10") iterate numerically in any JS object; keep byte order anyway.
  return new Proxy(out, { ownKeys: () => [...sorted] });
}

function canonical(msg: object, t: ReflectType): object {
  if (!needs(t)) return msg;
  const src = msg as Fields;
  let out: Fields | undefined;
  for (const f of t.fieldsArray) {
    const v = src[f.name];
    if (v === null || v === undefined || typeof v !== 'object') continue;
    const rt = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    let nv: unknown = v;
    if (f instanceof protobuf.MapField) {
      nv = sortedMap(v as Fields, f.keyType, rt !== undefined && needs(rt) ? rt : undefined);
    } else if (rt !== undefined && needs(rt)) {
      if (Array.isArray(v)) {
        const items = (v as unknown[]).map((x) => (x !== null && typeof x === 'object' ? canonical(x, rt) : x));
        if (items.some((x, i) => x !== (v as unknown[])[i])) nv = items;
      } else {
        nv = canonical(v, rt);
      }
    }
    if (nv !== v) {
      out ??= cloneMessage(msg);
      out[f.name] = nv;
    }
  }
  return out ?? msg;
}

/** `msg` (of message type `typeName`) with every map in sorted key order, ready to encode. */
export function withSortedMaps<T extends object>(msg: T, typeName: string): T {
  return canonical(msg, messageType(typeName)) as T;
}
