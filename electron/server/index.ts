/** The one entry point of `frost serve` for the CLI and tests. */
export { startServer, type RunningServer, type ServerOptions } from './server.js';
export { defaultRendererDir } from './renderer-dir.js';
export { createPathGuard, type PathGuard } from './path-guard.js';
