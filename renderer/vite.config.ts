// Builds the renderer into dist/renderer. `base: './'` keeps every asset URL relative, so the
// same build loads from file:// in Electron and from `frost serve` over HTTP.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The dev server's React refresh preamble is an inline script, which our CSP forbids; drop the
 * CSP meta in dev only. Builds keep it (Electron and `frost serve` always load built files).
 */
function relaxCspInDev(): Plugin {
  return {
    name: 'frost:relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), relaxCspInDev()],
  // The layout worker is a module worker (LayoutClient starts it with type: 'module').
  worker: { format: 'es' },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No inlined assets: everything stays a 'self' URL under the CSP.
    assetsInlineLimit: 0,
  },
});
