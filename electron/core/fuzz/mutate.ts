/**
 * Seeded mutations for `npm run fuzz` (issue #8). Each operator imitates a way real files get
 * damaged or forged: flipped bits (bad disks, bad copies), inserted/deleted bytes (broken
 * transfers), truncation (an interrupted save), inflated length and size fields (the varint
 * lengths of protobufs and block handles, tf-formats.md §2, and fixed-width sizes, forged to
 * make a reader allocate), and swapped or duplicated blocks (a shuffled file). The same seed
 * always gives the same inputs, so every failure can be replayed.
 */
import { seededUint32 } from '../seeded-random.js';

/** The fuzzer's seeded choices (mulberry32, see seeded-random.ts). */
export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededUint32(seed);
  }

  /** 0 ≤ result < n (n ≥ 1). */
  int(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick() from an empty list');
    return item;
  }
}

export const MUTATION_OPS = [
  'bit-flip',
  'byte-set',
  'insert-bytes',
  'delete-bytes',
  'truncate',
  'inflate-varint',
  'inflate-fixed',
  'swap-blocks',
  'duplicate-block',
] as const;
export type MutationOp = (typeof MUTATION_OPS)[number] | 'insert-token';

/** Values forged into size fields: just past the file, at the 31/32/53/64-bit edges. */
function bigValues(fileSize: number): number[] {
  return [fileSize + 1, fileSize * 64 + 7, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63];
}

function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = BigInt(Math.floor(value));
  if (v < 0n) v = 0n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n && out.length < 10);
  return Uint8Array.from(out);
}

function splice(bytes: Uint8Array, at: number, removeCount: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - removeCount + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + removeCount), at + insert.length);
  return out;
}

/**
 * Tokens that stress the text-format parser (pbtxt, the checkpoint state file): deep nesting,
 * numbers at the edge of what fits, open strings and escapes, huge repeated dims.
 */
const TEXT_TOKENS = [
  '{',
  '}',
  '<',
  '>',
  ':',
  '"',
  "'",
  '\\',
  '\\x',
  '\\777',
  '#',
  '\n',
  '[',
  ']',
  ',',
  '-',
  '1e309',
  '-nan',
  'inf',
  '0x7fffffffffffffffff',
  '18446744073709551616',
  '99999999999999999999999',
  ' dim { size: 9007199254740993 } ',
  ' tensor_shape { dim { size: -1 } dim { size: 4294967296 } } ',
  ' int_val: 2147483648 ',
  ' dtype: DT_STRING ',
  ' node { name: "x" op: "Const" } ',
  ' [type.googleapis.com/tensorflow.GraphDef] { ',
];

function insertToken(bytes: Uint8Array, rng: Rng): Uint8Array {
  const enc = new TextEncoder();
  // One in five: a deep nest, to hit recursion limits rather than a stack overflow.
  const token = rng.int(5) === 0 ? 'a { '.repeat(200 + rng.int(20_000)) : rng.pick(TEXT_TOKENS);
  return splice(bytes, rng.int(bytes.length + 1), 0, enc.encode(token));
}

export function applyOp(op: MutationOp, input: Uint8Array, rng: Rng): Uint8Array {
  const n = input.length;
  if (op === 'insert-token') return insertToken(input, rng);
  if (n === 0) return op === 'insert-bytes' ? Uint8Array.from([rng.int(256)]) : input;
  switch (op) {
    case 'bit-flip': {
      const out = Uint8Array.from(input);
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) {
        const at = rng.int(n);
        out[at] = (out[at] ?? 0) ^ (1 << rng.int(8));
      }
      return out;
    }
    case 'byte-set': {
      const out = Uint8Array.from(input);
      out[rng.int(n)] = rng.pick([0x00, 0xff, 0x7f, 0x80, rng.int(256)]);
      return out;
    }
    case 'insert-bytes': {
      const len = 1 + rng.int(rng.int(4) === 0 ? 256 : 8);
      const ins = new Uint8Array(len);
      for (let i = 0; i < len; i++) ins[i] = rng.int(256);
      return splice(input, rng.int(n + 1), 0, ins);
    }
    case 'delete-bytes': {
      const at = rng.int(n);
      const len = 1 + rng.int(Math.min(n - at, rng.int(4) === 0 ? 256 : 8));
      return splice(input, at, len, new Uint8Array(0));
    }
    case 'truncate':
      return input.slice(0, rng.int(n));
    case 'inflate-varint': {
      // Replace the varint starting at a random byte by a large one (a forged length or size).
      const at = rng.int(n);
      let end = at;
      while (end < n && end - at < 10 && ((input[end] ?? 0) & 0x80) !== 0) end++;
      end = Math.min(end + 1, n);
      return splice(input, at, end - at, encodeVarint(rng.pick(bigValues(n))));
    }
    case 'inflate-fixed': {
      // Overwrite 4 or 8 bytes with a large little-endian size (CRCs, lengths, offsets).
      const width = rng.int(2) === 0 ? 4 : 8;
      const out = Uint8Array.from(input);
      const at = rng.int(n);
      let v = BigInt(Math.min(rng.pick(bigValues(n)), 2 ** 64 - 1));
      for (let i = 0; i < width && at + i < n; i++) {
        out[at + i] = Number(v & 0xffn);
        v >>= 8n;
      }
      return out;
    }
    case 'swap-blocks': {
      if (n < 4) return input;
      const len = 1 + rng.int(Math.max(1, Math.floor(n / 4)));
      const a = rng.int(n - len + 1);
      const b = rng.int(n - len + 1);
      const out = Uint8Array.from(input);
      out.set(input.subarray(b, b + len), a);
      out.set(input.subarray(a, a + len), b);
      return out;
    }
    case 'duplicate-block': {
      const len = 1 + rng.int(Math.min(n, 512));
      const from = rng.int(n - len + 1);
      return splice(input, rng.int(n + 1), 0, input.slice(from, from + len));
    }
  }
}

/** One to four stacked operators; text inputs also get parser-stressing tokens. */
export function mutate(input: Uint8Array, rng: Rng, text = false): { bytes: Uint8Array; ops: MutationOp[] } {
  const ops: MutationOp[] = [];
  let bytes = input;
  const count = 1 + rng.int(rng.int(3) === 0 ? 4 : 2);
  for (let i = 0; i < count; i++) {
    const op: MutationOp = text && rng.int(3) === 0 ? 'insert-token' : rng.pick(MUTATION_OPS);
    ops.push(op);
    bytes = applyOp(op, bytes, rng);
  }
  return { bytes, ops };
}
