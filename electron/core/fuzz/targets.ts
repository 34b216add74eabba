/**
 * What `npm run fuzz` feeds mutated bytes to (issue #8): every reader of tf-formats.md and the
 * freezer. A target owns seeds — real TensorFlow fixtures and outputs of Frost's own writers —
 * as small file sets; one member of a set is mutated per input, written into a scratch folder
 * and opened the way a user would open it, so the whole path from bytes to a shown value is
 * exercised. The rule checked is the one of errors.ts: a bad file yields a FrostError, never
 * another exception, a hang or an allocation out of proportion to the file.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FrostError } from '../errors.js';
import { memorySource, parseBlock, TableReader } from '../checkpoint/sstable.js';
import { BlockBuilder, buildTable } from '../checkpoint/sstable-writer.js';
import { snappyCompress, snappyUncompress } from '../checkpoint/snappy.js';
import { decodeBundleEntry } from '../checkpoint/bundle-entry.js';
import { BundleV2Reader } from '../checkpoint/bundle-v2.js';
import { writeBundleV2 } from '../checkpoint/bundle-writer.js';
import { openCheckpoint, type CheckpointReader } from '../checkpoint/reader.js';
import { parseCheckpointState } from '../checkpoint/state-file.js';
import { decodeObjectGraph, objectGraphNames, OBJECT_GRAPH_KEY } from '../checkpoint/object-graph.js';
import { decodeGraphBytes, type LoadedGraph } from '../graph/load-graph.js';
import { buildGraphIR } from '../graph/ir.js';
import { summarizeGraph } from '../graph/summary.js';
import { suggestOutputs } from '../freeze/outputs.js';
import { planFreeze, writeFreeze } from '../freeze/freeze.js';
import { parseTextProto, printTextProto } from '../proto/text-format.js';
import { openSource } from '../source/open-source.js';
import { inspectSource } from '../inspect/inspect.js';
import { computeHistogram, computeStats, type TensorData } from '../tensor/tensor-data.js';
import { previewTensor } from '../tensor/preview.js';
import { DT } from '../tensor/dtype.js';
import { writeDemoCheckpoint } from '../demo/demo-checkpoint.js';
import { mutate, type Rng } from './mutate.js';
import { mutateGraphBytes } from './mutate-graph.js';

/** A seed: a small set of files (name → bytes) of which `members` may be mutated. */
export interface FuzzSeed {
  id: string;
  files: Record<string, Uint8Array>;
  members: readonly string[];
  /** Outputs to freeze (freeze target only). */
  outputs?: readonly string[];
}

/** One fuzz input: a seed with one member replaced by mutated bytes. */
export interface FuzzCase {
  target: string;
  seedId: string;
  member: string;
  bytes: Uint8Array;
}

export interface FuzzTarget {
  name: string;
  /** The reader (and format section) it drives. */
  covers: string;
  /** Text formats also get parser-stressing token insertions. */
  text: boolean;
  run(seed: FuzzSeed, member: string, bytes: Uint8Array, scratch: string): Promise<void>;
}

// ---- exercising what was opened: everything a user can look at --------------------------

function looks(t: TensorData): void {
  if (t.kind === 'numeric') {
    const stats = computeStats(t, 100_000);
    computeHistogram(t, 20, stats, 100_000);
  }
  previewTensor(t);
}

/**
 * Reads every tensor, with CRCs and in salvage mode without (so damaged payloads reach the
 * decoders behind the checksum); a per-tensor FrostError is an acceptable outcome.
 */
async function readAll(reader: CheckpointReader): Promise<void> {
  for (const e of reader.list()) {
    for (const verify of [true, false]) {
      try {
        looks(await reader.read(e.key, { verify }));
      } catch (err) {
        if (!(err instanceof FrostError)) throw err;
      }
    }
  }
}

function exerciseGraph(g: LoadedGraph): void {
  summarizeGraph(g);
  buildGraphIR(g);
  suggestOutputs(g);
}

async function writeSet(dir: string, seed: FuzzSeed, member: string, bytes: Uint8Array): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, data] of Object.entries(seed.files)) {
    const file = join(dir, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, name === member ? bytes : data);
  }
}

// ---- the targets ----------------------------------------------------------------------------

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'sstable',
    covers: 'the index table / V1 table format (tf-formats.md §2): footer, block handles, restarts, snappy blocks',
    text: false,
    async run(_seed, _member, bytes) {
      const t = await TableReader.fromSource(memorySource(bytes), 'fuzz.index');
      for await (const e of t.entries()) void e;
    },
  },
  {
    name: 'sstable-block',
    covers: 'one table block behind its checksum (§2.5): prefix-compressed keys, restart array',
    text: false,
    async run(_seed, _member, bytes) {
      parseBlock(bytes, 'fuzz.index', 0, 'data block');
    },
  },
  {
    name: 'snappy',
    covers: 'Snappy-compressed table blocks (§2.4) behind their checksum',
    text: false,
    async run(_seed, _member, bytes) {
      snappyUncompress(bytes, { file: 'fuzz.index', offset: 0, what: 'data block' });
    },
  },
  {
    name: 'bundle-entry',
    covers: 'BundleEntryProto values of an index table (§4.2): dtype, shape, shard, offset, size, slices',
    text: false,
    async run(_seed, _member, bytes) {
      const e = decodeBundleEntry(new TextEncoder().encode('k'), 'k', bytes, 2, 'fuzz.index');
      // An undecodable entry is listed with its problem (read() throws it): count it as typed.
      if (e.problem !== undefined) throw e.problem;
    },
  },
  {
    name: 'bundle',
    covers: 'V2 checkpoints (§4): header, entries, data shards read with CRC32C, partitioned and string tensors',
    text: false,
    async run(seed, member, bytes, scratch) {
      await writeSet(scratch, seed, member, bytes);
      const prefix = join(scratch, prefixOf(seed));
      const r = await BundleV2Reader.open(prefix);
      try {
        await readAll(r);
      } finally {
        await r.close();
      }
    },
  },
  {
    name: 'v1',
    covers: 'V1 SavedTensorSlices checkpoints (§3)',
    text: false,
    async run(seed, member, bytes, scratch) {
      await writeSet(scratch, seed, member, bytes);
      const r = await openCheckpoint(join(scratch, prefixOf(seed)));
      try {
        await readAll(r);
      } finally {
        await r.close();
      }
    },
  },
  {
    name: 'graph-binary',
    covers: 'binary GraphDef / MetaGraphDef / SavedModel protobufs (§5-§7), then the graph views',
    text: false,
    async run(seed, member, bytes) {
      exerciseGraph(decodeGraphBytes(bytes, member, hintOf(member)));
    },
  },
  {
    name: 'pbtxt',
    covers: 'the protobuf text format parser (§5.3) on GraphDef text',
    text: true,
    async run(_seed, member, bytes) {
      const text = new TextDecoder().decode(bytes);
      parseTextProto(text, 'tensorflow.GraphDef', member);
      exerciseGraph(decodeGraphBytes(bytes, member, 'graph-def-text'));
    },
  },
  {
    name: 'state-file',
    covers: 'the `checkpoint` state file (§1.2)',
    text: true,
    async run(_seed, _member, bytes, scratch) {
      await mkdir(scratch, { recursive: true });
      await parseCheckpointState(new TextDecoder().decode(bytes), scratch);
    },
  },
  {
    name: 'saved-model',
    covers: 'SavedModel folders (§7): saved_model.pb plus its variables bundle, opened as a source',
    text: false,
    async run(seed, member, bytes, scratch) {
      await writeSet(scratch, seed, member, bytes);
      const s = await openSource(scratch);
      try {
        inspectSource(s);
        if (s.graph) exerciseGraph(s.graph);
        if (s.reader) await readAll(s.reader);
      } finally {
        await s.close();
      }
    },
  },
  {
    name: 'object-graph',
    covers: 'TF2 object-based checkpoints: the _CHECKPOINTABLE_OBJECT_GRAPH proto (§8.22)',
    text: false,
    async run(seed, _member, bytes) {
      decodeObjectGraph(bytes, 'fuzz');
      objectGraphNames(bytes, seed.outputs ?? []);
    },
  },
  {
    name: 'freeze',
    covers: 'the freezer (freezing.md) on a mutated .meta (or checkpoint) with a chosen output, written to a file',
    text: false,
    async run(seed, member, bytes, scratch) {
      await writeSet(scratch, seed, member, bytes);
      const prefix = join(scratch, prefixOf(seed));
      const s = await openSource(prefix);
      try {
        const plan = await planFreeze(s, { outputs: [...(seed.outputs ?? [])] });
        await mkdir(join(scratch, 'out'), { recursive: true });
        await writeFreeze(plan, join(scratch, 'out', 'frozen.pb'));
      } finally {
        await s.close();
      }
    },
  },
];

export function fuzzTarget(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new FrostError('USAGE', `There is no fuzz target "${name}" (targets: ${TARGETS.map((x) => x.name).join(', ')}).`);
  return t;
}

function hintOf(name: string): 'meta-graph' | 'graph-def' | 'saved-model' | undefined {
  if (name.endsWith('.meta')) return 'meta-graph';
  if (name.endsWith('saved_model.pb')) return 'saved-model';
  if (name.endsWith('.pb')) return 'graph-def';
  return undefined;
}

/** The checkpoint prefix of a seed's file set: the name its `.index` (or V1 file) has. */
function prefixOf(seed: FuzzSeed): string {
  const index = Object.keys(seed.files).find((n) => n.endsWith('.index'));
  if (index !== undefined) return index.slice(0, -'.index'.length);
  const v1 = seed.files['model.ckpt'] !== undefined ? 'model.ckpt' : Object.keys(seed.files).find((n) => /-\d{5}-of-\d{5}$/.test(n));
  if (v1 === undefined) throw new FrostError('USAGE', `Fuzz seed ${seed.id} has no checkpoint.`);
  return v1.replace(/-\d{5}-of-(\d{5})$/, '-?????-of-$1');
}

// ---- seeds: real fixtures plus our writers' outputs -----------------------------------------

async function filesOf(dir: string, names: readonly string[]): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const n of names) out[n] = new Uint8Array(await readFile(join(dir, n)));
  return out;
}

async function prefixFiles(dir: string, prefix: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n === `${prefix}.index` || n.startsWith(`${prefix}.data-`) || n === `${prefix}.meta`).sort();
}

/** Frost's own writers: the demo checkpoint and a bundle with strings, slices and snappy blocks. */
async function writerOutputs(scratch: string): Promise<{ demo: string; bundle: string }> {
  const demo = join(scratch, 'demo');
  const bundle = join(scratch, 'bundle');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(bundle, { recursive: true });
  await writeDemoCheckpoint(demo);
  const f32 = (shape: number[], values: number[]): TensorData => ({ kind: 'numeric', dtype: DT.FLOAT, shape, bytes: new Uint8Array(Float32Array.from(values).buffer) });
  const enc = new TextEncoder();
  await writeBundleV2(
    join(bundle, 'w'),
    [
      { key: 'a', data: f32([2, 2], [1, 2, 3, 4]) },
      { key: 'p', dtype: DT.FLOAT, shape: [4], slices: [{ start: [0], data: f32([2], [1, 2]) }, { start: [2], data: f32([2], [3, 4]) }] },
      { key: 's', data: { kind: 'string', dtype: DT.STRING, shape: [2], strings: [enc.encode('x'), enc.encode('yz')] } },
    ],
    { compression: 'snappy-always' },
  );
  return { demo, bundle };
}

const BUNDLE_FIXTURES: readonly [string, string][] = [
  ['simple-model-freeze-oracle', 'simple_model'],
  ['estimator-basics-v2', 'model.ckpt-2000'],
  ['iris-dnn-contrib-learn-v2', 'model.ckpt-8000'],
  ['linear-ftrl-2shards', 'model.ckpt-1000'],
  ['tf2-object-ckpt-a2c', 'ckpt-6'],
  ['half-plus-two-savedmodel-tf1/variables', 'variables'],
];

/** Seeds per target, from `fixtures` (the shared fixture folder) and writer outputs in `scratch`. */
export async function loadSeeds(target: string, fixtures: string, scratch: string): Promise<FuzzSeed[]> {
  const w = target === 'bundle' || target === 'sstable' || target === 'sstable-block' || target === 'snappy' || target === 'bundle-entry' || target === 'graph-binary' || target === 'pbtxt' || target === 'freeze' || target === 'state-file' ? await writerOutputs(scratch) : undefined;
  const one = (id: string, name: string, bytes: Uint8Array, outputs?: readonly string[]): FuzzSeed => ({ id, files: { [name]: bytes }, members: [name], ...(outputs ? { outputs } : {}) });
  const bundleSets = async (): Promise<FuzzSeed[]> => {
    const seeds: FuzzSeed[] = [];
    for (const [dir, prefix] of BUNDLE_FIXTURES) {
      const names = (await prefixFiles(join(fixtures, dir), prefix)).filter((n) => !n.endsWith('.meta'));
      seeds.push({ id: `${dir}/${prefix}`, files: await filesOf(join(fixtures, dir), names), members: names });
    }
    if (w) {
      for (const [dir, prefix] of [[w.demo, 'model.ckpt-1000'], [w.bundle, 'w']] as const) {
        const names = (await prefixFiles(dir, prefix)).filter((n) => !n.endsWith('.meta'));
        seeds.push({ id: `writer:${dir === w.demo ? 'demo' : 'bundle'}/${prefix}`, files: await filesOf(dir, names), members: names });
      }
    }
    return seeds;
  };
  switch (target) {
    case 'sstable': {
      const seeds: FuzzSeed[] = [];
      for (const s of await bundleSets()) {
        for (const [n, b] of Object.entries(s.files)) if (n.endsWith('.index')) seeds.push(one(`${s.id}.index`, n, b));
      }
      const v1 = join(fixtures, 'mnist-softmax-v1-freeze-oracle', 'model.ckpt');
      seeds.push(one('mnist-softmax-v1-freeze-oracle/model.ckpt', 'model.ckpt', new Uint8Array(await readFile(v1))));
      return seeds;
    }
    case 'sstable-block':
    case 'snappy': {
      // Blocks built by Frost's block writer from the entries of real tables.
      const seeds: FuzzSeed[] = [];
      for (const s of await bundleSets()) {
        for (const [n, b] of Object.entries(s.files)) {
          if (!n.endsWith('.index')) continue;
          const block = new BlockBuilder(1 + (seeds.length % 16));
          for await (const e of (await TableReader.fromSource(memorySource(b), n)).entries()) block.add(e.key, e.value);
          const raw = block.finish();
          seeds.push(one(`${s.id}.index:block`, 'block', target === 'snappy' ? snappyCompress(raw) : raw));
        }
      }
      return seeds;
    }
    case 'bundle-entry': {
      const seeds: FuzzSeed[] = [];
      for (const s of await bundleSets()) {
        for (const [n, b] of Object.entries(s.files)) {
          if (!n.endsWith('.index')) continue;
          const t = await TableReader.fromSource(memorySource(b), n);
          let i = 0;
          for await (const e of t.entries()) {
            if (e.key.length > 0) seeds.push(one(`${s.id}.index#${i}`, 'entry', e.value));
            i++;
          }
        }
      }
      return seeds;
    }
    case 'bundle':
      return bundleSets();
    case 'v1': {
      const mnist = join(fixtures, 'mnist-softmax-v1-freeze-oracle');
      const hp = join(fixtures, 'half-plus-two-v1-session-bundle');
      return [
        { id: 'mnist-softmax-v1-freeze-oracle/model.ckpt', files: await filesOf(mnist, ['model.ckpt']), members: ['model.ckpt'] },
        { id: 'half-plus-two-v1-session-bundle/export', files: await filesOf(hp, ['export-00000-of-00001']), members: ['export-00000-of-00001'] },
      ];
    }
    case 'graph-binary': {
      const list: [string, string][] = [
        ['simple-model-freeze-oracle', 'simple_model.meta'],
        ['simple-model-freeze-oracle', 'frozen_model.pb'],
        ['half-plus-two-v1-session-bundle', 'export.meta'],
        ['half-plus-two-savedmodel-tf1', 'saved_model.pb'],
        ['half-plus-two-savedmodel-tf2', 'saved_model.pb'],
        ['mnist-softmax-v1-freeze-oracle', 'graph.pb'],
        ['small-frozen-47k', 'frozen_model.pb'],
      ];
      const seeds: FuzzSeed[] = [];
      for (const [dir, name] of list) seeds.push(one(`${dir}/${name}`, name, new Uint8Array(await readFile(join(fixtures, dir, name)))));
      if (w) seeds.push(one('writer:demo/model.ckpt-1000.meta', 'model.ckpt-1000.meta', new Uint8Array(await readFile(join(w.demo, 'model.ckpt-1000.meta')))));
      return seeds;
    }
    case 'pbtxt': {
      // Text written by Frost's printer from real graphs (the 339 KB graph.pbtxt fixture is
      // too slow to mutate ten thousand times; its grammar is the same).
      const seeds: FuzzSeed[] = [];
      const sources: [string, string][] = [
        ['simple-model-freeze-oracle', 'simple_model.meta'],
        ['simple-model-freeze-oracle', 'frozen_model.pb'],
        ['half-plus-two-v1-session-bundle', 'export.meta'],
      ];
      for (const [dir, name] of sources) {
        const g = decodeGraphBytes(new Uint8Array(await readFile(join(fixtures, dir, name))), name);
        seeds.push(one(`${dir}/${name}:pbtxt`, 'graph.pbtxt', new TextEncoder().encode(printTextProto(g.graphDef, 'tensorflow.GraphDef'))));
      }
      return seeds;
    }
    case 'state-file': {
      const seeds: FuzzSeed[] = [];
      for (const dir of ['cifar10-queues-meta-only', 'iris-dnn-contrib-learn-v2', 'tf2-object-ckpt-a2c', 'linear-ftrl-2shards', 'simple-model-freeze-oracle']) {
        seeds.push(one(`${dir}/checkpoint`, 'checkpoint', new Uint8Array(await readFile(join(fixtures, dir, 'checkpoint')))));
      }
      if (w) seeds.push(one('writer:demo/checkpoint', 'checkpoint', new Uint8Array(await readFile(join(w.demo, 'checkpoint')))));
      return seeds;
    }
    case 'saved-model': {
      const seeds: FuzzSeed[] = [];
      for (const dir of ['half-plus-two-savedmodel-tf1', 'half-plus-two-savedmodel-tf2']) {
        const base = join(fixtures, dir);
        const vars = (await readdir(join(base, 'variables'))).map((n) => `variables/${n}`);
        const names = ['saved_model.pb', ...vars];
        seeds.push({ id: dir, files: await filesOf(base, names), members: names });
      }
      return seeds;
    }
    case 'object-graph': {
      const seeds: FuzzSeed[] = [];
      for (const [dir, prefix] of [['tf2-object-ckpt-a2c', 'ckpt-6'], ['half-plus-two-savedmodel-tf2/variables', 'variables']] as const) {
        const r = await openCheckpoint(join(fixtures, dir, prefix));
        try {
          const t = await r.read(OBJECT_GRAPH_KEY);
          const bytes = t.kind === 'string' ? t.strings[0] : undefined;
          if (bytes) seeds.push({ ...one(`${dir}/${prefix}:object-graph`, 'object-graph', bytes), outputs: r.list().map((e) => e.key) });
        } finally {
          await r.close();
        }
      }
      return seeds;
    }
    case 'freeze': {
      const seeds: FuzzSeed[] = [];
      const list: [string, string, string][] = [
        ['simple-model-freeze-oracle', 'simple_model', 'Model/add'],
        ['estimator-basics-v2', 'model.ckpt-2000', 'dense_1/BiasAdd'],
      ];
      for (const [dir, prefix, output] of list) {
        const names = await prefixFiles(join(fixtures, dir), prefix);
        // The freezer over mutated graphs: damaged checkpoints are the bundle target's.
        seeds.push({ id: `${dir}/${prefix}`, files: await filesOf(join(fixtures, dir), names), members: [`${prefix}.meta`], outputs: [output] });
      }
      if (w) {
        const names = await prefixFiles(w.demo, 'model.ckpt-1000');
        seeds.push({ id: 'writer:demo/model.ckpt-1000', files: await filesOf(w.demo, names), members: ['model.ckpt-1000.meta'], outputs: ['probabilities'] });
      }
      return seeds;
    }
    default:
      fuzzTarget(target);
      throw new FrostError('USAGE', `No seeds for fuzz target "${target}".`);
  }
}

// ---- mutation: raw bytes, or structure-aware for tables ------------------------------------

const TABLE_MEMBER = /(\.index|^model\.ckpt|-\d{5}-of-\d{5})$/;

/**
 * Raw mutation hits a block checksum most of the time, so half the mutations of a table file
 * (an .index, a V1 checkpoint) mutate one entry's key or value and rebuild the table with
 * Frost's writer: the readers then get past the CRCs to the protos inside (§3, §4.1-§4.2).
 */
async function mutateTable(bytes: Uint8Array, rng: Rng): Promise<{ bytes: Uint8Array; ops: string[] } | undefined> {
  let entries: [Uint8Array, Uint8Array][];
  try {
    const t = await TableReader.fromSource(memorySource(bytes), 'seed');
    entries = [];
    for await (const e of t.entries()) entries.push([e.key, e.value]);
  } catch {
    return undefined;
  }
  if (entries.length === 0) return undefined;
  const i = rng.int(entries.length);
  const [k, v] = entries[i] as [Uint8Array, Uint8Array];
  const onKey = k.length > 0 && rng.int(6) === 0;
  const m = mutate(onKey ? k : v, rng);
  entries[i] = onKey ? [m.bytes, v] : [k, m.bytes];
  if (onKey) entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  // Duplicate keys after a key mutation are not a table Frost's writer makes; keep the first.
  const unique = entries.filter((e, j) => j === 0 || Buffer.compare(e[0], (entries[j - 1] as [Uint8Array, Uint8Array])[0]) !== 0);
  const compression = rng.pick(['none', 'snappy-always'] as const);
  return { bytes: buildTable(unique, { compression }), ops: [...m.ops.map((o) => `${onKey ? 'key' : 'value'}:${o}`), `table-rebuild-${compression}`] };
}

/** The bytes of one fuzz input: `member` of `seed`, mutated. */
export async function mutateMember(target: FuzzTarget, seed: FuzzSeed, member: string, rng: Rng): Promise<{ bytes: Uint8Array; ops: string[] }> {
  const original = seed.files[member];
  if (original === undefined) throw new FrostError('USAGE', `Fuzz seed ${seed.id} has no member ${member}.`);
  if (TABLE_MEMBER.test(member) && target.name !== 'sstable' && rng.int(2) === 0) {
    const rebuilt = await mutateTable(original, rng);
    if (rebuilt) return rebuilt;
  }
  // Graphs for the freezer and the graph views: half get graph-level damage (mutate-graph.ts).
  const graphKind = member.endsWith('.meta') ? 'meta-graph' : member.endsWith('.pb') && !member.endsWith('saved_model.pb') ? 'graph-def' : undefined;
  if (graphKind && (target.name === 'freeze' || target.name === 'graph-binary') && rng.int(2) === 0) {
    const mutated = mutateGraphBytes(original, graphKind, rng);
    if (mutated) return mutated;
  }
  return mutate(original, rng, target.text);
}
