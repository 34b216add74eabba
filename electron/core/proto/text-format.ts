/**
 * Protobuf text format → the same static-class objects binary decoding returns. Used for
 * `graph.pbtxt`, text MetaGraphDefs and the `checkpoint` state file (tf-formats.md §1.2).
 *
 * The parser is driven by reflection over our own schema and writes binary wire format as
 * it goes; the result is decoded with the static class. That makes text merge semantics
 * exactly TensorFlow's (repeated fields append, a repeated singular field: last one wins,
 * a repeated singular message: merged) and keeps one decoded representation in Frost.
 */
import protobuf from 'protobufjs';
import { FrostError } from '../errors.js';
import { Long } from './tf.js';
import {
  findMessageType,
  messageType,
  protoName,
  staticClass,
  typeName,
  type MessageOf,
  type ReflectEnum,
  type ReflectField,
  type ReflectType,
} from './reflection.js';
import { Tokenizer, describeToken, type Token } from './text-tokenizer.js';

export { printTextProto } from './text-print.js';

type Writer = protobuf.Writer;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Deeper nesting than protobuf's own decoder accepts is refused up front. */
const MAX_DEPTH = 100;

/** One field as the parser needs it; map entries get a synthetic key/value pair of these. */
interface FieldSpec {
  name: string;
  id: number;
  /** Scalar type name (`int64`, `string`, ...) when not a message or enum. */
  scalar: string | undefined;
  message: MessageSpec | undefined;
  enumType: ReflectEnum | undefined;
  repeated: boolean;
}

interface MessageSpec {
  fullName: string;
  /** google.protobuf.Any (ours is tensorflow.Any): accepts `[type.googleapis.com/T] { ... }`. */
  isAny: boolean;
  fields: Map<string, FieldSpec>;
}

const specCache = new WeakMap<ReflectType, MessageSpec>();

function specOf(t: ReflectType): MessageSpec {
  let spec = specCache.get(t);
  if (spec !== undefined) return spec;
  const fullName = typeName(t);
  spec = { fullName, isAny: fullName === 'tensorflow.Any' || fullName === 'google.protobuf.Any', fields: new Map() };
  specCache.set(t, spec);
  for (const f of t.fieldsArray) spec.fields.set(protoName(f), fieldSpec(f, fullName));
  return spec;
}

function valueSpec(name: string, id: number, typeStr: string, resolved: ReflectType | ReflectEnum | null, repeated: boolean): FieldSpec {
  const isMessage = resolved instanceof protobuf.Type;
  const isEnum = resolved instanceof protobuf.Enum;
  return {
    name,
    id,
    scalar: isMessage || isEnum ? undefined : typeStr,
    message: isMessage ? specOf(resolved) : undefined,
    enumType: isEnum ? resolved : undefined,
    repeated,
  };
}

function fieldSpec(f: ReflectField, parent: string): FieldSpec {
  const name = protoName(f);
  if (f instanceof protobuf.MapField) {
    // Text format writes a map as repeated `{ key: ... value: ... }` entries (§7).
    const entry: MessageSpec = {
      // Named as protoc names map entry types: `attr` → `AttrEntry`.
      fullName: `${parent}.${name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Entry`,
      isAny: false,
      fields: new Map([
        ['key', valueSpec('key', 1, f.keyType, null, false)],
        ['value', valueSpec('value', 2, f.type, f.resolvedType, false)],
      ]),
    };
    return { name, id: f.id, scalar: undefined, message: entry, enumType: undefined, repeated: true };
  }
  return valueSpec(name, f.id, f.type, f.resolvedType, f.repeated);
}

function tag(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

class TextParser {
  constructor(private readonly tok: Tokenizer) {}

  private fail(at: Token, expected: string, found = describeToken(at)): FrostError {
    return this.tok.error(at, `expected ${expected} but found ${found}`);
  }

  private isSymbol(t: Token, s: string): boolean {
    return t.kind === 'symbol' && t.text === s;
  }

  private expectSymbol(s: string, what = `'${s}'`): Token {
    const t = this.tok.next();
    if (!this.isSymbol(t, s)) throw this.fail(t, what);
    return t;
  }

  /** Fields until `close` ('}' or '>'), or until the end of the text for the top level. */
  parseBody(spec: MessageSpec, w: Writer, close: string | undefined, open: Token | undefined, depth: number): void {
    if (depth > MAX_DEPTH) throw this.fail(this.tok.peek(), `at most ${MAX_DEPTH} levels of nested messages`, 'deeper nesting');
    for (;;) {
      const t = this.tok.peek();
      if (t.kind === 'eof') {
        if (close === undefined) return;
        const opened = open ? ` (opened at ${open.line}:${open.col})` : '';
        throw this.fail(t, `'${close}' to close ${spec.fullName}${opened}`);
      }
      if (close !== undefined && this.isSymbol(t, close)) {
        this.tok.next();
        return;
      }
      if (this.isSymbol(t, '[')) this.parseExpandedAny(spec, w, depth);
      else this.parseField(spec, w, depth);
      const sep = this.tok.peek();
      if (this.isSymbol(sep, ',') || this.isSymbol(sep, ';')) this.tok.next();
    }
  }

  /** `[type.googleapis.com/tensorflow.QueueRunnerDef] { ... }` inside an Any (§8.10). */
  private parseExpandedAny(spec: MessageSpec, w: Writer, depth: number): void {
    const open = this.tok.next();
    let url = '';
    for (;;) {
      const t = this.tok.next();
      if (this.isSymbol(t, ']')) break;
      if (t.kind === 'eof' || this.isSymbol(t, '{') || this.isSymbol(t, '<')) throw this.fail(t, "']' to end the type name");
      url += t.text;
    }
    if (!spec.isAny) {
      throw this.fail(open, `a field of ${spec.fullName}`, `the extension [${url}] (extensions are not supported)`);
    }
    const slash = url.lastIndexOf('/');
    const target = slash >= 0 ? findMessageType(url.slice(slash + 1)) : undefined;
    if (target === undefined) throw this.fail(open, 'a type URL naming a message Frost knows, like [type.googleapis.com/tensorflow.QueueRunnerDef]', `[${url}]`);
    if (this.isSymbol(this.tok.peek(), ':')) this.tok.next();
    const brace = this.tok.next();
    const close = this.isSymbol(brace, '{') ? '}' : this.isSymbol(brace, '<') ? '>' : undefined;
    if (close === undefined) throw this.fail(brace, `'{' to start the ${typeName(target)} value`);
    w.uint32(tag(1, WIRE_LEN)).string(url);
    w.uint32(tag(2, WIRE_LEN)).fork();
    this.parseBody(specOf(target), w, close, brace, depth + 1);
    w.ldelim();
  }

  private parseField(spec: MessageSpec, w: Writer, depth: number): void {
    const nameTok = this.tok.next();
    if (nameTok.kind !== 'ident') throw this.fail(nameTok, `a field name of ${spec.fullName}`);
    const field = spec.fields.get(nameTok.text);
    if (field === undefined) throw this.fail(nameTok, `a field of ${spec.fullName}`, `unknown field "${nameTok.text}"`);
    if (field.message !== undefined) {
      // The colon is optional before a message value.
      if (this.isSymbol(this.tok.peek(), ':')) this.tok.next();
      if (this.isSymbol(this.tok.peek(), '[')) {
        this.requireRepeated(field, nameTok);
        this.parseList(() => this.parseMessageValue(field, w, depth));
      } else {
        this.parseMessageValue(field, w, depth);
      }
      return;
    }
    const colon = this.tok.next();
    if (!this.isSymbol(colon, ':')) throw this.fail(colon, `':' after ${field.name}`);
    if (this.isSymbol(this.tok.peek(), '[')) {
      this.requireRepeated(field, nameTok);
      this.parseList(() => this.parseScalarValue(field, w));
    } else {
      this.parseScalarValue(field, w);
    }
  }

  private requireRepeated(field: FieldSpec, at: Token): void {
    if (!field.repeated) throw this.fail(at, `a single value for ${field.name}`, `a [list] for a field that is not repeated`);
  }

  private parseList(item: () => void): void {
    this.expectSymbol('[');
    if (this.isSymbol(this.tok.peek(), ']')) {
      this.tok.next();
      return;
    }
    for (;;) {
      item();
      const t = this.tok.next();
      if (this.isSymbol(t, ']')) return;
      if (!this.isSymbol(t, ',')) throw this.fail(t, "',' or ']' in the list");
    }
  }

  private parseMessageValue(field: FieldSpec, w: Writer, depth: number): void {
    const brace = this.tok.next();
    const close = this.isSymbol(brace, '{') ? '}' : this.isSymbol(brace, '<') ? '>' : undefined;
    const spec = field.message as MessageSpec;
    if (close === undefined) throw this.fail(brace, `'{' to start ${field.name} (a ${spec.fullName})`);
    w.uint32(tag(field.id, WIRE_LEN)).fork();
    this.parseBody(spec, w, close, brace, depth + 1);
    w.ldelim();
  }

  /** An optional '-' then a number or identifier; returns the token and the sign. */
  private signed(): { t: Token; negative: boolean } {
    const first = this.tok.next();
    if (!this.isSymbol(first, '-')) return { t: first, negative: false };
    return { t: this.tok.next(), negative: true };
  }

  private parseScalarValue(field: FieldSpec, w: Writer): void {
    if (field.enumType !== undefined) {
      this.parseEnum(field, field.enumType, w);
      return;
    }
    const type = field.scalar as string;
    switch (type) {
      case 'string':
      case 'bytes': {
        const first = this.tok.next();
        if (first.kind !== 'string') throw this.fail(first, `a quoted string for ${field.name}`);
        const parts: Uint8Array[] = [first.bytes as Uint8Array];
        // Adjacent string literals concatenate, as in C.
        while (this.tok.peek().kind === 'string') parts.push(this.tok.next().bytes as Uint8Array);
        const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
        if (type === 'string') {
          try {
            strictUtf8.decode(bytes);
          } catch {
            throw this.fail(first, `UTF-8 text for the string field ${field.name}`, 'bytes that are not valid UTF-8');
          }
        }
        w.uint32(tag(field.id, WIRE_LEN)).bytes(bytes);
        return;
      }
      case 'bool': {
        const t = this.tok.next();
        const v = ['true', 'True', 't', '1'].includes(t.text) ? true : ['false', 'False', 'f', '0'].includes(t.text) ? false : undefined;
        if (v === undefined || t.kind === 'string') throw this.fail(t, `true or false for ${field.name}`);
        w.uint32(tag(field.id, WIRE_VARINT)).bool(v);
        return;
      }
      case 'float':
      case 'double': {
        const v = this.parseFloatValue(field);
        if (type === 'float') w.uint32(tag(field.id, WIRE_FIXED32)).float(v);
        else w.uint32(tag(field.id, WIRE_FIXED64)).double(v);
        return;
      }
      default:
        this.parseInteger(field, type, w);
    }
  }

  private parseFloatValue(field: FieldSpec): number {
    const { t, negative } = this.signed();
    let v: number | undefined;
    if (t.kind === 'ident') {
      const s = t.text.toLowerCase();
      if (s === 'inf' || s === 'infinity') v = Infinity;
      else if (s === 'nan') v = NaN;
    } else if (t.kind === 'number') {
      let s = t.text;
      if (/^0[xX]/.test(s)) {
        if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = Number(BigInt(s));
      } else {
        if (s.endsWith('f') || s.endsWith('F')) s = s.slice(0, -1);
        if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
      }
    }
    if (v === undefined) throw this.fail(t, `a number for ${field.name}`);
    return negative ? -v : v;
  }

  private parseInteger(field: FieldSpec, type: string, w: Writer): void {
    const range = INT_RANGES[type];
    if (range === undefined) throw this.fail(this.tok.peek(), `a field type Frost can parse`, `the type ${type} of ${field.name}`);
    const { t, negative } = this.signed();
    const v = this.integerOf(t, negative, field);
    if (v < range[0] || v > range[1]) throw this.fail(t, `a ${type} value for ${field.name}`, `${negative ? '-' : ''}${t.text}, which is out of range`);
    const n = Number(v);
    const long = (): Long => Long.fromString(v.toString(), type.startsWith('u') || type === 'fixed64');
    switch (type) {
      case 'int32': w.uint32(tag(field.id, WIRE_VARINT)).int32(n); break;
      case 'uint32': w.uint32(tag(field.id, WIRE_VARINT)).uint32(n); break;
      case 'sint32': w.uint32(tag(field.id, WIRE_VARINT)).sint32(n); break;
      case 'fixed32': w.uint32(tag(field.id, WIRE_FIXED32)).fixed32(n); break;
      case 'sfixed32': w.uint32(tag(field.id, WIRE_FIXED32)).sfixed32(n); break;
      case 'int64': w.uint32(tag(field.id, WIRE_VARINT)).int64(long()); break;
      case 'uint64': w.uint32(tag(field.id, WIRE_VARINT)).uint64(long()); break;
      case 'sint64': w.uint32(tag(field.id, WIRE_VARINT)).sint64(long()); break;
      case 'fixed64': w.uint32(tag(field.id, WIRE_FIXED64)).fixed64(long()); break;
      case 'sfixed64': w.uint32(tag(field.id, WIRE_FIXED64)).sfixed64(long()); break;
    }
  }

  /** Decimal, 0x hex or 0-prefixed octal, exact (int64 beyond 2^53 stays exact). */
  private integerOf(t: Token, negative: boolean, field: FieldSpec): bigint {
    const s = t.kind === 'number' ? t.text : '';
    let v: bigint | undefined;
    if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s);
    else if (/^0[0-7]+$/.test(s)) v = BigInt(`0o${s.slice(1)}`);
    else if (/^\d+$/.test(s)) v = BigInt(s);
    if (v === undefined) throw this.fail(t, `an integer for ${field.name}`);
    return negative ? -v : v;
  }

  private parseEnum(field: FieldSpec, e: ReflectEnum, w: Writer): void {
    const { t, negative } = this.signed();
    let v: number | undefined;
    if (t.kind === 'ident' && !negative) v = e.values[t.text];
    else if (t.kind === 'number') {
      // Our enums are open (proto3): numbers TF does not name yet are kept (§8.1).
      const n = this.integerOf(t, negative, field);
      if (n >= -(2n ** 31n) && n < 2n ** 31n) v = Number(n);
    }
    if (v === undefined) throw this.fail(t, `a value of enum ${typeName(e)} for ${field.name}`);
    w.uint32(tag(field.id, WIRE_VARINT)).int32(v);
  }
}

/** The wire-format bytes of `text` parsed as `typeName`. */
export function textProtoToBinary(text: string, typeName: string, file = '<text>'): Uint8Array {
  const spec = specOf(messageType(typeName));
  const w = protobuf.Writer.create();
  new TextParser(new Tokenizer(text, file)).parseBody(spec, w, undefined, undefined, 0);
  return w.finish();
}

/**
 * Parses protobuf text format into the decoded static-class object of `typeName`
 * (e.g. `tensorflow.GraphDef`). Errors are FrostError('CORRUPT') naming file:line:col.
 */
export function parseTextProto<N extends string>(text: string, typeName: N, file = '<text>'): MessageOf<N> {
  const bytes = textProtoToBinary(text, typeName, file);
  try {
    return staticClass(typeName).decode(bytes) as MessageOf<N>;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new FrostError('CORRUPT', `${file} could not be read as ${typeName}: ${why}.`, { file, cause: e });
  }
}

/**
 * The first top-level field name of a text proto (skipping comments), used to tell a text
 * GraphDef (`node`) from a text MetaGraphDef (`meta_info_def`, `graph_def`, ...).
 */
export function firstTextFieldName(text: string): string | undefined {
  try {
    const t = new Tokenizer(text, '<text>').next();
    return t.kind === 'ident' ? t.text : undefined;
  } catch {
    return undefined;
  }
}
