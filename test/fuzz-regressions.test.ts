/**
 * Every input `npm run fuzz` ever saw fail (test/fuzz-regressions/<target>/<hash>.bin, with
 * its seed and member in <hash>.json) is replayed here: each must now end in success or a
 * FrostError, without an allocation out of proportion to the input (run-case.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeeds, type FuzzSeed } from '../electron/core/fuzz/targets.js';
import { runCase } from '../electron/core/fuzz/run-case.js';
import { fixturesDir, repoRoot } from './fixtures.js';

const corpus = join(repoRoot, 'test', 'fuzz-regressions');
const cases = existsSync(corpus)
  ? readdirSync(corpus).flatMap((target) =>
      readdirSync(join(corpus, target))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({ target, hash: f.slice(0, -'.json'.length) })),
    )
  : [];

const scratch = await mkdtemp(join(tmpdir(), 'frost-fuzz-replay-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
const seedCache = new Map<string, Promise<FuzzSeed[]>>();
function seedsOf(target: string): Promise<FuzzSeed[]> {
  let p = seedCache.get(target);
  if (!p) seedCache.set(target, (p = loadSeeds(target, fixturesDir, join(scratch, 'seeds', target))));
  return p;
}

describe('fuzz regression corpus', () => {
  it('holds at least the hand-made forged-size inputs', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$target/$hash ends in success or a FrostError', async ({ target, hash }) => {
    const meta = JSON.parse(readFileSync(join(corpus, target, `${hash}.json`), 'utf8')) as { seed: string; member: string };
    const seed = (await seedsOf(target)).find((s) => s.id === meta.seed);
    expect(seed, `seed ${meta.seed} of ${target}`).toBeDefined();
    const bytes = new Uint8Array(readFileSync(join(corpus, target, `${hash}.bin`)));
    const outcome = await runCase(target, seed as FuzzSeed, meta.member, bytes, join(scratch, 'case', target, hash));
    expect(['ok', 'typed'], JSON.stringify(outcome)).toContain(outcome.kind);
  });
});
