/**
 * Files a packaged Electron app must read from outside its app.asar archive (a worker
 * thread's entry script, the tfjs .wasm binaries) are listed under `asarUnpack` in
 * build/electron-builder.yml and land in `app.asar.unpacked/` beside it. Outside a packaged
 * app the path comes back unchanged.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function unpackedPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  const at = path.indexOf(marker);
  return at < 0 ? path : `${path.slice(0, at)}${sep}app.asar.unpacked${sep}${path.slice(at + marker.length)}`;
}

/**
 * A compiled worker entry (`new URL('./x-worker.js', import.meta.url)`), unpacked beside
 * app.asar in the packaged app (a worker thread's entry cannot be read from inside the
 * archive), or undefined where it does not exist (tests run from TypeScript sources).
 */
export function workerEntry(url: URL): URL | undefined {
  const path = fileURLToPath(url);
  const unpacked = unpackedPath(path);
  if (unpacked !== path && existsSync(unpacked)) return pathToFileURL(unpacked);
  return existsSync(path) ? url : undefined;
}
