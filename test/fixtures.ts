/**
 * Where tests find the real TensorFlow files: ../shared/fixtures beside the repo (never
 * copied into it), or FROST_FIXTURES when set.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = process.env['FROST_FIXTURES'] ?? resolve(repoRoot, '..', 'shared', 'fixtures');

export function fixture(...parts: string[]): string {
  const p = join(fixturesDir, ...parts);
  if (!existsSync(p)) throw new Error(`Test fixture ${p} is missing: tests read ../shared/fixtures beside the repo.`);
  return p;
}
