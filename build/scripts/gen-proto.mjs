// Generates static protobuf decoders (+ typings) and a JSON descriptor (for the text-format
// parser) from Frost's own .proto schema in electron/core/proto. Output is not committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const protoDir = join(root, 'electron', 'core', 'proto');
const outDir = join(protoDir, 'generated');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const protos = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort().map((f) => join(protoDir, f));

mkdirSync(outDir, { recursive: true });
const run = (cmd, args) => execFileSync(bin(cmd), args, { cwd: root, stdio: 'inherit' });
run('pbjs', ['-t', 'static-module', '-w', 'es6', '--force-long', '--no-convert', '--no-verify', '--no-delimited', '--no-typeurl', '-p', protoDir, '-o', join(outDir, 'tf.js'), ...protos]);
run('pbts', ['--no-comments', '-o', join(outDir, 'tf.d.ts'), join(outDir, 'tf.js')]);
run('pbjs', ['-t', 'json', '-p', protoDir, '-o', join(outDir, 'tf.json'), ...protos]);
