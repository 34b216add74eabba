/**
 * The spec fixtures: `frost` (page objects on a fresh page) and an automatic check that the
 * page logged no console error and threw no uncaught exception during the test.
 */
import { test as base, expect } from '@playwright/test';
import { FrostPage } from './pages/frost-page.js';

export const test = base.extend<{ frost: FrostPage; consoleProblems: string[] }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => problems.push(`uncaught: ${e.stack ?? e.message}`));
      await use(problems);
      expect(problems, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
  frost: async ({ page }, use) => {
    await use(new FrostPage(page));
  },
});

export { expect };
