/**
 * Exact bits of float fields in V1 slices (tf-formats.md §5, §7). protobufjs decodes
 * float_val/double_val to JS numbers, and the float32 -> number -> float32 trip sets the
 * quiet bit of signaling NaNs, so a NaN's payload would differ from what TensorFlow
 * restores. This scanner walks the wire format itself and returns those fields' raw
 * little-endian bytes (packed and unpacked occurrences, in order).
 */
import { readVarint32, readVarint64 } from '../io/varint.js';
import type { RawFloatFields } from '../tensor/tensor-proto.js';

interface Field {
  field: number;
  wire: number;
  start: number;
  end: number;
}

/** Fields of the message in buf[start, end); undefined on malformed wire data. */
function scan(buf: Uint8Array, start: number, end: number): Field[] | undefined {
  const out: Field[] = [];
  let pos = start;
  while (pos < end) {
    const tag = readVarint32(buf, pos, end);
    if (!tag) return undefined;
    const field = tag.value >>> 3;
    const wire = tag.value & 7;
    pos = tag.next;
    let s = pos;
    switch (wire) {
      case 0: {
        let i = 0;
        while (pos < end && ((buf[pos] as number) & 0x80) !== 0 && i < 10) {
          pos++;
          i++;
        }
        if (pos >= end || i >= 10) return undefined;
        pos++;
        break;
      }
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const len = readVarint64(buf, pos, end);
        if (!len) return undefined;
        s = len.next;
        pos = len.next + len.value;
        break;
      }
      default:
        return undefined;
    }
    if (pos > end) return undefined;
    out.push({ field, wire, start: s, end: pos });
  }
  return out;
}

function collect(buf: Uint8Array, fields: readonly Field[], field: number, width: 4 | 8): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === 2) {
      if ((f.end - f.start) % width !== 0) return undefined;
      parts.push(buf.subarray(f.start, f.end));
    } else if ((width === 4 && f.wire === 5) || (width === 8 && f.wire === 1)) {
      parts.push(buf.subarray(f.start, f.end));
    } else return undefined;
  }
  if (parts.length === 0) return undefined;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Nested message occurrences (they merge in protobuf, so all of them count). */
function children(buf: Uint8Array, fields: readonly Field[], field: number): Field[] | undefined {
  const out: Field[] = [];
  for (const f of fields) {
    if (f.field !== field || f.wire !== 2) continue;
    const inner = scan(buf, f.start, f.end);
    if (!inner) return undefined;
    out.push(...inner);
  }
  return out;
}

/**
 * The raw float/double/complex fields of the TensorProto inside a serialized
 * SavedTensorSlices (field 2 `data` -> SavedSlice field 3 `data`).
 */
export function rawSliceFloats(savedTensorSlices: Uint8Array): RawFloatFields {
  const top = scan(savedTensorSlices, 0, savedTensorSlices.length);
  const slice = top && children(savedTensorSlices, top, 2);
  const tensor = slice && children(savedTensorSlices, slice, 3);
  if (!tensor) return {};
  const out: RawFloatFields = {};
  const f = collect(savedTensorSlices, tensor, 5, 4);
  const d = collect(savedTensorSlices, tensor, 6, 8);
  const sc = collect(savedTensorSlices, tensor, 9, 4);
  const dc = collect(savedTensorSlices, tensor, 12, 8);
  if (f) out.floatVal = f;
  if (d) out.doubleVal = d;
  if (sc) out.scomplexVal = sc;
  if (dc) out.dcomplexVal = dc;
  return out;
}
