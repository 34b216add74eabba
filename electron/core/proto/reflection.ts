/**
 * Reflection over Frost's own schema, for the code that must work on any message type by
 * name (the text-format parser and printer, map canonicalization before writing). It reads
 * the JSON descriptor that `npm run gen:proto` writes next to the static code; binary
 * decoding itself always goes through the static classes in `tf.ts`.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { Reader } from 'protobufjs';
import { tensorflow } from './tf.js';

export type ReflectType = protobuf.Type;
export type ReflectField = protobuf.Field;
export type ReflectEnum = protobuf.Enum;

let root: protobuf.Root | undefined;

function schemaRoot(): protobuf.Root {
  if (root === undefined) {
    const json = JSON.parse(readFileSync(new URL('./generated/tf.json', import.meta.url), 'utf8')) as protobuf.INamespace;
    root = protobuf.Root.fromJSON(json);
    root.resolveAll();
  }
  return root;
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

/** Lookups are by name on hot paths (one per node written): remember each answer. */
const typeCache = new Map<string, ReflectType | undefined>();

/** The message type named `fullName` (e.g. `tensorflow.GraphDef`), or undefined. */
export function findMessageType(fullName: string): ReflectType | undefined {
  if (typeCache.has(fullName)) return typeCache.get(fullName);
  const found = schemaRoot().lookup(stripDot(fullName));
  const t = found instanceof protobuf.Type ? found : undefined;
  typeCache.set(fullName, t);
  return t;
}

export function messageType(fullName: string): ReflectType {
  const t = findMessageType(fullName);
  if (t === undefined) throw new Error(`Frost's schema has no message type ${fullName}.`);
  return t;
}

/** `tensorflow.GraphDef`, without protobufjs's leading dot. */
export function typeName(t: ReflectType | ReflectEnum): string {
  return stripDot(t.fullName);
}

/** Fields in field-number order: the order TF's printers and deterministic writers use. */
const sortedFieldsCache = new WeakMap<ReflectType, readonly ReflectField[]>();
export function fieldsByNumber(t: ReflectType): readonly ReflectField[] {
  let fields = sortedFieldsCache.get(t);
  if (fields === undefined) {
    fields = [...t.fieldsArray].sort((a, b) => a.id - b.id);
    sortedFieldsCache.set(t, fields);
  }
  return fields;
}

/** The proto (snake_case) name of a field, which is what text format uses. */
export function protoName(f: ReflectField): string {
  return f.protoName || f.name;
}

export interface StaticMessageClass {
  decode(reader: Reader | Uint8Array, length?: number): object;
}

/** The generated static class for a message type name, e.g. `tensorflow.MetaGraphDef.MetaInfoDef`. */
export function staticClass(fullName: string): StaticMessageClass {
  const parts = stripDot(fullName).split('.');
  if (parts[0] !== 'tensorflow') throw new Error(`No static class for ${fullName}.`);
  let cur: unknown = tensorflow;
  for (const p of parts.slice(1)) {
    cur = cur !== null && (typeof cur === 'object' || typeof cur === 'function') ? (cur as Record<string, unknown>)[p] : undefined;
  }
  if (typeof cur !== 'function' || typeof (cur as unknown as { decode?: unknown }).decode !== 'function') {
    throw new Error(`No static class for ${fullName}.`);
  }
  return cur as unknown as StaticMessageClass;
}

type Namespace = typeof tensorflow;
type Lookup<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T ? Lookup<T[H], R> : never
  : P extends keyof T ? T[P] : never;

/** The decoded static-class instance type for a name like `tensorflow.GraphDef`. */
export type MessageOf<N extends string> = N extends `tensorflow.${infer P}`
  ? Lookup<Namespace, P> extends { decode(reader: Reader | Uint8Array, length?: number): infer I } ? I : never
  : never;
