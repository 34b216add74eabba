import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '@node-rs/crc32';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../test/python-venv.js';
import { isFrostError } from '../errors.js';
import { DT } from '../tensor/dtype.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { npyEncoding } from './npy.js';
import { ZipStoreWriter, writeNpz, type NpzEntry } from './npz.js';

// ---------------------------------------------------------------------------- a tiny zip reader

interface Member {
  name: string;
  flags: number;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
  versionNeeded: number;
  zip64Extra: boolean;
  data: Uint8Array;
}

interface Archive {
  members: Member[];
  zip64End: boolean;
  cdOffset: number;
}

/** Reads a zip the way the spec says (EOCD, optional ZIP64 end records, central directory), checking each local header against its central record. */
function readZip(buf: Uint8Array): Archive {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory record');
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  expect(v.getUint16(eocd + 8, true)).toBe(count);
  let zip64End = false;
  if (eocd >= 20 && v.getUint32(eocd - 20, true) === 0x07064b50) {
    zip64End = true;
    expect(v.getUint32(eocd - 20 + 4, true)).toBe(0);
    expect(v.getUint32(eocd - 20 + 16, true)).toBe(1);
    const at = Number(v.getBigUint64(eocd - 20 + 8, true));
    expect(at).toBe(eocd - 20 - 56);
    expect(v.getUint32(at, true)).toBe(0x06064b50);
    expect(Number(v.getBigUint64(at + 4, true))).toBe(44);
    expect(v.getUint16(at + 14, true)).toBe(45);
    const count64 = Number(v.getBigUint64(at + 24, true));
    expect(Number(v.getBigUint64(at + 32, true))).toBe(count64);
    if (count === 0xffff) count = count64;
    else expect(count64).toBe(count);
    const size64 = Number(v.getBigUint64(at + 40, true));
    const off64 = Number(v.getBigUint64(at + 48, true));
    if (cdSize === 0xffffffff) cdSize = size64;
    else expect(size64).toBe(cdSize);
    if (cdOffset === 0xffffffff) cdOffset = off64;
    else expect(off64).toBe(cdOffset);
    expect(cdOffset + cdSize).toBe(at);
  } else {
    expect(cdOffset + cdSize).toBe(eocd);
  }
  const members: Member[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    expect(v.getUint32(p, true)).toBe(0x02014b50);
    const versionNeeded = v.getUint16(p + 6, true);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let offset = v.getUint32(p + 42, true);
    const name = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(p + 46, p + 46 + nameLen));
    let zip64Extra = false;
    for (let e = p + 46 + nameLen; e < p + 46 + nameLen + extraLen; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 1) {
        zip64Extra = true;
        let q = e + 4;
        if (size === 0xffffffff) { size = Number(v.getBigUint64(q, true)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(v.getBigUint64(q, true)); q += 8; }
        if (offset === 0xffffffff) { offset = Number(v.getBigUint64(q, true)); q += 8; }
        expect(q).toBe(e + 4 + len);
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    // The local header must agree with the central record.
    expect(v.getUint32(offset, true)).toBe(0x04034b50);
    expect(v.getUint16(offset + 6, true)).toBe(flags);
    expect(v.getUint16(offset + 8, true)).toBe(method);
    expect(v.getUint32(offset + 14, true)).toBe(crc);
    const lNameLen = v.getUint16(offset + 26, true);
    const lExtraLen = v.getUint16(offset + 28, true);
    expect(new TextDecoder().decode(buf.subarray(offset + 30, offset + 30 + lNameLen))).toBe(name);
    let lSize = v.getUint32(offset + 22, true);
    if (lSize === 0xffffffff) {
      expect(v.getUint16(offset + 30 + lNameLen, true)).toBe(1);
      lSize = Number(v.getBigUint64(offset + 30 + lNameLen + 4, true));
      expect(Number(v.getBigUint64(offset + 30 + lNameLen + 12, true))).toBe(lSize);
    }
    expect(lSize).toBe(size);
    const start = offset + 30 + lNameLen + lExtraLen;
    const data = buf.subarray(start, start + compressedSize);
    expect(crc32(data) >>> 0).toBe(crc);
    members.push({ name, flags, method, crc, size, compressedSize, offset, versionNeeded, zip64Extra, data });
  }
  expect(p).toBe(cdOffset + cdSize);
  return { members, zip64End, cdOffset };
}

// ---------------------------------------------------------------------------- tests

function f32(shape: number[], values: number[]): TensorData {
  return { kind: 'numeric', dtype: DT.FLOAT, shape, bytes: new Uint8Array(new Float32Array(values).buffer) };
}

function str(shape: number[], values: string[]): TensorData {
  return { kind: 'string', dtype: DT.STRING, shape, strings: values.map((s) => new TextEncoder().encode(s)) };
}

const ENTRIES: NpzEntry[] = [
  { key: 'model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', data: f32([2, 2], [1, 2, 3, 4]) },
  { key: 'global_step', data: { kind: 'numeric', dtype: DT.INT64, shape: [], bytes: new Uint8Array(new BigInt64Array([42n]).buffer) } },
  { key: 'names/日本語 ключ', data: str([2], ['a', 'bc']) },
  { key: 'empty', data: f32([0, 3], []) },
];

const unzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
const haveUnzip = unzip.status === 0;
if (!haveUnzip) console.warn('SKIP unzip cross-check in npz tests: `unzip` is not installed');

describe('writeNpz', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frost-npz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one stored <key>.npy member per tensor with a valid central directory', async () => {
    const path = join(dir, 'a.npz');
    const summary = await writeNpz(path, ENTRIES, { modified: new Date(2024, 4, 17, 13, 45, 30) });
    const buf = new Uint8Array(await readFile(path));
    expect(summary).toEqual({ entries: 4, bytes: buf.length });
    const zip = readZip(buf);
    expect(zip.zip64End).toBe(false);
    expect(zip.members.map((m) => m.name)).toEqual(ENTRIES.map((e) => `${e.key}.npy`));
    for (const [i, m] of zip.members.entries()) {
      const npy = npyEncoding((ENTRIES[i] as NpzEntry).data);
      expect(m.method).toBe(0);
      expect(m.versionNeeded).toBe(20);
      expect(m.zip64Extra).toBe(false);
      expect(m.size).toBe(npy.byteLength);
      expect(Buffer.from(m.data).equals(Buffer.concat([npy.header, ...npy.payload()]))).toBe(true);
      expect(m.flags).toBe(m.name.startsWith('names/') ? 0x0800 : 0);
    }
    // DOS timestamp of the members: 2024-05-17 13:45:30.
    const v = new DataView(buf.buffer);
    expect(v.getUint16(10, true)).toBe((13 << 11) | (45 << 5) | 15);
    expect(v.getUint16(12, true)).toBe(((2024 - 1980) << 9) | (5 << 5) | 17);
  });

  it('uses ZIP64 fields and end records when sizes, offsets or counts pass the limits', async () => {
    const path = join(dir, 'z64.npz');
    await writeNpz(path, ENTRIES, { zip64From: 200, zip64EntriesFrom: 3 });
    const buf = new Uint8Array(await readFile(path));
    const zip = readZip(buf);
    expect(zip.zip64End).toBe(true);
    const v = new DataView(buf.buffer);
    const eocd = buf.length - 22;
    expect(v.getUint16(eocd + 10, true)).toBe(0xffff);
    expect(v.getUint32(eocd + 16, true)).toBe(0xffffffff);
    // Member 0 is small and first (offset 0): no ZIP64; later members start past 200 bytes.
    expect(zip.members[0]?.zip64Extra).toBe(false);
    expect(zip.members.slice(1).every((m) => m.zip64Extra && m.versionNeeded === 45)).toBe(true);
    expect(zip.members.map((m) => m.name)).toEqual(ENTRIES.map((e) => `${e.key}.npy`));
  });

  it('streams: pulls the next tensor only after the previous one is written', async () => {
    const log: string[] = [];
    async function* source(): AsyncGenerator<NpzEntry> {
      for (const e of ENTRIES) {
        log.push(`pull ${e.key}`);
        await new Promise((r) => setTimeout(r, 1));
        yield e;
      }
    }
    await writeNpz(join(dir, 'stream.npz'), source(), { onEntry: ({ key }) => log.push(`wrote ${key}`) });
    expect(log).toEqual(ENTRIES.flatMap((e) => [`pull ${e.key}`, `wrote ${e.key}`]));
  });

  it('writes a valid empty archive', async () => {
    const path = join(dir, 'empty.npz');
    await writeNpz(path, []);
    const buf = new Uint8Array(await readFile(path));
    expect(buf.length).toBe(22);
    expect(readZip(buf).members).toEqual([]);
  });

  it('rejects duplicate keys and cancels on abort, leaving nothing behind', async () => {
    const sub = await mkdtemp(join(dir, 'fail-'));
    const dup = [ENTRIES[0] as NpzEntry, ENTRIES[0] as NpzEntry];
    await expect(writeNpz(join(sub, 'dup.npz'), dup)).rejects.toThrow(/both be named/);
    const ctl = new AbortController();
    const err = await writeNpz(join(sub, 'abort.npz'), ENTRIES, { signal: ctl.signal, onEntry: () => ctl.abort() }).catch((e: unknown) => e);
    expect(isFrostError(err) && err.code).toBe('CANCELLED');
    expect(await readdir(sub)).toEqual([]);
  });

  it('checks that a member produces the size and CRC it announced', async () => {
    const zip = new ZipStoreWriter(async () => undefined);
    const data = new Uint8Array([1, 2, 3]);
    await expect(zip.add('x', 3, 12345, [data])).rejects.toThrow(/CRC/);
    await expect(zip.add('y', 4, crc32(data), [data])).rejects.toThrow(/4 bytes/);
  });

  it.skipIf(!haveUnzip)('passes `unzip -t` (plain and ZIP64)', async () => {
    for (const [name, options] of [['u.npz', {}], ['u64.npz', { zip64From: 0, zip64EntriesFrom: 0 }]] as const) {
      const path = join(dir, name);
      await writeNpz(path, ENTRIES, options);
      const r = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toMatch(/No errors detected/);
      expect(r.status).toBe(0);
      const l = spawnSync('unzip', ['-Z1', path], { encoding: 'utf8' });
      expect(l.stdout.trim().split('\n')).toEqual(ENTRIES.map((e) => `${e.key}.npy`));
    }
  });
});

const numpy = findPython(['numpy']);
if (!numpy.python) console.warn(`SKIP numpy np.load check of .npz: ${numpy.reason}`);

describe.skipIf(!numpy.python)('np.load on Frost .npz files', () => {
  it('finds every member by checkpoint key (with /, non-ASCII, ZIP64) and reads its value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frost-npz-numpy-'));
    try {
      const paths = [join(dir, 'a.npz'), join(dir, 'b.npz')];
      await writeNpz(paths[0] as string, ENTRIES);
      await writeNpz(paths[1] as string, ENTRIES, { zip64From: 0, zip64EntriesFrom: 0 });
      const code = String.raw`
import json, sys
import numpy as np
keys = json.load(sys.stdin)
out = []
for path in sys.argv[1:]:
    with np.load(path) as f:
        out.append({k: f[k].tolist() if f[k].dtype.kind != "S" else [s.decode() for s in f[k].tolist()] for k in keys})
print(json.dumps(out))
`;
      const r = spawnSync(numpy.python as string, ['-c', code, ...paths], { input: JSON.stringify(ENTRIES.map((e) => e.key)), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const want = {
        'model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE': [[1, 2], [3, 4]],
        global_step: 42,
        'names/日本語 ключ': ['a', 'bc'],
        empty: [],
      };
      expect(JSON.parse(r.stdout)).toEqual([want, want]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
