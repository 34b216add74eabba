#!/usr/bin/env node
// Thin launcher for the compiled CLI (built by `npm run build`, which `npm ci` runs via prepare).
import { run } from '../dist/electron/cli/main.js';

// `frost outputs … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2));
