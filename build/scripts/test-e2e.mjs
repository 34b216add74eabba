// `npm run test:e2e`: the browser suite in Debian's Chromium against the real `frost serve`.
// Playwright cannot download its own browsers here, so without a `chromium` on PATH the
// suite is skipped with one clear line instead of failing on a missing binary.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
if (which.status !== 0) {
  console.log('SKIP e2e: no chromium on PATH (install Debian\'s: apt-get install -y chromium)');
  process.exit(0);
}
rmSync(join(root, 'test-results', 'e2e.json'), { force: true });
const r = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const s = spawnSync(process.execPath, [join(root, 'build', 'scripts', 'test-summary.mjs'), 'e2e', join(root, 'test-results', 'e2e.json')], { cwd: root, stdio: 'inherit' });
process.exit(r.status !== 0 ? (r.status ?? 1) : (s.status ?? 1));
