/** Where the built renderer lives: `dist/renderer`, found from this module's own location. */
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultRendererDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  // Compiled: dist/electron/server → dist/renderer. From source (tests): electron/server → dist/renderer.
  const compiled = basename(dirname(dirname(here))) === 'dist';
  return compiled ? fileURLToPath(new URL('../../renderer/', moduleUrl)) : resolve(here, '..', '..', 'dist', 'renderer');
}
