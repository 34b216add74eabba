/**
 * Message → protobuf text format, in the layout TensorFlow's own writers use: fields in
 * field-number order, two-space indent, proto3 defaults left out (oneof members are printed
 * even when default, since their presence is the value, §7), map entries sorted by key.
 * Used for the `checkpoint` state file (§1.2) and `.pbtxt` output. Unknown fields kept by
 * the decoder have no names and are not printed.
 */
import protobuf from 'protobufjs';
import { Long } from './tf.js';
import { sortedMapKeys } from './map-order.js';
import { fieldsByNumber, findMessageType, messageType, protoName, staticClass, type ReflectField, type ReflectType } from './reflection.js';

const utf8 = new TextEncoder();

type Fields = Record<string, unknown>;

function octal(b: number): string {
  return `\\${b.toString(8).padStart(3, '0')}`;
}

/** C-style escaping; `bytes` fields escape every non-ASCII byte, `string` fields keep UTF-8. */
function quote(bytes: Uint8Array, keepUtf8: boolean): string {
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b >= 0x80 && keepUtf8) {
      // Copy a whole UTF-8 sequence (string fields were validated by the decoder).
      let end = i + 1;
      while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end++;
      out += Buffer.from(bytes.subarray(i, end)).toString('utf8');
      i = end;
      continue;
    } else out += octal(b);
    i++;
  }
  return `${out}"`;
}

function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The shortest decimal that reads back as the same float32. */
function formatFloat(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatDouble(v);
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === Math.fround(v)) return s;
  }
  return String(v);
}

function formatInteger(v: unknown): string {
  if (Long.isLong(v)) return (v as Long).toString();
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') return String(v);
  return '0';
}

function isDefaultScalar(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false || v === 0n) return true;
  if (Long.isLong(v)) return (v as Long).isZero();
  return v instanceof Uint8Array && v.length === 0;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return utf8.encode(typeof v === 'string' ? v : String(v));
}

class Printer {
  private readonly out: string[] = [];

  line(indent: string, s: string): void {
    this.out.push(`${indent}${s}\n`);
  }

  text(): string {
    return this.out.join('');
  }

  scalar(type: string, resolved: protobuf.Type | protobuf.Enum | null, v: unknown): string {
    if (resolved instanceof protobuf.Enum) {
      const n = Number(v);
      return resolved.valuesById[n] ?? String(n);
    }
    switch (type) {
      case 'string':
        return quote(toBytes(v), true);
      case 'bytes':
        return quote(toBytes(v), false);
      case 'bool':
        return v ? 'true' : 'false';
      case 'float':
        return formatFloat(Number(v));
      case 'double':
        return formatDouble(Number(v));
      default:
        return formatInteger(v);
    }
  }

  message(msg: Fields, t: ReflectType, indent: string): void {
    if (this.expandedAny(msg, t, indent)) return;
    for (const f of fieldsByNumber(t)) this.field(msg, f, indent);
  }

  /** An Any whose type Frost knows is printed in the expanded `[url] { ... }` form (§8.10). */
  private expandedAny(msg: Fields, t: ReflectType, indent: string): boolean {
    if (t.fullName !== '.tensorflow.Any') return false;
    const url = msg['typeUrl'];
    const value = msg['value'];
    if (typeof url !== 'string' || !(value instanceof Uint8Array)) return false;
    const name = url.slice(url.lastIndexOf('/') + 1);
    const target = findMessageType(name);
    if (target === undefined || url.includes(']')) return false;
    let decoded: object;
    try {
      decoded = staticClass(name).decode(value);
    } catch {
      return false;
    }
    this.line(indent, `[${url}] {`);
    this.message(decoded as Fields, target, `${indent}  `);
    this.line(indent, '}');
    return true;
  }

  private field(msg: Fields, f: ReflectField, indent: string): void {
    const name = protoName(f);
    const v = msg[f.name];
    if (f instanceof protobuf.MapField) {
      if (v === null || typeof v !== 'object') return;
      for (const key of sortedMapKeys(Object.keys(v), f.keyType)) {
        this.line(indent, `${name} {`);
        this.line(`${indent}  `, `key: ${this.scalar(f.keyType, null, mapKeyValue(key, f.keyType))}`);
        this.value(`${indent}  `, 'value', f, (v as Fields)[key]);
        this.line(indent, '}');
      }
      return;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) return;
      for (const item of v as unknown[]) this.value(indent, name, f, item);
      return;
    }
    if (v === undefined || v === null) return;
    const isMessage = f.resolvedType instanceof protobuf.Type;
    // Proto3 leaves defaults out, except oneof members, whose presence is the value (§7).
    if (!isMessage && f.partOf === null && isDefaultScalar(v)) return;
    this.value(indent, name, f, v);
  }

  private value(indent: string, name: string, f: ReflectField, v: unknown): void {
    const resolved = f.resolvedType;
    if (resolved instanceof protobuf.Type) {
      this.line(indent, `${name} {`);
      if (v !== null && typeof v === 'object') this.message(v as Fields, resolved, `${indent}  `);
      this.line(indent, '}');
    } else {
      this.line(indent, `${name}: ${this.scalar(f.type, resolved, v)}`);
    }
  }
}

function mapKeyValue(key: string, keyType: string): unknown {
  if (keyType === 'bool') return key === 'true';
  return key;
}

/** Prints `message` (a decoded static object or plain props of `typeName`) as text format. */
export function printTextProto(message: object, typeName: string): string {
  const p = new Printer();
  p.message(message as Fields, messageType(typeName), '');
  return p.text();
}
