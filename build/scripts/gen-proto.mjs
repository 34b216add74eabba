// Generates static protobuf decoders (+ typings) and a JSON descriptor (for the text-format
// parser) from Frost's own .proto schema in electron/core/proto. Output is not committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
// protobufjs constructors give every repeated field a fresh [] (8 arrays per AttrValue.ListValue,
// 14 per TensorProto), although decode() creates an array only for a field it meets and the
// prototype already holds a shared empty array. On a 30k-node .meta that garbage is most of
// the decode time, so the eager allocations are dropped. Code that builds messages passes its
// arrays in (the shared empty array is frozen: a stray push fails loudly).
const jsFile = join(outDir, 'tf.js');
const js = readFileSync(jsFile, 'utf8');
const lean = js.replace(/^\s+this\.\w+ = \[\];\n/gm, '');
if (lean === js) throw new Error('gen-proto: protobufjs output changed shape; revisit the constructor patch');
writeFileSync(jsFile, lean);
run('pbts', ['--no-comments', '-o', join(outDir, 'tf.d.ts'), join(outDir, 'tf.js')]);
run('pbjs', ['-t', 'json', '-p', protoDir, '-o', join(outDir, 'tf.json'), ...protos]);
