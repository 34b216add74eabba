/**
 * Tells graph files apart by content, so a misnamed file still loads. Binary GraphDef,
 * MetaGraphDef and SavedModel all start with a length-delimited field 1 or 2 (§8.6, §8.13,
 * §8.23), so the wire structure is walked a little way down: a GraphDef's field 1 is a
 * NodeDef (name and op strings), a MetaGraphDef's field 2 is such a GraphDef, a SavedModel's
 * field 2 is such a MetaGraphDef. Field order is never assumed (§7: one fixture writes
 * MetaGraphDef fields in reverse).
 */
import { readVarint32, readVarint64 } from '../io/varint.js';


export type BinaryGraphKind = 'graph-def' | 'meta-graph' | 'saved-model';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** The position after a varint of at most 10 bytes, or -1. */
function skipVarint(buf: Uint8Array, pos: number): number {
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) return -1;
    if (((buf[pos + i] as number) & 0x80) === 0) return pos + i + 1;
  }
  return -1;
}

interface FieldSeen {
  wire: number;
  count: number;
  /** Payload of the first occurrence (length-delimited fields only). */
  first?: Uint8Array;
}

export interface WireScan {
  fields: Map<number, FieldSeen>;
  /** Why the bytes are not a well-formed message, with the byte offset. */
  problem?: string;
}

/**
 * One pass over the top level of a message, checking every tag and length against the
 * buffer (the error names the byte where it stops making sense).
 */
export function scanMessage(buf: Uint8Array, base = 0): WireScan {
  const fields = new Map<number, FieldSeen>();
  let pos = 0;
  while (pos < buf.length) {
    const at = base + pos;
    const t = readVarint32(buf, pos);
    if (t === undefined) return { fields, problem: `the field tag at byte ${at} is not a valid varint` };
    const no = t.value >>> 3;
    const wire = t.value & 7;
    if (no === 0) return { fields, problem: `byte ${at} holds field number 0, which protobuf never writes` };
    pos = t.next;
    let payload: Uint8Array | undefined;
    if (wire === WIRE_VARINT) {
      const end = skipVarint(buf, pos);
      if (end < 0) return { fields, problem: `field ${no} at byte ${at} has a broken varint value` };
      pos = end;
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      const n = wire === WIRE_FIXED64 ? 8 : 4;
      if (pos + n > buf.length) return { fields, problem: `field ${no} at byte ${at} needs ${n} bytes but the data ends at byte ${base + buf.length} (truncated)` };
      pos += n;
    } else if (wire === WIRE_LEN) {
      const len = readVarint64(buf, pos);
      if (len === undefined) return { fields, problem: `field ${no} at byte ${at} has a broken length` };
      pos = len.next;
      if (pos + len.value > buf.length) {
        return { fields, problem: `field ${no} at byte ${at} declares ${len.value} bytes but only ${buf.length - pos} remain (the file is truncated or damaged)` };
      }
      payload = buf.subarray(pos, pos + len.value);
      pos += len.value;
    } else {
      // Groups (3/4) never occur in these schemas (§7); 6 and 7 do not exist.
      return { fields, problem: `byte ${at} has wire type ${wire}, which these files never use (not a protobuf message, or damaged)` };
    }
    const seen = fields.get(no);
    if (seen === undefined) fields.set(no, payload === undefined ? { wire, count: 1 } : { wire, count: 1, first: payload });
    else {
      if (seen.wire !== wire) return { fields, problem: `field ${no} at byte ${at} changes wire type from ${seen.wire} to ${wire}` };
      seen.count++;
    }
  }
  return { fields };
}

/**
 * Every field is one of `allowed` (field number → wire type). Numbers from `newerFrom` up
 * are let through: a newer TF may add fields (§7).
 */
function only(scan: WireScan, allowed: Record<number, number>, newerFrom: number): boolean {
  if (scan.problem !== undefined) return false;
  for (const [no, f] of scan.fields) if (no < newerFrom && allowed[no] !== f.wire) return false;
  return true;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** A short printable UTF-8 string (node names, ops, versions, tags). */
function isName(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.length === 0 || bytes.length > 65536) return false;
  for (const b of bytes) if (b < 0x20 || b === 0x7f) return false;
  try {
    textDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const L = WIRE_LEN;
const V = WIRE_VARINT;

function looksLikeNodeDef(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined) return false;
  const s = scanMessage(bytes);
  return only(s, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 7: L }, 8) && isName(s.fields.get(1)?.first) && isName(s.fields.get(2)?.first);
}

/** §8.7: functions (whose signature is an OpDef with a name) and gradients. */
function looksLikeLibrary(bytes: Uint8Array): boolean {
  const s = scanMessage(bytes);
  if (!only(s, { 1: L, 2: L, 3: L }, 4)) return false;
  const fn = s.fields.get(1)?.first;
  if (fn !== undefined) {
    const f = scanMessage(fn);
    if (!only(f, { 1: L, 3: L, 4: L, 5: L, 6: L, 7: L, 8: L }, 9)) return false;
    const sig = f.fields.get(1)?.first;
    if (sig === undefined) return true;
    const op = scanMessage(sig);
    return only(op, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 8: L, 16: V, 17: V, 18: V, 19: V, 20: L, 21: V }, 22) && isName(op.fields.get(1)?.first);
  }
  const grad = s.fields.get(2)?.first;
  return grad === undefined || isName(scanMessage(grad).fields.get(1)?.first);
}

function looksLikeGraphDef(bytes: Uint8Array | undefined, scan = bytes === undefined ? undefined : scanMessage(bytes)): boolean {
  if (scan === undefined || !only(scan, { 1: L, 2: L, 3: V, 4: L, 5: L }, 6)) return false;
  const node = scan.fields.get(1);
  if (node !== undefined) return looksLikeNodeDef(node.first);
  // No nodes: a library and/or versions only (rare but legal).
  const library = scan.fields.get(2)?.first;
  if (library !== undefined && !looksLikeLibrary(library)) return false;
  const versions = scan.fields.get(4)?.first;
  return versions === undefined || only(scanMessage(versions), { 1: V, 2: V, 3: L }, 4);
}

function looksLikeMetaInfoDef(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined) return false;
  const s = scanMessage(bytes);
  if (!only(s, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 7: V, 8: L }, 9)) return false;
  const ops = s.fields.get(2)?.first;
  if (ops !== undefined && !only(scanMessage(ops), { 1: L }, 2)) return false;
  const tags = s.fields.get(4)?.first;
  const version = s.fields.get(5)?.first;
  return (tags === undefined || isName(tags)) && (version === undefined || isName(version));
}

function looksLikeMetaGraphDef(bytes: Uint8Array | undefined, scan = bytes === undefined ? undefined : scanMessage(bytes)): boolean {
  if (scan === undefined || !only(scan, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 7: L }, 8)) return false;
  const info = scan.fields.get(1);
  const graph = scan.fields.get(2);
  if (info === undefined && graph === undefined) return false;
  if (info !== undefined && (info.count !== 1 || !looksLikeMetaInfoDef(info.first))) return false;
  return graph === undefined || (graph.count === 1 && looksLikeGraphDef(graph.first));
}

function looksLikeSavedModel(scan: WireScan): boolean {
  if (!only(scan, { 1: V, 2: L }, 3)) return false;
  const metas = scan.fields.get(2);
  return metas !== undefined && looksLikeMetaGraphDef(metas.first);
}

export interface BinarySniff {
  /** Kinds whose structure matches, most likely first (`hint` breaks ties). */
  candidates: BinaryGraphKind[];
  /** Set when the top level is not a well-formed protobuf message. */
  problem?: string;
}

const ALL_KINDS: readonly BinaryGraphKind[] = ['graph-def', 'meta-graph', 'saved-model'];

export function sniffBinaryGraph(bytes: Uint8Array, hint?: BinaryGraphKind): BinarySniff {
  const scan = scanMessage(bytes);
  const matches: BinaryGraphKind[] = [];
  if (scan.problem === undefined) {
    if (looksLikeSavedModel(scan)) matches.push('saved-model');
    if (looksLikeMetaGraphDef(bytes, scan)) matches.push('meta-graph');
    if (looksLikeGraphDef(bytes, scan)) matches.push('graph-def');
  }
  if (hint !== undefined && matches.includes(hint)) matches.sort((a, b) => (a === hint ? -1 : b === hint ? 1 : 0));
  return scan.problem === undefined ? { candidates: matches } : { candidates: matches, problem: scan.problem };
}

/** Kinds not matched by the sniff, for a last decode attempt (hint first). */
export function remainingKinds(tried: readonly BinaryGraphKind[], hint?: BinaryGraphKind): BinaryGraphKind[] {
  const rest = ALL_KINDS.filter((k) => !tried.includes(k));
  return hint !== undefined && rest.includes(hint) ? [hint, ...rest.filter((k) => k !== hint)] : rest;
}

/**
 * Text protos are printable; binary ones are not (tags like 0x12 and lengths are control
 * bytes). Looks at the first 64 KiB.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let firstSeen = false;
  for (let i = start; i < n; i++) {
    const b = bytes[i] as number;
    // Only tab, LF and CR: \v and \f are legal text-format spaces but TF never writes them,
    // while they are common length bytes in binary files.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
    if (!firstSeen && b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      firstSeen = true;
      // A text proto starts with a field name, a comment, or an extension/Any bracket.
      const isLetter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
      if (!isLetter && b !== 0x23 && b !== 0x5b) return false;
    }
  }
  return firstSeen;
}

/** Which text message a `.pbtxt` holds, from its first top-level field name. */
export function textKindOfField(field: string | undefined): 'graph-def-text' | 'meta-graph-text' | 'saved-model' | undefined {
  switch (field) {
    case 'node':
    case 'library':
    case 'versions':
    case 'version':
    case 'debug_info':
      return 'graph-def-text';
    case 'meta_info_def':
    case 'graph_def':
    case 'saver_def':
    case 'collection_def':
    case 'signature_def':
    case 'asset_file_def':
    case 'object_graph_def':
      return 'meta-graph-text';
    case 'saved_model_schema_version':
    case 'meta_graphs':
      return 'saved-model';
    default:
      return undefined;
  }
}
