#!/usr/bin/env node
// Thin launcher for the compiled CLI (built by `npm run build`, which `npm ci` runs via prepare).
import { run } from '../dist/electron/cli/main.js';

process.exitCode = await run(process.argv.slice(2));
