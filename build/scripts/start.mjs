// `npm start`: builds Frost (renderer, main, preload, the demo checkpoint) and opens the app
// on the bundled demo. Where the Electron binary is missing (its download was skipped, as on
// machines without internet access) it says so in one line and opens the browser mode —
// `frost serve` on the same demo — instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const demo = join(root, 'dist', 'demo');
const mainJs = join(root, 'dist', 'electron', 'main', 'main.js');
const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('-')) ?? demo;

if (!args.includes('--no-build') || !existsSync(mainJs)) {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function electronBinary() {
  try {
    // The electron package exports the path of its binary, or throws when it was not downloaded.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [mainJs, target], { cwd: root, stdio: 'inherit' })
  : (console.log('Electron is not installed here (its binary download was skipped), so Frost opens in your browser instead.'),
    spawn(process.execPath, [join(root, 'bin', 'frost.js'), 'serve', target, ...args.filter((a) => a === '--no-open')], { cwd: root, stdio: 'inherit' }));
const stop = () => child.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
