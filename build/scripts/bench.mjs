// `npm run bench`: Frost's speed, as ratios against baselines run in the same process on the
// same files (a raw sequential read), never as timed assertions. Generated inputs live in
// .cache/bench and are never committed.
//
//   1. parse a ~30k-node training .meta (made by bench/make_meta_30k.py with real TensorFlow
//      when .venv-tf exists); target <= 300 ms
//   2. read + crc32c-verify every tensor of a >= 512 MB data shard (written by Frost's own
//      bundle writer) vs a raw sequential read of that shard; target >= 50 % of raw speed
//   4. diff (issue #7): two 30k-node graphs (the training graph vs a modified copy, and vs its
//      frozen form) in ms, target <= 500 ms; two 512 MiB checkpoints vs a raw read of both
//      data shards in the same process, target >= 50 % of raw speed. `npm run bench -- diff`
//      runs only this section.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(root, '.cache', 'bench');
mkdirSync(cache, { recursive: true });
const core = await import(join(root, 'dist', 'electron', 'core', 'index.js'));
const { writeBundleV2 } = await import(join(root, 'dist', 'electron', 'core', 'checkpoint', 'bundle-writer.js'));
const { decodeGraphBytes } = await import(join(root, 'dist', 'electron', 'core', 'graph', 'load-graph.js'));

const py = join(root, '.venv-tf', 'bin', 'python');
const ms = (t0) => performance.now() - t0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function rawRead(file, chunk = 8 << 20) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(chunk);
  let pos = 0;
  let n;
  while ((n = readSync(fd, buf, 0, chunk, pos)) > 0) pos += n;
  closeSync(fd);
  return pos;
}

// Each section runs in its own process, so one section's heap never slows the next; the
// baseline and the measured code of a section always share that process.
const section = process.argv[2];
if (section === undefined) {
  for (const name of ['meta', 'shard', 'freeze', 'diff']) {
    execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
  }
  process.exit(0);
}

// 1. The 30k-node .meta.
if (section === 'meta') {
const metaPrefix = join(cache, 'mlp400', 'model.ckpt');
if (!existsSync(`${metaPrefix}.meta`) && existsSync(py)) {
  mkdirSync(dirname(metaPrefix), { recursive: true });
  console.log('generating the 30k-node training graph with TensorFlow (once)...');
  execFileSync(py, [join(root, 'bench', 'make_meta_30k.py'), metaPrefix], { stdio: 'inherit' });
}
if (existsSync(`${metaPrefix}.meta`)) {
  const file = `${metaPrefix}.meta`;
  const raws = [];
  const parses = [];
  let nodes = 0;
  for (let i = 0; i < 7; i++) {
    let t0 = performance.now();
    const bytes = readFileSync(file);
    raws.push(ms(t0));
    t0 = performance.now();
    const g = decodeGraphBytes(bytes, file, 'meta-graph');
    parses.push(ms(t0));
    nodes = g.graphDef.node.length;
  }
  const p = median(parses);
  console.log(`meta parse: ${nodes} nodes, ${(statSync(file).size / 1e6).toFixed(1)} MB: ${p.toFixed(0)} ms (median of 7; target <= 300 ms) = ${(p / median(raws)).toFixed(1)}x the raw file read (${median(raws).toFixed(1)} ms)`);
} else {
  console.log('SKIP meta parse: no .venv-tf with TensorFlow to generate the 30k-node graph');
}

}

// 2. Read + verify of a >= 512 MB shard.
if (section === 'shard') {
const bigPrefix = join(cache, 'big', 'model.ckpt-1');
const tensorBytes = 128 << 20;
if (!existsSync(`${bigPrefix}.data-00000-of-00001`)) {
  mkdirSync(dirname(bigPrefix), { recursive: true });
  console.log('writing a 512 MiB checkpoint with Frost\'s bundle writer (once)...');
  const tensors = [];
  for (let k = 0; k < 4; k++) {
    const bytes = new Uint8Array(tensorBytes);
    const f = new Float32Array(bytes.buffer);
    for (let i = 0; i < f.length; i++) f[i] = Math.sin(i * 0.001 + k);
    tensors.push({ key: `layer_${k}/kernel`, data: { kind: 'numeric', dtype: 1, shape: [tensorBytes / 4 / 1024, 1024], bytes } });
  }
  await writeBundleV2(bigPrefix, tensors);
}
const shard = `${bigPrefix}.data-00000-of-00001`;
const size = statSync(shard).size;
const mbps = (t) => `${(size / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
rawRead(shard); // warm the page cache so every side reads from memory
const times = { raw: [], verify: [], rawFresh: [], read: [] };
const gc = globalThis.gc ?? (() => undefined);
const reader = await core.openCheckpoint(bigPrefix);
// Streamed verify vs raw read: both through reused buffers.
for (let i = 0; i < 5; i++) {
  gc();
  let t0 = performance.now();
  rawRead(shard);
  times.raw.push(ms(t0));
  t0 = performance.now();
  for (const e of reader.list()) await reader.verify(e.key);
  times.verify.push(ms(t0));
}
// Materialized reads vs reading the whole file into fresh memory: both pay for new pages.
for (let i = 0; i < 5; i++) {
  gc();
  let t0 = performance.now();
  readFileSync(shard);
  times.rawFresh.push(ms(t0));
  gc();
  t0 = performance.now();
  for (const e of reader.list()) await reader.read(e.key);
  times.read.push(ms(t0));
}
await reader.close();
const [raw, verify, rawFresh, read] = [times.raw, times.verify, times.rawFresh, times.read].map(median);
console.log(`shard verify: ${(size / 2 ** 20).toFixed(0)} MiB: raw sequential read ${mbps(raw)}; Frost read + crc32c of every tensor (streamed) ${mbps(verify)} = ${((100 * raw) / verify).toFixed(0)} % of raw speed (target >= 50 %)`);
console.log(`tensor read: Frost read + crc32c into memory ${mbps(read)} = ${((100 * rawFresh) / read).toFixed(0)} % of a raw read of the file into fresh memory (fs.readFileSync, ${mbps(rawFresh)}); ${((100 * raw) / read).toFixed(0)} % of the reused-buffer raw read`);
}

// 3. Freezing: a >= 512 MB checkpoint vs `cp` of its data shard (target <= 2.5x, peak RSS <=
//    300 MB), and the 30k-node training graph (target <= 1 s). TensorFlow's own freeze_graph
//    runs on the same inputs for reference when .venv-tf exists.
if (section === 'freeze') {
  const timed = (cmd, args) => {
    // The child reports its own peak RSS, so the number is Frost's, not this script's.
    const t0 = performance.now();
    const outText = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    return { ms: ms(t0), out: outText };
  };
  const frostFreeze = (prefix, outputs, out) => {
    const wrapper = `const { run } = await import(${JSON.stringify(join(root, 'dist', 'electron', 'cli', 'main.js'))});
      const code = await run(${JSON.stringify(['freeze', prefix, '--outputs', outputs, '--out', out, '--json'])}, { out: () => {}, err: (t) => process.stderr.write(t + '\\n') });
      console.log(JSON.stringify({ code, maxRssKB: process.resourceUsage().maxRSS }));`;
    const r = timed(process.execPath, ['--input-type=module', '-e', wrapper]);
    return { ms: r.ms, ...JSON.parse(r.out.trim().split('\n').at(-1)) };
  };
  const bigPrefix = join(cache, 'big-tf', 'model.ckpt');
  if (!existsSync(`${bigPrefix}-1.index`) && existsSync(py)) {
    console.log('writing a 512 MiB TF1 checkpoint with TensorFlow (once)...');
    execFileSync(py, [join(root, 'bench', 'make_big_checkpoint.py'), bigPrefix], { stdio: 'inherit' });
  }
  if (existsSync(`${bigPrefix}-1.index`)) {
    const prefix = `${bigPrefix}-1`;
    const shardFile = `${prefix}.data-00000-of-00001`;
    const out = join(cache, 'big-frozen.pb');
    const cps = [];
    const frosts = [];
    let rss = 0;
    const cpSyncs = [];
    const floors = [];
    // The I/O floor of a durable copy: the same shard through Frost's own atomic writer (temp
    // file, background writeback, fsync, rename over the last output), in a fresh Node process
    // like the freeze. Frost's cost above this is its own work; the rest is the disk.
    const floorCopy = () => {
      const script = `const { open } = await import('node:fs/promises');
        const { writeFileAtomic } = await import(${JSON.stringify(join(root, 'dist', 'electron', 'core', 'io', 'atomic-write.js'))});
        const f = await open(${JSON.stringify(shardFile)}, 'r'); const buf = Buffer.allocUnsafeSlow(8 << 20);
        await writeFileAtomic(${JSON.stringify(join(cache, 'floor-copy'))}, async (write) => { for (let pos = 0; ; ) { const { bytesRead } = await f.read(buf, 0, buf.length, pos); if (!bytesRead) break; await write(buf.subarray(0, bytesRead)); pos += bytesRead; } });
        await f.close();`;
      return timed(process.execPath, ['--input-type=module', '-e', script]).ms;
    };
    // Each timed run starts with no dirty pages (an untimed `sync`), so no run pays for
    // flushing the previous one's writes. Frost fsyncs its output; plain cp does not, so cp
    // followed by sync of the copy is shown too.
    // One untimed round first: the first 512 MiB written in a process tree pays for the
    // kernel reclaiming page cache, for cp and Frost alike.
    execFileSync('cp', [shardFile, join(cache, 'shard-copy')]);
    frostFreeze(prefix, 'y', out);
    floorCopy();
    for (let i = 0; i < 7; i++) {
      execFileSync('sync');
      floors.push(floorCopy());
      execFileSync('sync');
      cps.push(timed('cp', [shardFile, join(cache, 'shard-copy')]).ms);
      execFileSync('sync');
      cpSyncs.push(timed('sh', ['-c', `cp "$0" "$1" && sync "$1"`, shardFile, join(cache, 'shard-copy')]).ms);
      execFileSync('sync');
      const f = frostFreeze(prefix, 'y', out);
      if (f.code !== 0) throw new Error('frost freeze failed in the bench');
      frosts.push(f.ms);
      rss = Math.max(rss, f.maxRssKB);
    }
    const size = statSync(shardFile).size;
    console.log(`freeze 512 MiB: frost freeze ${median(frosts).toFixed(0)} ms (incl. Node start-up and fsync) vs cp of the data shard ${median(cps).toFixed(0)} ms = ${(median(frosts) / median(cps)).toFixed(2)}x (target <= 2.5x); vs cp + sync ${median(cpSyncs).toFixed(0)} ms = ${(median(frosts) / median(cpSyncs)).toFixed(2)}x; vs a durable atomic copy in Node (the I/O floor) ${median(floors).toFixed(0)} ms = ${(median(frosts) / median(floors)).toFixed(2)}x; runs: frost ${frosts.map((x) => x.toFixed(0)).join('/')}, cp ${cps.map((x) => x.toFixed(0)).join('/')}; peak RSS ${(rss / 1024).toFixed(0)} MB (target <= 300 MB); ${(size / 2 ** 20).toFixed(0)} MiB of weights`);
    if (existsSync(py) && !process.env.FROST_BENCH_NO_TF) {
      const tfr = timed(py, [join(root, 'bench', 'tf_freeze_graph.py'), prefix, 'y', join(cache, 'big-tf-frozen.pb')]);
      const m = /TF_FREEZE_MS (\d+) TF_TOTAL_MS (\d+) TF_MAXRSS_KB (\d+)/.exec(tfr.out);
      if (m) console.log(`  TensorFlow freeze_graph on the same checkpoint: ${m[2]} ms wall (${m[1]} ms freezing after import), peak RSS ${(Number(m[3]) / 1024).toFixed(0)} MB`);
    }
  } else {
    console.log('SKIP freeze 512 MiB: no .venv-tf with TensorFlow to write the checkpoint');
  }
  const mlp = join(cache, 'mlp400', 'model.ckpt');
  if (existsSync(`${mlp}.meta`)) {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(frostFreeze(mlp, 'probabilities', join(cache, 'mlp-frozen.pb')));
    console.log(`freeze 30k-node training graph: ${median(runs.map((r) => r.ms)).toFixed(0)} ms wall incl. Node start-up (target <= 1 s); peak RSS ${(Math.max(...runs.map((r) => r.maxRssKB)) / 1024).toFixed(0)} MB`);
    if (existsSync(py) && !process.env.FROST_BENCH_NO_TF) {
      const tfr = timed(py, [join(root, 'bench', 'tf_freeze_graph.py'), mlp, 'probabilities', join(cache, 'mlp-tf-frozen.pb')]);
      const m = /TF_FREEZE_MS (\d+) TF_TOTAL_MS (\d+) TF_MAXRSS_KB (\d+)/.exec(tfr.out);
      if (m) console.log(`  TensorFlow freeze_graph on the same graph: ${m[2]} ms wall (${m[1]} ms after import), peak RSS ${(Number(m[3]) / 1024).toFixed(0)} MB`);
    }
  }
}

// 4. Diff: graphs (target <= 500 ms for 30k nodes) and checkpoints (target >= 50 % of raw speed).
if (section === 'diff') {
  const { diffGraphs } = await import(join(root, 'dist', 'electron', 'core', 'diff', 'graph-diff.js'));
  const { diffSources } = await import(join(root, 'dist', 'electron', 'core', 'diff', 'diff-sources.js'));
  const { diffCheckpoints } = await import(join(root, 'dist', 'electron', 'core', 'diff', 'checkpoint-diff.js'));
  const { planFreeze, writeFreeze } = await import(join(root, 'dist', 'electron', 'core', 'freeze', 'freeze.js'));
  const gc = globalThis.gc ?? (() => undefined);
  const mlp = join(cache, 'mlp400', 'model.ckpt');
  if (existsSync(`${mlp}.meta`)) {
    const a = await core.openSource(mlp);
    const nodes = a.graph.graphDef.node;
    // A modified copy: scopes layer_000..layer_009 renamed, every 97th node's T made float64,
    // every 101st node placed on a GPU.
    const rename = (s) => s.replace(/^(\^?)layer_00(\d)\//, '$1block_00$2/');
    const variant = nodes.map((n, i) => {
      const c = { ...n, name: rename(n.name), input: n.input.map(rename), attr: { ...n.attr } };
      if (i % 97 === 0 && c.attr.T) c.attr.T = { type: 2 };
      if (i % 101 === 0) c.device = '/device:GPU:0';
      return c;
    });
    // CPU time is shown beside wall time: on a shared machine it is the steadier of the two.
    const cpuMs = (c0) => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    const runs = [];
    const cpus = [];
    let g;
    for (let i = 0; i < 7; i++) {
      gc();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      g = await diffGraphs({ nodes }, { nodes: variant });
      runs.push(ms(t0));
      cpus.push(cpuMs(c0));
    }
    const c = g.counts;
    console.log(`graph diff ${nodes.length} vs ${variant.length} nodes (modified copy): ${median(runs).toFixed(0)} ms (median of 7, CPU ${median(cpus).toFixed(0)} ms; target <= 500 ms); renamed ${c.renamed}, changed ${c.changed}, unchanged ${c.unchanged}, added ${c.added}, removed ${c.removed}`);
    const frozenFile = join(cache, 'mlp-frozen-for-diff.pb');
    if (!existsSync(frozenFile)) await writeFreeze(await planFreeze(a, { outputs: ['probabilities'] }), frozenFile);
    const b = await core.openSource(frozenFile);
    const fr = [];
    const fcpu = [];
    let r;
    for (let i = 0; i < 5; i++) {
      gc();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      r = await diffSources(a, b, { graphOnly: true });
      fr.push(ms(t0));
      fcpu.push(cpuMs(c0));
    }
    const fc = r.graph.counts;
    console.log(`graph diff original vs frozen (${r.graph.nodesA} → ${r.graph.nodesB} nodes, incl. mapping variables to keys and checking ${fc.frozen} frozen values against the checkpoint): ${median(fr).toFixed(0)} ms (median of 5, CPU ${median(fcpu).toFixed(0)} ms; target <= 500 ms); frozen ${fc.frozen}, removed ${fc.removed}, unchanged ${fc.unchanged}, changed ${fc.changed}`);
    await a.close();
    await b.close();
  } else {
    console.log('SKIP graph diff: no .venv-tf with TensorFlow to generate the 30k-node graph');
  }

  // Two 512 MiB checkpoints (Frost's bundle writer): step 1 as in the shard section, step 2 with
  // every 5th element moved by 1e-3.
  const tensorBytes = 128 << 20;
  const writeBig = async (prefix, delta) => {
    if (existsSync(`${prefix}.data-00000-of-00001`)) return;
    mkdirSync(dirname(prefix), { recursive: true });
    console.log(`writing a 512 MiB checkpoint ${prefix} with Frost's bundle writer (once)...`);
    const tensors = [];
    for (let k = 0; k < 4; k++) {
      const bytes = new Uint8Array(tensorBytes);
      const f = new Float32Array(bytes.buffer);
      for (let i = 0; i < f.length; i++) f[i] = Math.sin(i * 0.001 + k) + (i % 5 === 0 ? delta : 0);
      tensors.push({ key: `layer_${k}/kernel`, data: { kind: 'numeric', dtype: 1, shape: [tensorBytes / 4 / 1024, 1024], bytes } });
    }
    await writeBundleV2(prefix, tensors);
  };
  const pa = join(cache, 'big', 'model.ckpt-1');
  const pb = join(cache, 'big-b', 'model.ckpt-2');
  await writeBig(pa, 0);
  await writeBig(pb, 1e-3);
  const fa = `${pa}.data-00000-of-00001`;
  const fb = `${pb}.data-00000-of-00001`;
  const size = statSync(fa).size + statSync(fb).size;
  const mbps = (t) => `${(size / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
  rawRead(fa); // warm the page cache so every side reads from memory
  rawRead(fb);
  const ra = await core.openCheckpoint(pa);
  const rb = await core.openCheckpoint(pb);
  const times = { raw: [], diff: [], js: [], oneThread: [] };
  let d;
  // The first diff also starts the read lane's worker (read-lane.ts), which a running app keeps.
  let t0 = performance.now();
  await diffCheckpoints(ra, rb);
  const first = ms(t0);
  for (let i = 0; i < 5; i++) {
    gc();
    let t0 = performance.now();
    rawRead(fa);
    rawRead(fb);
    times.raw.push(ms(t0));
    gc();
    t0 = performance.now();
    d = await diffCheckpoints(ra, rb);
    times.diff.push(ms(t0));
    gc();
    t0 = performance.now();
    await diffCheckpoints(ra, rb, { simd: false });
    times.js.push(ms(t0));
    gc();
    t0 = performance.now();
    await diffCheckpoints(ra, rb, { lane: false });
    times.oneThread.push(ms(t0));
  }
  await ra.close();
  await rb.close();
  const [raw, diff, js, oneThread] = [times.raw, times.diff, times.js, times.oneThread].map(median);
  const v = d.variables[0].delta;
  const pct = (t) => `${((100 * raw) / t).toFixed(0)} %`;
  console.log(`checkpoint diff 2 x ${(size / 2 / 2 ** 20).toFixed(0)} MiB: raw sequential read of both shards ${mbps(raw)}; Frost diff (read lane + crc32c + deltas, WebAssembly SIMD kernel) ${mbps(diff)} = ${pct(diff)} of raw speed (target >= 50 %; runs ${times.diff.map((t) => pct(t)).join(', ')}; first run incl. starting the lane ${pct(first)}); on one thread ${mbps(oneThread)} = ${pct(oneThread)}; with the JS kernel ${mbps(js)} = ${pct(js)}; ${d.variables[0].key}: max abs ${v.maxAbs.toExponential(3)}, ${v.changedPercent.toFixed(1)} % changed`);
}
