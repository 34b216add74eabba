import { describe, expect, it } from 'vitest';
import { FrostError } from '../errors.js';
import { applyOp, MUTATION_OPS, mutate, Rng } from './mutate.js';
import { allocationBound, runCase } from './run-case.js';
import type { FuzzSeed, FuzzTarget } from './targets.js';

const input = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff);

describe('mutations', () => {
  it('are reproducible from the seed', () => {
    const a = mutate(input, new Rng(42));
    const b = mutate(input, new Rng(42));
    const c = mutate(input, new Rng(43));
    expect(b).toEqual(a);
    expect(Buffer.compare(a.bytes, c.bytes) !== 0 || a.ops.join() !== c.ops.join()).toBe(true);
  });

  it('each operator changes the input the way it says', () => {
    const rng = new Rng(7);
    for (const op of MUTATION_OPS) {
      const out = applyOp(op, input, rng);
      expect(Buffer.compare(out, input), op).not.toBe(0);
      if (op === 'truncate') expect(out.length).toBeLessThan(input.length);
      if (op === 'insert-bytes' || op === 'duplicate-block') expect(out.length).toBeGreaterThan(input.length);
      if (op === 'delete-bytes') expect(out.length).toBeLessThan(input.length);
      if (op === 'bit-flip' || op === 'inflate-fixed') expect(out.length).toBe(input.length);
    }
    expect(input[1]).toBe(37); // never mutated in place
  });

  it('inflates a size field to a forged large varint', () => {
    const rng = new Rng(3);
    let sawBig = false;
    for (let i = 0; i < 50 && !sawBig; i++) {
      const out = applyOp('inflate-varint', Uint8Array.from([0x0a, 0x05, 1, 2, 3, 4, 5]), rng);
      // Four continuation bytes in a row: a varint of ≥ 2^28.
      sawBig ||= out.some((_, j) => out.slice(j, j + 4).every((b) => (b & 0x80) !== 0));
    }
    expect(sawBig).toBe(true);
  });

  it('gives text formats deep nesting and parser tokens', () => {
    const rng = new Rng(11);
    const outs = Array.from({ length: 40 }, () => new TextDecoder().decode(mutate(new TextEncoder().encode('node { name: "a" }'), rng, true).bytes));
    expect(outs.some((t) => t.includes('a { a { a {'))).toBe(true);
  });
});

describe('runCase', () => {
  const seed: FuzzSeed = { id: 's', files: { f: new Uint8Array(100) }, members: ['f'] };
  const target = (run: () => Promise<void> | void): FuzzTarget => ({ name: 't', covers: 'test', text: false, run: async () => run() });

  it('accepts success and FrostErrors', async () => {
    expect(await runCase(target(() => undefined), seed, 'f', new Uint8Array(10), '/nonexistent')).toEqual({ kind: 'ok' });
    const typed = await runCase(target(() => { throw new FrostError('CORRUPT', 'bad.'); }), seed, 'f', new Uint8Array(10), '/nonexistent');
    expect(typed).toEqual({ kind: 'typed', code: 'CORRUPT' });
  });

  it('reports any other exception as a crash', async () => {
    const r = await runCase(target(() => { throw new TypeError('x is undefined'); }), seed, 'f', new Uint8Array(10), '/nonexistent');
    expect(r.kind).toBe('crash');
    expect(r.kind === 'crash' && r.error).toMatch(/TypeError: x is undefined/);
  });

  it('refuses allocations out of proportion to the input before they happen, even when a FrostError follows', async () => {
    const huge = allocationBound(110) + 1;
    for (const alloc of [
      () => new Uint8Array(huge),
      () => new Float32Array(huge / 4 + 1),
      () => new ArrayBuffer(huge),
      () => new Array<number>(huge),
      () => Buffer.allocUnsafe(huge),
      () => Buffer.alloc(huge),
    ]) {
      const r = await runCase(
        target(() => {
          try {
            alloc();
          } catch {
            throw new FrostError('TRUNCATED', 'the reader gave up later.');
          }
        }),
        seed,
        'f',
        new Uint8Array(10),
        '/nonexistent',
      );
      expect(r.kind, String(alloc)).toBe('over-allocation');
    }
    // Everything is unwrapped afterwards; allocations within the bound are fine.
    expect(new Uint8Array(4)).toBeInstanceOf(Uint8Array);
    expect(Buffer.alloc(4)).toBeInstanceOf(Uint8Array);
    expect(await runCase(target(() => void new Uint8Array(1000)), seed, 'f', new Uint8Array(10), '/nonexistent')).toEqual({ kind: 'ok' });
  });
});
