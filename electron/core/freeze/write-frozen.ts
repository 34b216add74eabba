/**
 * Writes a FrozenGraph as a binary GraphDef `.pb` (tf-formats.md §10), streaming: nodes are
 * encoded one at a time, deterministically (fields in field-number order, attr maps sorted by
 * key, §10.1), and each Const's `value` is built like make_tensor_proto (§8.3). Large numeric
 * tensors stored whole in a little-endian V2 bundle are copied straight from the data shard
 * into tensor_content, with the shard CRC checked on the way (§4.5); everything else is read
 * through the CheckpointReader. Peak memory is the graph structure plus one tensor.
 *
 * The exact output size is computed before anything is written, mostly from the checkpoint
 * index alone (dtype, shape, slices), and files of 2 GiB or more are refused (§10.4).
 */
import { FrostError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { RandomAccessFile } from '../io/file.js';
import { crc32c, maskCrc } from '../io/crc32c.js';
import type { TensorLocation } from '../checkpoint/bundle-v2.js';
import type { CheckpointReader, TensorEntryInfo } from '../checkpoint/reader.js';
import { streamChunks } from '../checkpoint/shard-read.js';
import { forEachSliceRun } from '../checkpoint/tensor-slice.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, formatShape, type TensorData } from '../tensor/tensor-data.js';
import type { ConstValue, FrozenGraph, FrozenNode, SliceSpec } from './frozen-graph.js';
import {
  VALUE_ATTR, bodyBytes, contentHeader, encodeGraphTrailer, encodeNodeField, encodeNodeParts, fieldSize, isConstant,
  numericBodyEstimate, stringBodyEstimate, tensorBody, tensorHead, usesTensorContent, valueNodeHeader, valueNodeSizes,
  type BodyEstimate, type TensorBody,
} from './frozen-encoding.js';

/** Protobuf messages, and so GraphDefs, must stay below 2^31 bytes (§10.4). */
export const GRAPHDEF_LIMIT_BYTES = 2 ** 31;
/** freezing.md §8 row 12: warn well before the limit. */
export const GRAPHDEF_WARN_BYTES = Math.floor(1.8 * 2 ** 30);
/** Tensors below this size are read through the reader even when they could be streamed. */
export const DEFAULT_STREAM_THRESHOLD = 1 << 20;
/** How many of the biggest constants a size report names. */
const LARGEST_LISTED = 10;

export interface FrozenGraphSize {
  /** Serialized size of the GraphDef; an upper-bound estimate when `exact` is false. */
  bytes: number;
  /** The biggest constants, largest first: each node's whole contribution to the file. */
  largest: { node: string; bytes: number }[];
  /**
   * False when some constant's encoding depends on its values, which the checkpoint index
   * does not describe: single-element integer/half tensors and uint16/int4 arrays (varints,
   * §7), string tensors of V1 checkpoints or cut from a partitioned one. `bytes` then counts
   * their largest possible size (V1 strings: their smallest). measureFrozenGraphExact reads
   * just those tensors.
   */
  exact: boolean;
}

export interface WriteFrozenOptions {
  /** Files that must not be overwritten; the checkpoint's own files are always protected. */
  inputs?: string[];
  signal?: AbortSignal;
  onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Data-shard read size for streamed tensors (default: shard-read's 8 MiB). */
  chunkSize?: number;
  /** Shard reads in flight while a chunk is written (default: shard-read's 3). */
  readAhead?: number;
  /** Smallest tensor_content copied straight from a shard (default 1 MiB; 0 streams all). */
  streamThreshold?: number;
}

/** A Const whose value lives in the checkpoint, resolved against the checkpoint index. */
interface CheckpointMeta {
  node: string;
  key: string;
  dtype: number;
  /** The Const's shape (the slice's shape when `slice` is set). */
  shape: number[];
  /** The checkpoint tensor's full shape. */
  fullShape: number[];
  slice: SliceSpec | undefined;
  info: TensorEntryInfo;
}

interface NodeMeasure {
  name: string;
  /** The node's GraphDef field size (upper bound when not exact). */
  bytes: number;
  exact: boolean;
}

/**
 * The size of the GraphDef writeFrozenGraph will produce, from the graph and the checkpoint
 * index only: no tensor data is read. Exact unless `exact` is false (see FrozenGraphSize).
 * Throws INVALID_GRAPH / TENSOR_NOT_FOUND / UNSUPPORTED_DTYPE for values it cannot write.
 */
export function measureFrozenGraph(graph: FrozenGraph, reader: CheckpointReader | undefined): FrozenGraphSize {
  return summarize(graph, graph.nodes.map((n) => measureNode(n, reader)));
}

/**
 * Like measureFrozenGraph, but always exact: the few constants whose size depends on their
 * values (usually scalars) are read, one at a time, and their encodings measured.
 */
export async function measureFrozenGraphExact(
  graph: FrozenGraph,
  reader: CheckpointReader | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<FrozenGraphSize> {
  const measures: NodeMeasure[] = [];
  for (const node of graph.nodes) {
    checkAbort(options.signal, 'Measuring the frozen graph');
    const m = measureNode(node, reader);
    if (!m.exact && node.value?.kind === 'checkpoint') {
      const meta = checkpointMeta(node, node.value, reader);
      const data = await loadValue(meta, reader as CheckpointReader);
      m.bytes = fieldSize(valueNodeSizes(encodeNodeParts(node.def), bodyBytes(tensorBody(data))).node);
      m.exact = true;
    }
    measures.push(m);
  }
  return summarize(graph, measures);
}

/** Throws TOO_LARGE naming the size and the biggest constants when `size` reaches 2 GiB (§10.4). */
export function assertFrozenGraphFits(size: FrozenGraphSize, what = 'The frozen graph'): void {
  if (size.bytes < GRAPHDEF_LIMIT_BYTES) return;
  const top = size.largest.slice(0, 5).map((l) => `${l.node} (${formatBytes(l.bytes)})`);
  throw new FrostError(
    'TOO_LARGE',
    `${what} would be ${size.bytes} bytes (${formatBytes(size.bytes)}), but protobuf and TensorFlow cannot load a GraphDef of 2 GiB or more.` +
      (top.length > 0 ? ` The largest constants are ${top.join(', ')}.` : '') +
      ' Prune or share those constants, store them as float16, or export a SavedModel instead.',
  );
}

/**
 * Writes `graph` to `path` atomically (nothing is left behind on failure or cancellation) and
 * returns the file size, which always equals measureFrozenGraphExact's.
 */
export async function writeFrozenGraph(
  path: string,
  graph: FrozenGraph,
  reader: CheckpointReader | undefined,
  options: WriteFrozenOptions = {},
): Promise<{ bytes: number }> {
  const { signal, onProgress } = options;
  const what = `Writing ${path}`;
  checkAbort(signal, what);
  // Refuse before creating anything (§10.4).
  const size = await measureFrozenGraphExact(graph, reader, signal ? { signal } : {});
  assertFrozenGraphFits(size, `The frozen graph ${path}`);
  const total = size.bytes;
  const inputs = [...(options.inputs ?? []), ...(reader?.files ?? [])];
  const shards = new Map<string, Promise<RandomAccessFile>>();
  let written = 0;
  try {
    await writeFileAtomic(
      path,
      async (write) => {
        const sink = new Sink(write, () => checkAbort(signal, what), (n) => onProgress?.(n, total));
        const prefetch = new Prefetcher(graph, reader, options);
        for (const [i, node] of graph.nodes.entries()) {
          checkAbort(signal, what);
          prefetch.advance(i);
          if (node.value) await writeValueNode(sink, node, node.value, reader, shards, options, prefetch.take(node));
          else await sink.put(encodeNodeField(node.def));
        }
        await sink.put(encodeGraphTrailer(graph));
        await sink.flush();
        written = sink.written;
        if (written !== total) {
          // The index and the data disagree (e.g. the checkpoint changed while it was written).
          throw new FrostError('WRITE_FAILED', `Could not write ${path}: it came out at ${written} bytes instead of the ${total} measured beforehand; the checkpoint may have changed meanwhile.`, { file: path });
        }
      },
      { inputs },
    );
  } finally {
    for (const f of shards.values()) await f.then((h) => h.close()).catch(() => undefined);
  }
  if (total === 0) onProgress?.(0, 0);
  return { bytes: written };
}

/**
 * Reads the next few small checkpoint values while earlier nodes are being written: a
 * training graph has hundreds of tiny variables, and one read at a time spends most of the
 * write waiting on the thread pool. Only values that are read whole (not streamed) and small
 * are prefetched, so memory stays bounded (PREFETCH_VALUES × DEFAULT_STREAM_THRESHOLD).
 */
const PREFETCH_VALUES = 16;

class Prefetcher {
  private readonly pending = new Map<FrozenNode, Promise<TensorData>>();
  private next = 0;

  constructor(
    private readonly graph: FrozenGraph,
    private readonly reader: CheckpointReader | undefined,
    private readonly options: WriteFrozenOptions,
  ) {}

  advance(current: number): void {
    if (!this.reader) return;
    this.next = Math.max(this.next, current);
    while (this.next < this.graph.nodes.length && this.pending.size < PREFETCH_VALUES) {
      const node = this.graph.nodes[this.next++] as FrozenNode;
      const value = node.value;
      if (value?.kind !== 'checkpoint') continue;
      const meta = checkpointMeta(node, value, this.reader);
      const bytes = elementCount(meta.shape) * (dtypeInfo(meta.dtype)?.itemSize ?? 1);
      if (bytes >= (this.options.streamThreshold ?? DEFAULT_STREAM_THRESHOLD)) continue;
      const p = loadValue(meta, this.reader);
      p.catch(() => undefined); // observed when taken; a failure surfaces at its node
      this.pending.set(node, p);
    }
  }

  take(node: FrozenNode): Promise<TensorData> | undefined {
    const p = this.pending.get(node);
    this.pending.delete(node);
    return p;
  }
}

/** Buffers small pieces into large writes; big pieces go straight through. */
class Sink {
  written = 0;
  private readonly buf = Buffer.allocUnsafeSlow(SINK_BUFFER);
  private used = 0;

  constructor(
    private readonly out: (chunk: Uint8Array) => Promise<void>,
    private readonly check: () => void,
    private readonly progress: (written: number) => void,
  ) {}

  /** `bytes` is only read before the returned promise settles, so it may be a reused buffer. */
  async put(bytes: Uint8Array): Promise<void> {
    if (bytes.length >= SINK_DIRECT) {
      await this.flush();
      await this.emit(bytes);
      return;
    }
    if (this.used + bytes.length > this.buf.length) await this.flush();
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    await this.emit(this.buf.subarray(0, n));
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    this.check();
    await this.out(bytes);
    this.written += bytes.length;
    this.progress(this.written);
  }
}
const SINK_BUFFER = 1 << 20;
const SINK_DIRECT = 256 << 10;

async function writeValueNode(
  sink: Sink,
  node: FrozenNode,
  value: ConstValue,
  reader: CheckpointReader | undefined,
  shards: Map<string, Promise<RandomAccessFile>>,
  options: WriteFrozenOptions,
  preloaded: Promise<TensorData> | undefined,
): Promise<void> {
  const parts = encodeNodeParts(checkDef(node, value));
  let body: TensorBody | undefined;
  if (value.kind === 'tensor') {
    checkTensorData(nodeName(node), value.data, undefined);
    body = tensorBody(value.data);
  } else {
    const meta = checkpointMeta(node, value, reader);
    const r = reader as CheckpointReader;
    const streamed = preloaded ? undefined : await openStream(meta, r, shards, options);
    if (streamed) {
      const { loc, file } = streamed;
      const head = tensorHead(meta.dtype, meta.shape);
      await sink.put(valueNodeHeader(parts, bodyBytes({ head, content: loc.size })));
      await sink.put(head);
      await sink.put(contentHeader(loc.size));
      let crc = 0;
      await streamChunks(
        file,
        loc.offset,
        loc.size,
        async (chunk) => {
          crc = crc32c(chunk, crc); // verified on the fly (§4.5): the bytes as stored
          await sink.put(chunk);
        },
        { what: `tensor ${JSON.stringify(meta.key)}`, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}), ...(options.readAhead ? { readAhead: options.readAhead } : {}) },
      );
      if (maskCrc(crc) !== loc.maskedCrc) {
        throw new FrostError(
          'CRC_MISMATCH',
          `Checksum mismatch for tensor ${JSON.stringify(meta.key)} in ${loc.file} (bytes ${loc.offset}..${loc.offset + loc.size}): stored 0x${hex(loc.maskedCrc)}, computed 0x${hex(maskCrc(crc))}. The data file is damaged; nothing was written.`,
          { file: loc.file, offset: loc.offset },
        );
      }
      await sink.put(parts.post);
      return;
    }
    body = tensorBody(await (preloaded ?? loadValue(meta, r)));
  }
  await sink.put(valueNodeHeader(parts, bodyBytes(body)));
  await sink.put(body.head);
  if (body.content) {
    await sink.put(contentHeader(body.content.length));
    await sink.put(body.content);
  }
  await sink.put(parts.post);
}

interface LocatingReader {
  locate(key: string): TensorLocation | undefined;
}

function canLocate(r: CheckpointReader): r is CheckpointReader & LocatingReader {
  return typeof (r as Partial<LocatingReader>).locate === 'function';
}

/**
 * The shard location of a tensor whose stored bytes are exactly its tensor_content: a whole
 * (unsliced) numeric tensor in a little-endian V2 bundle (§4.4, §4.9). Undefined otherwise, or
 * when the shard cannot be opened (then the reader's read() gives the proper error).
 */
async function openStream(
  meta: CheckpointMeta,
  reader: CheckpointReader,
  shards: Map<string, Promise<RandomAccessFile>>,
  options: WriteFrozenOptions,
): Promise<{ loc: TensorLocation; file: RandomAccessFile } | undefined> {
  if (meta.slice || !canLocate(reader)) return undefined;
  const n = elementCount(meta.shape);
  const size = n * (dtypeInfo(meta.dtype)?.itemSize ?? 0);
  if (!usesTensorContent(meta.dtype, n) || size < (options.streamThreshold ?? DEFAULT_STREAM_THRESHOLD)) return undefined;
  const loc = reader.locate(meta.key);
  if (!loc || loc.endianness !== 'little' || loc.size !== size) return undefined;
  let p = shards.get(loc.file);
  if (!p) {
    p = RandomAccessFile.open(loc.file);
    p.catch(() => undefined);
    shards.set(loc.file, p);
  }
  const file = await p.catch(() => undefined);
  return file ? { loc, file } : undefined;
}

function nodeName(node: FrozenNode): string {
  return node.def.name ?? '';
}

function measureNode(node: FrozenNode, reader: CheckpointReader | undefined): NodeMeasure {
  const name = nodeName(node);
  const value = node.value;
  if (!value) return { name, bytes: encodeNodeField(node.def).length, exact: true };
  const parts = encodeNodeParts(checkDef(node, value));
  let body: BodyEstimate;
  if (value.kind === 'tensor') {
    checkTensorData(name, value.data, undefined);
    body = { bytes: bodyBytes(tensorBody(value.data)), exact: true };
  } else {
    const meta = checkpointMeta(node, value, reader);
    if (meta.dtype === DT.STRING) {
      const r = reader as CheckpointReader;
      const stored = r.format === 'v2' ? { bytes: meta.info.bytes, payloads: meta.info.partitions ?? 1 } : undefined;
      body = stringBodyEstimate(meta.shape, stored, !meta.slice);
    } else {
      const e = numericBodyEstimate(meta.dtype, meta.shape);
      if (!e) throw unsupported(meta);
      body = e;
    }
  }
  return { name, bytes: fieldSize(valueNodeSizes(parts, body.bytes).node), exact: body.exact };
}

function summarize(graph: FrozenGraph, measures: NodeMeasure[]): FrozenGraphSize {
  let bytes = encodeGraphTrailer(graph).length;
  let exact = true;
  for (const m of measures) {
    bytes += m.bytes;
    exact &&= m.exact;
  }
  const largest = measures
    .filter((_, i) => isConstant(graph.nodes[i] as FrozenNode))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, LARGEST_LISTED)
    .map((m) => ({ node: m.name, bytes: m.bytes }));
  return { bytes, largest, exact };
}

/** The def of a value node must leave `value` to the writer and agree on the dtype (§10.3). */
function checkDef(node: FrozenNode, value: ConstValue): FrozenNode['def'] {
  const attr = node.def.attr ?? {};
  if (Object.prototype.hasOwnProperty.call(attr, VALUE_ATTR)) {
    throw invalid(`Node ${JSON.stringify(nodeName(node))} already has a value attr, so the writer cannot fill it in.`);
  }
  const declared = attr['dtype']?.type;
  const dtype = value.kind === 'tensor' ? value.data.dtype : value.dtype;
  if (declared !== undefined && declared !== null && declared !== dtype) {
    throw invalid(`Const ${JSON.stringify(nodeName(node))} declares dtype ${dtypeName(declared)} but its value is ${dtypeName(dtype)}.`);
  }
  return node.def;
}

/** Resolves a checkpoint value against the index: the key exists, dtype and shape agree, the slice fits. */
function checkpointMeta(node: FrozenNode, value: ConstValue & { kind: 'checkpoint' }, reader: CheckpointReader | undefined): CheckpointMeta {
  const name = nodeName(node);
  if (!reader) throw invalid(`Const ${JSON.stringify(name)} takes its value from checkpoint key ${JSON.stringify(value.key)}, but no checkpoint was given.`);
  const info = reader.get(value.key);
  if (!info) {
    throw new FrostError('TENSOR_NOT_FOUND', `Const ${JSON.stringify(name)} needs checkpoint tensor ${JSON.stringify(value.key)}, which ${reader.prefix} does not have.`, { file: reader.prefix });
  }
  const want = `${dtypeName(value.dtype)}${formatShape(value.shape)}`;
  const have = `${dtypeName(info.dtype)}${formatShape(info.shape)}`;
  if (info.dtype !== value.dtype) {
    throw invalid(`Const ${JSON.stringify(name)} is ${want}, but checkpoint tensor ${JSON.stringify(value.key)} is ${have}.`);
  }
  if (info.opaque) throw unsupported({ node: name, key: value.key, dtype: info.dtype });
  const slice = value.slice;
  if (slice) {
    const rank = info.shape.length;
    const fits = slice.start.length === rank && slice.length.length === rank &&
      slice.start.every((s, d) => {
        const l = slice.length[d] as number;
        return Number.isSafeInteger(s) && Number.isSafeInteger(l) && s >= 0 && l >= 0 && s + l <= (info.shape[d] as number);
      });
    if (!fits) {
      throw invalid(`Const ${JSON.stringify(name)} takes the slice at [${slice.start.join(', ')}] of length [${slice.length.join(', ')}] of checkpoint tensor ${JSON.stringify(value.key)}, which does not fit its shape ${formatShape(info.shape)}.`);
    }
    if (!sameShape(slice.length, value.shape)) {
      throw invalid(`Const ${JSON.stringify(name)} is ${want}, but the slice of ${JSON.stringify(value.key)} it stands for has shape ${formatShape(slice.length)}.`);
    }
  } else if (!sameShape(info.shape, value.shape)) {
    throw invalid(`Const ${JSON.stringify(name)} is ${want}, but checkpoint tensor ${JSON.stringify(value.key)} is ${have}.`);
  }
  return { node: name, key: value.key, dtype: value.dtype, shape: [...value.shape], fullShape: [...info.shape], slice, info };
}

/** Reads a checkpoint value, checks what came back, and cuts the slice when there is one (§4.8). */
async function loadValue(meta: CheckpointMeta, reader: CheckpointReader): Promise<TensorData> {
  const data = await reader.read(meta.key);
  const expectShape = meta.slice ? meta.fullShape : meta.shape;
  if (data.dtype !== meta.dtype || !sameShape(data.shape, expectShape)) {
    throw invalid(
      `Const ${JSON.stringify(meta.node)} expects ${dtypeName(meta.dtype)}${formatShape(expectShape)} from checkpoint key ${JSON.stringify(meta.key)}, but reading it gave ${dtypeName(data.dtype)}${formatShape(data.shape)}.`,
    );
  }
  checkTensorData(meta.node, data, meta.key);
  return meta.slice ? cutSlice(data, meta.slice) : data;
}

/** The hyper-rectangle `slice` of `data`, row-major (§4.8). */
export function cutSlice(data: TensorData, slice: SliceSpec): TensorData {
  const shape = [...slice.length];
  const geometry = { start: [...slice.start], length: [...slice.length], keyDims: [] };
  if (data.kind === 'string') {
    const strings = new Array<Uint8Array>(elementCount(shape));
    forEachSliceRun(data.shape, geometry, (src, dst, count) => {
      for (let i = 0; i < count; i++) strings[src + i] = data.strings[dst + i] as Uint8Array;
    });
    return { kind: 'string', dtype: DT.STRING, shape, strings };
  }
  const size = dtypeInfo(data.dtype)?.itemSize ?? 0;
  const bytes = new Uint8Array(elementCount(shape) * size);
  forEachSliceRun(data.shape, geometry, (src, dst, count) => bytes.set(data.bytes.subarray(dst * size, (dst + count) * size), src * size));
  return { kind: 'numeric', dtype: data.dtype, shape, bytes };
}

/** TensorData must hold exactly its shape's elements, or the proto would contradict itself (§10.3). */
function checkTensorData(node: string, data: TensorData, key: string | undefined): void {
  const n = elementCount(data.shape);
  const from = key === undefined ? '' : ` (checkpoint key ${JSON.stringify(key)})`;
  if (data.kind === 'string') {
    if (data.dtype !== DT.STRING || data.strings.length !== n) throw invalid(`The value of Const ${JSON.stringify(node)}${from} has ${data.strings.length} strings for shape ${formatShape(data.shape)}.`);
    return;
  }
  const info = dtypeInfo(data.dtype);
  if (!info || info.itemSize === 0 || data.dtype === DT.STRING) {
    throw new FrostError('UNSUPPORTED_DTYPE', `The value of Const ${JSON.stringify(node)}${from} has dtype ${dtypeName(data.dtype)}, which cannot be written as a constant.`);
  }
  if (data.bytes.length !== n * info.itemSize) {
    throw invalid(`The value of Const ${JSON.stringify(node)}${from} has ${data.bytes.length} bytes, but ${dtypeName(data.dtype)}${formatShape(data.shape)} takes ${n * info.itemSize}.`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function checkAbort(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new FrostError('CANCELLED', `${what} was cancelled; nothing was written.`);
}

function invalid(sentence: string): FrostError {
  return new FrostError('INVALID_GRAPH', sentence);
}

function unsupported(m: { node: string; key: string; dtype: number }): FrostError {
  return new FrostError('UNSUPPORTED_DTYPE', `Const ${JSON.stringify(m.node)} would hold checkpoint tensor ${JSON.stringify(m.key)} of dtype ${dtypeName(m.dtype)}, which cannot be written as a constant.`);
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
