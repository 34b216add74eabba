// Turns test-runner JSON results into the plain closing line CI reads
// ("unit: N passed, N failed, N skipped"), and exits non-zero when anything failed.
//   test-summary.mjs LABEL FILE [LABEL FILE ...]   one line per file, then a total when several
import { existsSync, readFileSync } from 'node:fs';

function counts(file) {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.stats && 'expected' in r.stats) {
    // Playwright: expected = passed, unexpected = failed, flaky passed on retry.
    return { passed: r.stats.expected + (r.stats.flaky ?? 0), failed: r.stats.unexpected, skipped: r.stats.skipped };
  }
  // Vitest (Jest-style JSON).
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.success === false && r.numFailedTests === 0 ? 1 : 0), skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

const args = process.argv.slice(2);
const total = { passed: 0, failed: 0, skipped: 0 };
let bad = false;
for (let i = 0; i < args.length; i += 2) {
  const [label, file] = [args[i], args[i + 1]];
  const c = counts(file);
  if (!c) {
    console.log(`${label}: results missing (${file}): the runner did not finish`);
    bad = true;
    continue;
  }
  console.log(`${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += c[k];
  if (c.failed > 0) bad = true;
}
if (args.length > 2) console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(bad ? 1 : 0);
