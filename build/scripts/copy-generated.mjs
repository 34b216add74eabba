// tsc does not emit the generated JavaScript decoders; copy them next to the compiled core.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const from = join(root, 'electron', 'core', 'proto', 'generated');
const to = join(root, 'dist', 'electron', 'core', 'proto', 'generated');
mkdirSync(to, { recursive: true });
for (const f of ['tf.js', 'tf.json']) copyFileSync(join(from, f), join(to, f));
