// `npm run security:scan`: Doyensec's Electronegativity over the compiled Electron main and
// preload code and the built renderer page (issue #8). Fails on any HIGH-severity finding;
// lower ones are printed for review. Runs offline: the tool's attempt to fetch Electron's
// release list fails harmlessly, because the Electron version is given (from node_modules).
// Used through its API: its CSV writer races its own header and can lose a row.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const targets = ['dist/electron/main', 'dist/electron/preload', 'dist/renderer/index.html'];
for (const t of targets) {
  if (!existsSync(join(root, t))) {
    console.error(`security:scan needs ${t}: run \`npm run build\` first.`);
    process.exit(2);
  }
}
// One scan over the app as packaged: its global checks (navigation limits, permission
// handler, CSP) look across all files, so main, preload and page are staged into one folder.
const app = mkdtempSync(join(tmpdir(), 'frost-scan-'));
for (const t of targets) cpSync(join(root, t), join(app, t.replace(/^dist\//, '')), { recursive: true });
let result;
try {
  result = await run({ input: app, isSarif: false, customScan: [], severitySet: 'informational', confidenceSet: 'tentative', isRelative: true, isVerbose: false, electronVersionOverride: electronVersion, parserPlugins: [] });
} finally {
  rmSync(app, { recursive: true, force: true });
}
if (!result || !Array.isArray(result.issues)) {
  console.error('security:scan: electronegativity returned no result.');
  process.exit(2);
}
let high = 0;
for (const i of result.issues) {
  const severity = i.severity?.name ?? String(i.severity);
  if (severity === 'HIGH') high++;
  console.log(`${severity === 'HIGH' ? 'FAIL' : 'note'} ${severity}/${i.confidence?.name ?? i.confidence} ${i.id} ${i.file}:${i.location?.line}:${i.location?.column} ${i.description ?? ''}`);
}
console.log(`security:scan: electronegativity (${result.atomicChecks} atomic + ${result.globalChecks} global checks, Electron ${electronVersion}) over ${targets.join(', ')}: ${result.issues.length} findings, ${high} high.`);
process.exit(high === 0 ? 0 : 1);
