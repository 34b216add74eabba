/**
 * V1 checkpoints (tf-formats.md §5): one table per shard whose `""` entry is a
 * SavedTensorSliceMeta (the table of contents) and whose other entries are SavedSlices
 * keyed by slice key (§4.8). Slices are placed geometrically into the full tensor; values
 * come from TensorProto typed fields, exactly one per element.
 */
import { resolve } from 'node:path';
import { FrostError } from '../errors.js';
import { tensorflow } from '../proto/tf.js';
import { DT, dtypeInfo, dtypeName } from '../tensor/dtype.js';
import { elementCount, type TensorData } from '../tensor/tensor-data.js';
import { tensorFromProto, typedValueCount } from '../tensor/tensor-proto.js';
import { MAX_TENSOR_BYTES, completeShape } from '../tensor/tensor-shape.js';
import { Long } from '../proto/tf.js';
import { compareBytes } from './sstable-format.js';
import { keyBytes } from './keys.js';
import type { CheckpointReader, ReadOptions, TensorEntryInfo } from './reader.js';
import { encodeSliceKey } from './slice-key.js';
import { TableReader } from './sstable.js';
import { forEachSliceRun, resolveSlice, sliceShapeEquals, type Slice } from './tensor-slice.js';
import { findV1Files } from './v1-files.js';
import { rawSliceFloats } from './wire-floats.js';

const V1_CONSUMER_VERSION = 1;

interface V1Tensor {
  info: TensorEntryInfo;
  name: Uint8Array;
  slices: { table: number; slice: Slice }[];
}

export class V1Reader implements CheckpointReader {
  readonly format = 'v1' as const;

  private constructor(
    readonly prefix: string,
    readonly files: readonly string[],
    readonly warnings: readonly FrostError[],
    private readonly tables: readonly TableReader[],
    private readonly tensors: ReadonlyMap<string, V1Tensor>,
    private readonly order: readonly V1Tensor[],
  ) {}

  static async open(prefixIn: string): Promise<V1Reader> {
    const prefix = resolve(prefixIn);
    const found = await findV1Files(prefix);
    if (found.files.length === 0) {
      throw new FrostError(
        'FILE_NOT_FOUND',
        `No checkpoint at ${prefix}: there is no ${prefix}.index (V2) and no V1 checkpoint file matching ${found.pattern}.`,
        { file: prefix },
      );
    }
    const tables: TableReader[] = [];
    try {
      const tensors = new Map<string, V1Tensor>();
      for (const file of found.files) {
        const table = await TableReader.open(file);
        tables.push(table);
        await readMeta(table, tables.length - 1, tensors);
      }
      const warnings = found.missingShards.map(
        (i) =>
          new FrostError(
            'MISSING_SHARD',
            `V1 checkpoint shard ${i} of ${found.expectedShards ?? 0} (${found.pattern}) is missing: the tensors saved in it are not listed.`,
            { file: found.pattern },
          ),
      );
      const order = [...tensors.values()].sort((a, b) => compareBytes(a.name, b.name));
      return new V1Reader(prefix, found.files, warnings, tables, tensors, order);
    } catch (e) {
      for (const t of tables) await t.close();
      throw e;
    }
  }

  list(): TensorEntryInfo[] {
    return this.order.map((t) => ({ ...t.info, shape: [...t.info.shape] }));
  }

  get(key: string): TensorEntryInfo | undefined {
    const t = this.tensors.get(key);
    return t ? { ...t.info, shape: [...t.info.shape] } : undefined;
  }

  /** V1 has only block checksums (§5), which reading the tensor's blocks checks. */
  async verify(key: string): Promise<void> {
    await this.read(key);
  }

  async read(key: string, _options: ReadOptions = {}): Promise<TensorData> {
    // V1 values are protobufs inside CRC-checked blocks: there is no per-tensor checksum.
    const t = this.tensors.get(key);
    if (!t) throw new FrostError('TENSOR_NOT_FOUND', `No tensor ${JSON.stringify(key)} in checkpoint ${this.prefix}.`, { file: this.prefix });
    const { dtype, shape } = t.info;
    const info = dtypeInfo(dtype);
    if (!info || dtype === DT.RESOURCE || dtype === DT.VARIANT) {
      throw new FrostError('UNSUPPORTED_DTYPE', `Tensor ${JSON.stringify(key)} has dtype ${dtypeName(dtype)}, which Frost cannot read from a V1 checkpoint.`, {
        file: this.prefix,
      });
    }
    const n = elementCount(shape);
    if (info.itemSize * n > MAX_TENSOR_BYTES) {
      throw new FrostError('TOO_LARGE', `Tensor ${JSON.stringify(key)} would take ${info.itemSize * n} bytes, more than Frost can hold in memory.`, { file: this.prefix });
    }
    const covered = t.slices.reduce((sum, s) => sum + elementCount(s.slice.length), 0);
    if (covered < n) {
      const missing = this.warnings.some((w) => w.code === 'MISSING_SHARD');
      throw new FrostError(
        missing ? 'MISSING_SHARD' : 'CORRUPT',
        `Tensor ${JSON.stringify(key)} in ${this.prefix} has saved slices covering only ${covered} of its ${n} elements${missing ? '; the rest is in a missing shard' : ''}.`,
        { file: this.prefix },
      );
    }
    const parts: { slice: Slice; data: TensorData }[] = [];
    for (const { table, slice } of t.slices) parts.push({ slice, data: await this.readSlice(t, table, slice) });
    const only = parts[0];
    if (parts.length === 1 && only && sliceShapeEquals(only.slice.length, shape)) return only.data;
    if (dtype === DT.STRING) {
      const strings = new Array<Uint8Array>(n).fill(new Uint8Array(0));
      for (const { slice, data } of parts) {
        if (data.kind !== 'string') continue;
        forEachSliceRun(shape, slice, (src, dst, count) => {
          for (let i = 0; i < count; i++) strings[dst + i] = data.strings[src + i] as Uint8Array;
        });
      }
      return { kind: 'string', dtype: DT.STRING, shape, strings };
    }
    const bytes = new Uint8Array(info.itemSize * n);
    const sz = info.itemSize;
    for (const { slice, data } of parts) {
      if (data.kind !== 'numeric') continue;
      forEachSliceRun(shape, slice, (src, dst, count) => bytes.set(data.bytes.subarray(src * sz, (src + count) * sz), dst * sz));
    }
    return { kind: 'numeric', dtype, shape, bytes };
  }

  async close(): Promise<void> {
    for (const t of this.tables) await t.close();
  }

  private async readSlice(t: V1Tensor, tableIndex: number, slice: Slice): Promise<TensorData> {
    const table = this.tables[tableIndex] as TableReader;
    const key = t.info.key;
    const bad = (why: string): FrostError => new FrostError('CORRUPT', `Tensor ${JSON.stringify(key)} in ${table.file} ${why}.`, { file: table.file });
    const value = await table.get(encodeSliceKey(t.name, slice.keyDims));
    if (!value) throw bad(`lists a slice at [${slice.start.join(', ')}] that has no entry`);
    let saved: tensorflow.SavedTensorSlices;
    try {
      saved = tensorflow.SavedTensorSlices.decode(value);
    } catch (e) {
      throw new FrostError('CORRUPT', `Tensor ${JSON.stringify(key)} in ${table.file} has a slice entry that cannot be decoded.`, { file: table.file, cause: e });
    }
    const data = saved.data;
    if (!data) throw bad('has a slice entry without data');
    if ((data.name ?? '') !== key) throw bad(`has a slice entry that names tensor ${JSON.stringify(data.name ?? '')}`);
    const dtype = t.info.dtype;
    const values = data.data ?? {};
    const n = elementCount(slice.length);
    const content = values.tensorContent ?? new Uint8Array(0);
    if (content.length === 0 && n > 0 && typedValueCount(values, dtype) !== n) {
      throw bad(`has a slice of ${n} elements that stores ${typedValueCount(values, dtype)} ${dtypeName(dtype)} values`);
    }
    const proto: tensorflow.TensorProto.$Properties = {
      ...values,
      dtype,
      tensorShape: { dim: slice.length.map((d) => ({ size: Long.fromNumber(d) })) },
    };
    return tensorFromProto(proto, `tensor ${JSON.stringify(key)} of ${table.file}`, rawSliceFloats(value));
  }
}

/** Merges one shard's table of contents into `tensors` (§5: a tensor may span shards). */
async function readMeta(table: TableReader, tableIndex: number, tensors: Map<string, V1Tensor>): Promise<void> {
  const file = table.file;
  const head = await table.get(new Uint8Array(0));
  let meta: tensorflow.SavedTensorSliceMeta.$Properties | null | undefined;
  try {
    meta = head ? tensorflow.SavedTensorSlices.decode(head).meta : undefined;
  } catch (e) {
    throw new FrostError('CORRUPT', `${file} is a table, but its first entry is not a V1 checkpoint header (SavedTensorSliceMeta).`, { file, cause: e });
  }
  if (!meta) throw new FrostError('CORRUPT', `${file} is a table, but not a V1 checkpoint: it has no SavedTensorSliceMeta header.`, { file });
  const v = meta.versions ?? {};
  if ((v.minConsumer ?? 0) > V1_CONSUMER_VERSION || (v.badConsumers ?? []).includes(V1_CONSUMER_VERSION)) {
    throw new FrostError('UNSUPPORTED_VERSION', `${file} needs a newer checkpoint reader (V1 min_consumer ${v.minConsumer ?? 0}).`, { file });
  }
  for (const m of meta.tensor ?? []) {
    const name = m.name ?? '';
    const dtype = m.type ?? 0;
    const shapeOrWhy = completeShape(m.shape);
    if (typeof shapeOrWhy === 'string') throw new FrostError('CORRUPT', `Tensor ${JSON.stringify(name)} in ${file} has an invalid shape: ${shapeOrWhy}.`, { file });
    const shape = shapeOrWhy;
    let t = tensors.get(name);
    if (!t) {
      const info = dtypeInfo(dtype);
      t = {
        info: { key: name, dtype, shape, bytes: info && info.itemSize > 0 ? info.itemSize * elementCount(shape) : 0 },
        name: keyBytes(name),
        slices: [],
      };
      if (dtype === DT.RESOURCE || dtype === DT.VARIANT) t.info.opaque = true;
      tensors.set(name, t);
    } else if (t.info.dtype !== dtype || !sliceShapeEquals(t.info.shape, shape)) {
      throw new FrostError('CORRUPT', `Tensor ${JSON.stringify(name)} has different dtypes or shapes in different shards (${file}).`, { file });
    }
    for (const s of m.slice ?? []) {
      // A slice proto with no extents at all stands for the whole tensor.
      const proto = (s.extent ?? []).length === 0 ? { extent: shape.map(() => ({})) } : s;
      const r = resolveSlice(proto, shape);
      if (typeof r === 'string') throw new FrostError('CORRUPT', `Tensor ${JSON.stringify(name)} in ${file}: ${r}.`, { file });
      t.slices.push({ table: tableIndex, slice: r });
    }
    if (t.slices.length > 1 || (t.slices[0] && !sliceShapeEquals(t.slices[0].slice.length, shape))) t.info.partitions = t.slices.length;
  }
}
