import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../test/python-venv.js';
import { isFrostError } from '../errors.js';
import { DT, dtypeInfo } from '../tensor/dtype.js';
import { numberAt, type TensorData } from '../tensor/tensor-data.js';
import { encodeNpyHeader, npyEncoding, npyType, writeNpy } from './npy.js';
import { writeNpz } from './npz.js';

const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function numeric(dtype: number, shape: number[], bytes: ArrayLike<number> | ArrayBufferView): TensorData {
  const u8 = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) : Uint8Array.from(bytes);
  return { kind: 'numeric', dtype, shape, bytes: u8 };
}

function strings(shape: number[], items: (string | number[])[]): TensorData {
  return { kind: 'string', dtype: DT.STRING, shape, strings: items.map((s) => (typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s))) };
}

function payload(t: TensorData): Uint8Array {
  return new Uint8Array(Buffer.concat([...npyEncoding(t).payload()])); // own ArrayBuffer, not the Buffer pool
}

function f32bits(p: Uint8Array): number[] {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return Array.from({ length: p.length / 4 }, (_, i) => v.getUint32(i * 4, true));
}

describe('encodeNpyHeader', () => {
  it('matches np.save byte for byte (2-D, scalar, 1-D)', () => {
    const pad = (s: string): string => s + ' '.repeat(127 - 10 - s.length) + '\n';
    expect(ascii(encodeNpyHeader('<f4', [3, 4]))).toBe(`\x93NUMPY\x01\x00v\x00${pad("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }")}`);
    expect(ascii(encodeNpyHeader('<f8', []))).toBe(`\x93NUMPY\x01\x00v\x00${pad("{'descr': '<f8', 'fortran_order': False, 'shape': (), }")}`);
    expect(ascii(encodeNpyHeader('|S7', [5]))).toBe(`\x93NUMPY\x01\x00v\x00${pad("{'descr': '|S7', 'fortran_order': False, 'shape': (5,), }")}`);
  });

  it('pads so the data starts at a multiple of 64, always with at least one space', () => {
    for (let rank = 0; rank < 40; rank++) {
      const shape = Array.from({ length: rank }, (_, i) => (i * 7919) % 100000);
      const h = encodeNpyHeader('<c16', shape);
      expect(h.length % 64).toBe(0);
      expect(h[6]).toBe(1);
      const len = new DataView(h.buffer).getUint16(8, true);
      expect(10 + len).toBe(h.length);
      expect(h[h.length - 1]).toBe(0x0a);
      expect(h[h.length - 2]).toBe(0x20);
      expect(ascii(h)).toContain(`'shape': (${shape.join(', ')}${rank === 1 ? ',' : ''}), }`);
    }
  });

  it('switches to format 2.0 (4-byte length) only when the header passes 65535 bytes', () => {
    const shape = new Array<number>(22_000).fill(1);
    const h = encodeNpyHeader('<f4', shape);
    expect([h[6], h[7]]).toEqual([2, 0]);
    const len = new DataView(h.buffer).getUint32(8, true);
    expect(12 + len).toBe(h.length);
    expect(h.length % 64).toBe(0);
    expect(len).toBeGreaterThan(0xffff);
    expect(encodeNpyHeader('<f4', new Array<number>(21_000).fill(1))[6]).toBe(1);
  });

  it('rejects negative or fractional dims and unsafe descr strings', () => {
    expect(() => encodeNpyHeader('<f4', [-1])).toThrow(/shape/);
    expect(() => encodeNpyHeader('<f4', [1.5])).toThrow(/shape/);
    expect(() => encodeNpyHeader("<f4', 'x", [1])).toThrow(/dtype/);
  });
});

describe('npyType', () => {
  it('maps every TensorFlow dtype numpy can hold, widening the rest exactly', () => {
    const table: [number, string][] = [
      [DT.FLOAT, '<f4'], [DT.DOUBLE, '<f8'], [DT.HALF, '<f2'], [DT.INT8, '|i1'], [DT.INT16, '<i2'], [DT.INT32, '<i4'],
      [DT.INT64, '<i8'], [DT.UINT8, '|u1'], [DT.UINT16, '<u2'], [DT.UINT32, '<u4'], [DT.UINT64, '<u8'], [DT.BOOL, '|b1'],
      [DT.COMPLEX64, '<c8'], [DT.COMPLEX128, '<c16'], [DT.QINT8, '|i1'], [DT.QUINT8, '|u1'], [DT.QINT16, '<i2'],
      [DT.QUINT16, '<u2'], [DT.QINT32, '<i4'], [DT.BFLOAT16, '<f4'], [DT.FLOAT8_E5M2, '<f4'], [DT.FLOAT8_E4M3FN, '<f4'],
      [DT.FLOAT8_E4M3FNUZ, '<f4'], [DT.FLOAT8_E4M3B11FNUZ, '<f4'], [DT.FLOAT8_E5M2FNUZ, '<f4'], [DT.FLOAT4_E2M1FN, '<f4'],
      [DT.INT4, '|i1'], [DT.INT2, '|i1'], [DT.UINT4, '|u1'], [DT.UINT2, '|u1'], [DT.STRING, '|S'], [DT.FLOAT + 100, '<f4'],
    ];
    for (const [dt, descr] of table) expect(npyType(dt).descr, `dtype ${dt}`).toBe(descr);
    for (const dt of [DT.RESOURCE, DT.VARIANT, 99]) {
      try {
        npyType(dt);
        expect.unreachable();
      } catch (e) {
        expect(isFrostError(e) && e.code).toBe('UNSUPPORTED_DTYPE');
      }
    }
  });
});

describe('npyEncoding', () => {
  it('copies numpy-native payloads through without copying them', () => {
    const t = numeric(DT.FLOAT, [2, 3], new Float32Array([0, 1, 2, 3, 4, 5]));
    const npy = npyEncoding(t);
    expect(npy.descr).toBe('<f4');
    const chunks = [...npy.payload()];
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(t.kind === 'numeric' ? t.bytes : undefined);
    expect(npy.byteLength).toBe(128 + 24);
  });

  it('widens bfloat16 to float32 by bit shift: NaN payloads, -0, inf and subnormals survive', () => {
    const bits = [0x0000, 0x8000, 0x3fc0, 0x7f80, 0xff80, 0x7fc1, 0xffc0, 0x7f81, 0x0001, 0x807f, 0x7f7f];
    const p = payload(numeric(DT.BFLOAT16, [bits.length], new Uint16Array(bits)));
    expect(f32bits(p)).toEqual(bits.map((b) => (b << 16) >>> 0));
  });

  it('widens every float8 / float4 code to the float32 with the same value', () => {
    for (const dt of [DT.FLOAT8_E5M2, DT.FLOAT8_E4M3FN, DT.FLOAT8_E4M3FNUZ, DT.FLOAT8_E4M3B11FNUZ, DT.FLOAT8_E5M2FNUZ, DT.FLOAT4_E2M1FN]) {
      const codes = dt === DT.FLOAT4_E2M1FN ? 16 : 256;
      const t = numeric(dt, [codes], Uint8Array.from({ length: codes }, (_, i) => i));
      const p = payload(t);
      const got = new Float32Array(p.buffer, p.byteOffset, codes);
      for (let i = 0; i < codes; i++) {
        const want = numberAt(t as TensorData & { kind: 'numeric' }, i);
        if (Number.isNaN(want)) expect(got[i]).toBeNaN();
        else expect(Object.is(got[i], want), `dtype ${dt} code ${i}: ${got[i]} vs ${want}`).toBe(true);
      }
    }
    // Spot checks against ml_dtypes: e4m3fn 0x7e = 448 (max), e5m2 0x7b = 57344, float4 0x7 = 6.
    expect(new Float32Array(payload(numeric(DT.FLOAT8_E4M3FN, [1], [0x7e])).buffer)[0]).toBe(448);
    expect(new Float32Array(payload(numeric(DT.FLOAT8_E5M2, [1], [0x7b])).buffer)[0]).toBe(57344);
    expect(new Float32Array(payload(numeric(DT.FLOAT4_E2M1FN, [2], [0x7, 0xf])).buffer)).toEqual(new Float32Array([6, -6]));
  });

  it('sign-extends int4 / int2 to int8 and masks uint4 / uint2 to uint8', () => {
    const nibbles = Array.from({ length: 16 }, (_, i) => i);
    expect([...new Int8Array(payload(numeric(DT.INT4, [16], nibbles)).buffer)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1]);
    expect([...payload(numeric(DT.UINT4, [16], nibbles))]).toEqual(nibbles);
    expect([...new Int8Array(payload(numeric(DT.INT2, [4], [0, 1, 2, 3])).buffer)]).toEqual([0, 1, -2, -1]);
    expect([...payload(numeric(DT.UINT2, [4], [0, 1, 2, 3]))]).toEqual([0, 1, 2, 3]);
  });

  it('writes strings as zero-padded fixed-width bytes, at least |S1', () => {
    const t = strings([2, 2], ['ab', '', 'naïve', [0, 255, 0]]);
    const npy = npyEncoding(t);
    expect(npy.descr).toBe('|S6');
    expect([...payload(t)]).toEqual([
      0x61, 0x62, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0,
      0x6e, 0x61, 0xc3, 0xaf, 0x76, 0x65,
      0, 255, 0, 0, 0, 0,
    ]);
    expect(npyEncoding(strings([0, 3], [])).descr).toBe('|S1');
    expect(npyEncoding(strings([2], ['', ''])).descr).toBe('|S1');
    expect(npyEncoding(strings([], ['x'])).shape).toEqual([]);
  });

  it('produces bounded chunks for big conversions and strings', () => {
    const n = 700_000;
    const chunks = [...npyEncoding(numeric(DT.BFLOAT16, [n], new Uint16Array(n).fill(0x3f80))).payload()];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 1 << 20)).toBe(true);
    expect(chunks.reduce((s, c) => s + c.length, 0)).toBe(4 * n);
    const big = strings([3], ['x'.repeat(3 << 20), 'y', '']);
    const sc = [...npyEncoding(big).payload()];
    expect(sc.map((c) => c.length)).toEqual([3 << 20, 3 << 20, 3 << 20]);
  });

  it('refuses payloads whose size does not match the shape', () => {
    const check = (t: TensorData): void => {
      try {
        npyEncoding(t);
        expect.unreachable();
      } catch (e) {
        expect(isFrostError(e) && e.code).toBe('CORRUPT');
      }
    };
    check(numeric(DT.FLOAT, [2, 3], new Uint8Array(20)));
    check(strings([3], ['a', 'b']));
  });
});

describe('writeNpy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frost-npy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes header + payload atomically and leaves no temp file', async () => {
    const t = numeric(DT.INT16, [3], new Int16Array([-1, 2, 300]));
    const path = join(dir, 'a.npy');
    await writeNpy(path, t);
    const got = await readFile(path);
    expect(got.length).toBe(128 + 6);
    expect(ascii(got.subarray(0, 128))).toContain("'descr': '<i2'");
    expect([...got.subarray(128)]).toEqual([0xff, 0xff, 2, 0, 0x2c, 1]);
    expect(await readdir(dir)).toEqual(['a.npy']);
  });

  it('keeps the old file when encoding fails', async () => {
    const path = join(dir, 'keep.npy');
    await writeFile(path, 'old');
    await expect(writeNpy(path, numeric(DT.VARIANT, [1], [0]))).rejects.toThrow(/variant/);
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});

// ---------------------------------------------------------------------------- numpy round trip

const numpy = findPython(['numpy']);
if (!numpy.python) console.warn(`SKIP numpy round trip (npy/npz): ${numpy.reason}`);

/** Every dtype Frost can export, with values that stress the conversion. */
function sampleTensors(): { key: string; data: TensorData }[] {
  const f32 = new Float32Array([0, -0, 1.5, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38, -2.5, 7]);
  const bytesOf = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 101 + 13) & 0xff);
  const out: { key: string; data: TensorData }[] = [
    { key: 'float/f32', data: numeric(DT.FLOAT, [2, 5], f32) },
    { key: 'float/f64', data: numeric(DT.DOUBLE, [3], new Float64Array([Math.PI, -0, 5e-324])) },
    { key: 'float/f16', data: numeric(DT.HALF, [4], new Uint16Array([0x3c00, 0x7c00, 0x0001, 0xfe00])) },
    { key: 'float/bf16', data: numeric(DT.BFLOAT16, [2, 3], new Uint16Array([0x3fc0, 0x8000, 0x7f80, 0x0001, 0x7fc1, 0xc120])) },
    { key: 'float8/e4m3fn', data: numeric(DT.FLOAT8_E4M3FN, [16, 16], Uint8Array.from({ length: 256 }, (_, i) => i)) },
    { key: 'float8/e5m2', data: numeric(DT.FLOAT8_E5M2, [256], Uint8Array.from({ length: 256 }, (_, i) => i)) },
    { key: 'float4/e2m1fn', data: numeric(DT.FLOAT4_E2M1FN, [16], Uint8Array.from({ length: 16 }, (_, i) => i)) },
    { key: 'narrow/int4', data: numeric(DT.INT4, [16], Uint8Array.from({ length: 16 }, (_, i) => i)) },
    { key: 'narrow/uint2', data: numeric(DT.UINT2, [4], [0, 1, 2, 3]) },
    { key: 'complex/c64', data: numeric(DT.COMPLEX64, [2], new Float32Array([1, 2, 3, -4])) },
    { key: 'complex/c128', data: numeric(DT.COMPLEX128, [], new Float64Array([-0, NaN])) },
    { key: 'bool', data: numeric(DT.BOOL, [2, 2], [1, 0, 0, 1]) },
    { key: 'scalar/i64', data: numeric(DT.INT64, [], new BigInt64Array([-9223372036854775808n])) },
    { key: 'zero/f32_0x3', data: numeric(DT.FLOAT, [0, 3], []) },
    { key: 'zero/strings', data: strings([2, 0], []) },
    { key: 'strings/mixed', data: strings([2, 3], ['', 'naïve café — 日本語', 'x'.repeat(300), [0, 0xff, 0xfe, 0x80], 'end\0\0', 'a']) },
    { key: 'strings/scalar', data: strings([], ['hello']) },
    { key: 'unicode/ключ 1', data: numeric(DT.INT8, [3], [0x80, 0x7f, 0]) },
  ];
  for (const dt of [DT.INT8, DT.INT16, DT.INT32, DT.INT64, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.QINT8, DT.QUINT8, DT.QINT16, DT.QUINT16, DT.QINT32]) {
    const size = dtypeInfo(dt)?.itemSize ?? 1;
    out.push({ key: `int/dtype_${dt}`, data: numeric(dt, [3, 2], bytesOf(6 * size, dt)) });
  }
  return out;
}

/** What numpy should see: descr, and the exact array bytes (strings: elements with trailing NULs stripped, numpy's `S` semantics). */
function expectedView(t: TensorData): { descr: string; shape: number[]; b64?: string; strings?: string[] } {
  const npy = npyEncoding(t);
  if (t.kind === 'string') {
    return { descr: npy.descr, shape: [...t.shape], strings: t.strings.map((s) => Buffer.from(s.subarray(0, lastNonZero(s))).toString('base64')) };
  }
  return { descr: npy.descr, shape: [...t.shape], b64: Buffer.concat([...npy.payload()]).toString('base64') };
}

function lastNonZero(s: Uint8Array): number {
  let n = s.length;
  while (n > 0 && s[n - 1] === 0) n--;
  return n;
}

const DUMP = String.raw`
import base64, io, json, sys, zipfile
import numpy as np

def view(arr):
    out = {"descr": arr.dtype.str, "shape": list(arr.shape)}
    if arr.dtype.kind == "S":
        out["strings"] = [base64.b64encode(x).decode() for x in arr.reshape(-1).tolist()]
    else:
        out["b64"] = base64.b64encode(arr.tobytes()).decode()
    buf = io.BytesIO()
    np.save(buf, arr)
    out["np_save"] = base64.b64encode(buf.getvalue()).decode()
    return out

req = json.load(sys.stdin)
res = {"npy": {}, "npz": {}}
for key, path in req["npy"].items():
    res["npy"][key] = view(np.load(path, allow_pickle=False))
for path in req["npz"]:
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
    with np.load(path, allow_pickle=False) as f:
        res["npz"][path] = {"testzip": bad, "files": sorted(f.files), "arrays": {k: view(f[k]) for k in f.files}}
json.dump(res, sys.stdout)
`;

describe.skipIf(!numpy.python)(`numpy round trip (${numpy.version || numpy.reason})`, () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frost-npy-numpy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('np.load reads every .npy and .npz member back bit for bit (and np.save writes the same file)', async () => {
    const tensors = sampleTensors();
    const npyPaths: Record<string, string> = {};
    for (const [i, { key, data }] of tensors.entries()) {
      npyPaths[key] = join(dir, `t${i}.npy`);
      await writeNpy(npyPaths[key] as string, data);
    }
    const plain = join(dir, 'all.npz');
    const forced = join(dir, 'all-zip64.npz');
    await writeNpz(plain, tensors);
    await writeNpz(forced, tensors, { zip64From: 0, zip64EntriesFrom: 0 });
    const r = spawnSync(numpy.python as string, ['-c', DUMP], { input: JSON.stringify({ npy: npyPaths, npz: [plain, forced] }), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    type View = { descr: string; shape: number[]; b64?: string; strings?: string[]; np_save: string };
    const res = JSON.parse(r.stdout) as { npy: Record<string, View>; npz: Record<string, { testzip: string | null; files: string[]; arrays: Record<string, View> }> };
    for (const { key, data } of tensors) {
      const want = expectedView(data);
      const got = res.npy[key] as View;
      const { np_save: saved, ...view } = got;
      expect(view, key).toEqual(want);
      // Frost's file equals what numpy itself would write for that array.
      expect(Buffer.from(saved, 'base64').equals(await readFile(npyPaths[key] as string)), `${key}: np.save gives the same bytes`).toBe(true);
      for (const path of [plain, forced]) {
        const z = res.npz[path];
        expect(z?.testzip).toBeNull();
        expect(z?.files).toEqual(tensors.map((t) => t.key).sort());
        const { np_save: _s, ...inZip } = z?.arrays[key] as View;
        expect(inZip, `${path} ${key}`).toEqual(want);
      }
    }
  });
});
