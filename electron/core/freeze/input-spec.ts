/**
 * `--inputs name:dtype:shape,...`: the placeholders a user wants, either overriding what
 * Frost infers for a cut dequeue component (`batch:1:int32:[-1]`) or cutting the graph at
 * any tensor (`DecodeJpeg:0:uint8:[-1,-1,3]`, the "feed raw pixels" cut of freezing.md §7.3).
 */
import { FrostError } from '../errors.js';
import { dtypeFromName } from '../tensor/dtype.js';

export interface InputSpec {
  /** Tensor name, `node` or `node:k`. */
  tensor: string;
  dtype?: number;
  /** null = unknown rank; -1 = unknown dimension. */
  shape?: number[] | null;
}

/** Splits on commas that are not inside brackets, so `[-1,784]` stays whole. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parseShape(text: string, spec: string): number[] | null {
  const t = text.trim();
  if (t === '?' || t === '*' || t.toLowerCase() === 'unknown') return null;
  const inner = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  if (inner.trim() === '') return [];
  const dims = inner.split(/[,x×]/).map((d) => d.trim());
  return dims.map((d) => {
    if (d === '?' || d === '-1' || d.toLowerCase() === 'none') return -1;
    if (!/^\d+$/.test(d)) throw new FrostError('USAGE', `--inputs "${spec}": "${text}" is not a shape; write it like [-1,784] or -1x784.`);
    return Number(d);
  });
}

export function parseInputSpecs(text: string): InputSpec[] {
  return splitTop(text).map((spec) => {
    // Split from the right: the tensor name may contain ':' (batch:1).
    const fields = spec.split(':');
    const out: InputSpec = { tensor: spec };
    let rest = fields;
    const last = rest.at(-1) ?? '';
    if (rest.length >= 2 && (/^\[.*\]$/.test(last) || /^[-?\d]+([x×][-?\d]+)*$/.test(last)) && dtypeFromName(rest.at(-2) ?? '')) {
      out.shape = parseShape(last, spec);
      rest = rest.slice(0, -1);
    }
    const maybeType = rest.length >= 2 ? dtypeFromName(rest.at(-1) ?? '') : undefined;
    if (maybeType) {
      out.dtype = maybeType.value;
      rest = rest.slice(0, -1);
    }
    out.tensor = rest.join(':');
    if (!out.tensor) throw new FrostError('USAGE', `--inputs "${spec}" names no tensor.`);
    return out;
  });
}
