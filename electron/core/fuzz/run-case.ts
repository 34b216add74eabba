/**
 * Runs one fuzz input and classifies what happened (issue #8). Allowed: success, or a
 * FrostError (errors.ts: every failure a user can cause is one). Failures: any other
 * exception (a reader bug), and an allocation out of proportion to the input, checked
 * *before* it happens: while an input runs, the typed-array, ArrayBuffer, Array and Buffer
 * allocators are wrapped so every allocation by size is compared with the bytes really on
 * disk. Hangs are caught by the caller (the fuzz driver runs this in a worker thread it can
 * terminate).
 */
import { FrostError } from '../errors.js';
import { fuzzTarget, type FuzzSeed, type FuzzTarget } from './targets.js';

export type FuzzOutcome =
  | { kind: 'ok' }
  | { kind: 'typed'; code: string }
  | { kind: 'crash'; error: string }
  | { kind: 'over-allocation'; error: string };

/**
 * Largest single allocation allowed for an input of `inputBytes` bytes: what any reader
 * needs (a tensor widened from int4 or float8 takes up to 8× its stored bytes, a decoded
 * snappy block up to ~21×, a frozen graph holds the graph plus the weights) with room, and a
 * floor for fixed-size buffers (the freezer's 1 MiB write buffer, 8 MiB shard read chunks).
 */
export function allocationBound(inputBytes: number): number {
  return Math.max(32 * 1024 * 1024, 64 * inputBytes);
}

class OverAllocation extends Error {
  override readonly name = 'OverAllocation';
}

export type Check = (bytes: number, what: string) => void;

const SIZED_CONSTRUCTORS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Array',
] as const;

/** Bytes per element of a sized constructor (an Array slot is a pointer). */
function elementBytes(name: (typeof SIZED_CONSTRUCTORS)[number]): number {
  if (name === 'Array' || name.startsWith('Float64') || name.startsWith('Big')) return 8;
  if (name.includes('32')) return 4;
  if (name.includes('16')) return 2;
  return 1;
}

/**
 * Wraps the global constructors (`new Uint8Array(n)`, `new Array(n)`, …) and Node's Buffer
 * allocators so that each allocation by size is checked first. Proxies keep `instanceof`,
 * statics and prototypes intact. Returns the function that undoes it.
 */
export function watchAllocations(check: Check): () => void {
  const g = globalThis as unknown as Record<string, unknown>;
  const savedGlobals = new Map<string, unknown>();
  for (const name of SIZED_CONSTRUCTORS) {
    const original = g[name];
    if (typeof original !== 'function') continue;
    savedGlobals.set(name, original);
    const per = elementBytes(name);
    g[name] = new Proxy(original, {
      construct(target, args: unknown[], newTarget) {
        const n = args[0];
        if (typeof n === 'number' && args.length === 1) check(n * per, `new ${name}(${n})`);
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget) as object;
      },
      apply(target, self, args: unknown[]) {
        const n = args[0];
        if (name === 'Array' && typeof n === 'number' && args.length === 1) check(n * per, `Array(${n})`);
        return Reflect.apply(target, self, args) as unknown;
      },
    });
  }
  type BufferAlloc = (size: number, ...rest: never[]) => Buffer;
  const B = Buffer as unknown as Record<'alloc' | 'allocUnsafe' | 'allocUnsafeSlow', BufferAlloc>;
  const savedBuffer = { alloc: B.alloc, allocUnsafe: B.allocUnsafe, allocUnsafeSlow: B.allocUnsafeSlow };
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = savedBuffer[name];
    B[name] = function (this: unknown, size: number, ...rest: never[]): Buffer {
      check(size, `Buffer.${name}(${size})`);
      return original.call(this, size, ...rest);
    };
  }
  return () => {
    for (const [name, original] of savedGlobals) g[name] = original;
    Object.assign(B, savedBuffer);
  };
}

export function totalBytes(seed: FuzzSeed, member: string, bytes: Uint8Array): number {
  let total = 0;
  for (const [name, data] of Object.entries(seed.files)) total += name === member ? bytes.length : data.length;
  return total;
}

export async function runCase(target: string | FuzzTarget, seed: FuzzSeed, member: string, bytes: Uint8Array, scratch: string): Promise<FuzzOutcome> {
  const t = typeof target === 'string' ? fuzzTarget(target) : target;
  const bound = allocationBound(totalBytes(seed, member, bytes));
  let over: string | undefined;
  const check = (size: number, what: string): void => {
    if (typeof size === 'number' && size > bound) {
      over ??= `${what} of ${size} bytes for an input of ${totalBytes(seed, member, bytes)} bytes (bound ${bound})`;
      throw new OverAllocation(over);
    }
  };
  const restore = watchAllocations(check);
  try {
    await t.run(seed, member, bytes, scratch);
    return over === undefined ? { kind: 'ok' } : { kind: 'over-allocation', error: over };
  } catch (e) {
    // A FrostError raised after a refused allocation still means the reader tried it.
    if (over !== undefined) return { kind: 'over-allocation', error: over };
    if (e instanceof FrostError) return { kind: 'typed', code: e.code };
    const error = e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}` : String(e);
    return { kind: 'crash', error };
  } finally {
    restore();
  }
}
