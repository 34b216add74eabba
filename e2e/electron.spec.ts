/**
 * The desktop app through Playwright's Electron launcher. Electron's binary cannot be
 * downloaded on the build machine, so this is skipped (with the reason) where it is missing.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoDir } from './paths.js';

const require = createRequire(import.meta.url);

function electronBinary(): { path?: string; why?: string } {
  try {
    // The electron package exports the path of its binary (and throws when it was never downloaded).
    const path = require('electron') as unknown;
    if (typeof path !== 'string') return { why: 'the electron package did not return a binary path' };
    if (!existsSync(path)) return { why: `${path} does not exist` };
    return { path };
  } catch (e) {
    return { why: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

const mainJs = join(repoDir, 'dist', 'electron', 'main', 'main.js');

test('the desktop window opens and reaches a resting state', async () => {
  const bin = electronBinary();
  const skip = !bin.path ? `Electron binary not installed here: ${bin.why}` : !existsSync(mainJs) ? `${mainJs} is not built: run npm run build` : undefined;
  // Printed as well: the list reporter does not show skip reasons.
  if (skip) console.log(`SKIP electron e2e: ${skip}`);
  test.skip(skip !== undefined, skip);

  const app = await electron.launch({ executablePath: bin.path!, args: [mainJs], env: { ...process.env, FROST_E2E: '1' } });
  try {
    const page = await app.firstWindow();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await expect(page.locator('body')).toHaveAttribute('data-state', /^(empty|ready)$/, { timeout: 20_000 });
    await expect(page.getByRole('banner')).toContainText('Frost');
    expect(await page.evaluate(() => typeof (window as { frost?: unknown }).frost)).toBe('object');
    expect(errors).toEqual([]);
  } finally {
    await app.close();
  }
});
