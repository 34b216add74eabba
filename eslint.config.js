// Layer rules (DEVELOPERS.md "How we write code"; docs/style-anchors.md item 1): core never
// imports electron, shared has no DOM and no Node, the renderer never imports Node, and only
// renderer/src/state imports zustand. Per-layer tsconfigs enforce the same through lib/types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This layer runs without Node: no Node built-ins here.' }));
const layer = (files, paths, patterns = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const electronBan = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'electron/core/proto/generated/**', '.venv-tf/**', '.cache/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  layer(['electron/core/**/*.ts'], [electronBan, { name: 'react', message: 'core is headless.' }, { name: 'zustand', message: 'core is headless.' }], [
    { group: ['**/electron/main/**', '**/electron/preload/**', '**/electron/cli/**', '**/electron/server/**', '**/renderer/**', '../cli/**', '../server/**', '../main/**', '../preload/**'], message: 'core is the bottom layer: it imports only shared/.' },
  ]),
  layer(['electron/cli/**/*.ts', 'electron/server/**/*.ts'], [electronBan], [
    { group: ['**/renderer/**', '**/electron/main/**', '../main/**', '../preload/**'], message: 'CLI and server use electron/core and shared only.' },
  ]),
  layer(['shared/**/*.ts'], [...noNode, electronBan, { name: 'react', message: 'shared has no UI.' }, { name: 'zustand', message: 'shared has no UI.' }], [
    { group: ['**/electron/**', '**/renderer/**'], message: 'shared imports nothing from the layers that use it.' },
  ]),
  layer(['renderer/**/*.{ts,tsx}'], [...noNode, electronBan, { name: 'zustand', message: 'Only renderer/src/state imports zustand.' }], [
    { group: ['**/electron/**'], message: 'The renderer talks to the core only through shared/ipc.' },
  ]),
  {
    // React components and hooks: the rules of hooks plus the compiler-backed checks.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: reactHooks.configs.flat['recommended-latest'].plugins,
    rules: { ...reactHooks.configs.flat['recommended-latest'].rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['renderer/src/state/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [...noNode, electronBan], patterns: [{ group: ['**/electron/**'], message: 'The renderer talks to the core only through shared/ipc.' }] }] },
  },
);
