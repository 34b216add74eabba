/**
 * numpy-style text of a tensor: nested brackets, and for big tensors only the first and last
 * `edge` items of every dimension with `...` between (numpy's summarization rule).
 */
import { elementCount, formatElement, dataView, type TensorData } from './tensor-data.js';

export function previewTensor(t: TensorData, edge = 3, threshold = 1000): string {
  const view = t.kind === 'numeric' ? dataView(t) : undefined;
  return previewWith(t.shape, (i) => formatElement(t, i, view), edge, threshold);
}

/** The flat indices previewTensor shows for `shape`: all, or the edges of every dimension. */
export function previewIndices(shape: readonly number[], edge = 3, threshold = 1000): number[] {
  const out: number[] = [];
  previewWith(shape, (i) => {
    out.push(i);
    return '';
  }, edge, threshold);
  return out;
}

/**
 * The preview of a tensor of `shape` whose element at flat index i prints as `format(i)`: so a
 * huge tensor can be previewed from just the elements shown (tensor/sampled-summary.ts).
 */
export function previewWith(shape: readonly number[], format: (flatIndex: number) => string, edge = 3, threshold = 1000): string {
  const n = elementCount(shape);
  if (shape.length === 0) return format(0);
  if (n === 0) return `[]`;
  const summarize = n > threshold;
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] as number;
  }
  const render = (dim: number, base: number, indent: string): string => {
    const size = shape[dim] as number;
    const idx: (number | null)[] = [];
    if (summarize && size > 2 * edge) {
      for (let i = 0; i < edge; i++) idx.push(i);
      idx.push(null);
      for (let i = size - edge; i < size; i++) idx.push(i);
    } else for (let i = 0; i < size; i++) idx.push(i);
    const stride = strides[dim] as number;
    if (dim === shape.length - 1) {
      return `[${idx.map((i) => (i === null ? '...' : format(base + i))).join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - 1 - dim)}${indent} `;
    return `[${idx.map((i) => (i === null ? '...' : render(dim + 1, base + i * stride, `${indent} `))).join(sep)}]`;
  };
  return render(0, 0, '');
}
