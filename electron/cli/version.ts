/** Frost's version, from package.json beside the compiled code (dist/electron/cli → repo root). */
import { readFileSync } from 'node:fs';

export function frostVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
