/**
 * Files a packaged Electron app must read from outside its app.asar archive (a worker
 * thread's entry script, the tfjs .wasm binaries) are listed under `asarUnpack` in
 * build/electron-builder.yml and land in `app.asar.unpacked/` beside it. Outside a packaged
 * app the path comes back unchanged.
 */
import { sep } from 'node:path';

export function unpackedPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  const at = path.indexOf(marker);
  return at < 0 ? path : `${path.slice(0, at)}${sep}app.asar.unpacked${sep}${path.slice(at + marker.length)}`;
}
