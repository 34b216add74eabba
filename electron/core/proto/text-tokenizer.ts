/**
 * Tokens of protobuf text format (the `.pbtxt` files TF writes and the `checkpoint` state
 * file, tf-formats.md §1.2): identifiers, numbers, quoted strings (already unescaped to
 * bytes), and single-character symbols. Every token carries its line and column so parse
 * errors can point at the exact place in the user's file.
 */
import { FrostError } from '../errors.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: the text including quotes). */
  text: string;
  /** For strings: the unescaped bytes. */
  bytes?: Uint8Array;
  line: number;
  col: number;
}

const utf8 = new TextEncoder();

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
function hexValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export class Tokenizer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private peeked: Token | undefined;

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  error(at: Pick<Token, 'line' | 'col'>, message: string): FrostError {
    return new FrostError('CORRUPT', `${this.file}:${at.line}:${at.col}: ${message}`, { file: this.file });
  }

  private skipSpaceAndComments(): void {
    const s = this.text;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x0a) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xfeff) {
        this.pos++;
      } else if (c === 0x23 /* # */) {
        while (this.pos < s.length && s.charCodeAt(this.pos) !== 0x0a) this.pos++;
      } else {
        return;
      }
    }
  }

  private scan(): Token {
    this.skipSpaceAndComments();
    const s = this.text;
    const line = this.line;
    const col = this.pos - this.lineStart + 1;
    const start = this.pos;
    if (this.pos >= s.length) return { kind: 'eof', text: '', line, col };
    const c = s.charCodeAt(this.pos);
    if (isIdentStart(c)) {
      this.pos++;
      while (this.pos < s.length && isIdentPart(s.charCodeAt(this.pos))) this.pos++;
      return { kind: 'ident', text: s.slice(start, this.pos), line, col };
    }
    if (isDigit(c) || (c === 0x2e && isDigit(s.charCodeAt(this.pos + 1)))) {
      this.scanNumber();
      return { kind: 'number', text: s.slice(start, this.pos), line, col };
    }
    if (c === 0x22 || c === 0x27) {
      const bytes = this.scanString(c, line, col);
      return { kind: 'string', text: s.slice(start, this.pos), bytes, line, col };
    }
    // Any other character is a one-character symbol; surrogate pairs stay whole for messages.
    const cp = s.codePointAt(this.pos) ?? c;
    this.pos += cp > 0xffff ? 2 : 1;
    return { kind: 'symbol', text: String.fromCodePoint(cp), line, col };
  }

  /** Decimal, hex (0x..), octal (0..) integers and floats with exponent and f suffix. */
  private scanNumber(): void {
    const s = this.text;
    const c0 = s.charCodeAt(this.pos);
    const c1 = s.charCodeAt(this.pos + 1);
    if (c0 === 0x30 && (c1 === 0x78 || c1 === 0x58)) {
      this.pos += 2;
      while (this.pos < s.length && hexValue(s.charCodeAt(this.pos)) >= 0) this.pos++;
    } else {
      while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) this.pos++;
      if (s.charCodeAt(this.pos) === 0x2e) {
        this.pos++;
        while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) this.pos++;
      }
      const e = s.charCodeAt(this.pos);
      if (e === 0x65 || e === 0x45) {
        const sign = s.charCodeAt(this.pos + 1);
        const first = sign === 0x2b || sign === 0x2d ? this.pos + 2 : this.pos + 1;
        if (isDigit(s.charCodeAt(first))) {
          this.pos = first;
          while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) this.pos++;
        }
      }
      const f = s.charCodeAt(this.pos);
      if (f === 0x66 || f === 0x46) this.pos++;
    }
    // `12abc` is one bad token, not a number followed by a field name.
    while (this.pos < s.length && isIdentPart(s.charCodeAt(this.pos))) this.pos++;
  }

  /** C escapes as protobuf's text format defines them (§1.2); the result is raw bytes. */
  private scanString(quote: number, line: number, col: number): Uint8Array {
    const s = this.text;
    const out: number[] = [];
    this.pos++;
    let runStart = this.pos;
    const flush = (end: number): void => {
      if (end > runStart) for (const b of utf8.encode(s.slice(runStart, end))) out.push(b);
    };
    for (;;) {
      if (this.pos >= s.length || s.charCodeAt(this.pos) === 0x0a) {
        throw this.error({ line, col }, 'expected the closing quote of this string but found the end of the line');
      }
      const c = s.charCodeAt(this.pos);
      if (c === quote) {
        flush(this.pos);
        this.pos++;
        return Uint8Array.from(out);
      }
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      flush(this.pos);
      const escCol = this.pos - this.lineStart + 1;
      this.pos++;
      const e = s.charCodeAt(this.pos);
      this.pos++;
      switch (e) {
        case 0x6e: out.push(0x0a); break; // \n
        case 0x74: out.push(0x09); break; // \t
        case 0x72: out.push(0x0d); break; // \r
        case 0x61: out.push(0x07); break; // \a
        case 0x62: out.push(0x08); break; // \b
        case 0x66: out.push(0x0c); break; // \f
        case 0x76: out.push(0x0b); break; // \v
        case 0x3f: out.push(0x3f); break; // \?
        case 0x5c: out.push(0x5c); break;
        case 0x22: out.push(0x22); break;
        case 0x27: out.push(0x27); break;
        case 0x78:
        case 0x58: {
          // \xNN: one or two hex digits.
          let v = 0;
          let n = 0;
          while (n < 2 && hexValue(s.charCodeAt(this.pos)) >= 0) {
            v = v * 16 + hexValue(s.charCodeAt(this.pos));
            this.pos++;
            n++;
          }
          if (n === 0) throw this.error({ line, col: escCol }, 'expected hex digits after \\x but found none');
          out.push(v);
          break;
        }
        case 0x75:
        case 0x55: {
          // \uXXXX and \UXXXXXXXX: a code point, written as UTF-8.
          const digits = e === 0x75 ? 4 : 8;
          let v = 0;
          for (let i = 0; i < digits; i++) {
            const h = hexValue(s.charCodeAt(this.pos));
            if (h < 0) throw this.error({ line, col: escCol }, `expected ${digits} hex digits after \\${String.fromCharCode(e)} but found fewer`);
            v = v * 16 + h;
            this.pos++;
          }
          if (v > 0x10ffff) throw this.error({ line, col: escCol }, `expected a Unicode code point but found \\U${v.toString(16)}`);
          for (const b of utf8.encode(String.fromCodePoint(v))) out.push(b);
          break;
        }
        default: {
          if (e >= 0x30 && e <= 0x37) {
            // \NNN: one to three octal digits.
            let v = e - 0x30;
            let n = 1;
            while (n < 3) {
              const d = s.charCodeAt(this.pos);
              if (!(d >= 0x30 && d <= 0x37)) break;
              v = v * 8 + (d - 0x30);
              this.pos++;
              n++;
            }
            if (v > 0xff) throw this.error({ line, col: escCol }, `expected an octal escape up to \\377 but found one worth ${v}`);
            out.push(v);
            break;
          }
          const shown = Number.isNaN(e) ? 'the end of the file' : `\\${String.fromCharCode(e)}`;
          throw this.error({ line, col: escCol }, `expected a string escape (\\n \\t \\" \\' \\\\ \\NNN \\xNN) but found ${shown}`);
        }
      }
      runStart = this.pos;
    }
  }
}

/** How a token is named in "expected X but found Y" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'string':
      return `the string ${t.text.length > 40 ? `${t.text.slice(0, 37)}...` : t.text}`;
    case 'number':
      return `the number ${t.text}`;
    case 'ident':
      return `"${t.text}"`;
    case 'symbol':
      return `'${t.text}'`;
  }
}
