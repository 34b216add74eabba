// Writes the bundled demo checkpoint (a small TF1 training folder: state file, two steps,
// .meta/.index/.data) into dist/demo/ with Frost's own writers, from the compiled core.
// Runs at the end of `npm run build`; nothing is fetched and nothing is committed.
import { rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'demo');
const { writeDemoCheckpoint } = await import(pathToFileURL(join(root, 'dist', 'electron', 'core', 'demo', 'demo-checkpoint.js')).href);

// A fresh folder, so no step from an older build lingers beside the new ones.
await rm(out, { recursive: true, force: true });
const { prefix, outputs } = await writeDemoCheckpoint(out);
console.log(`demo checkpoint: ${relative(root, prefix)} (freeze --outputs ${outputs.join(',')})`);
