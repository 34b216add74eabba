/**
 * Export of the drawn graph view as SVG and PNG (issue #5). The SVG is the canvas as drawn (the
 * culled items of the current viewport), made self-contained: every element's computed
 * presentation styles are written inline, since the app stylesheet (custom properties,
 * light-dark()) is not part of the file, plus the canvas background. The PNG rasterises that
 * SVG through an <img> onto a canvas at devicePixelRatio, so it matches what the user sees.
 */

/** Presentation properties copied inline (what the graph stylesheet sets on SVG elements). */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'paint-order',
  'stroke-linejoin',
  'visibility',
  'display',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The view of `svg` as a standalone SVG document (width × height of the canvas on screen). */
export function serializeSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const rect = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(rect.width));
  const height = Math.max(1, Math.round(rect.height));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  // Walk the original and the clone in step: same tree, so the nth elements correspond.
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  for (let i = 0; i < src.length; i++) {
    const from = src[i];
    const to = dst[i];
    if (!from || !to || to.tagName === 'title') continue;
    const cs = getComputedStyle(from);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    to.setAttribute('style', style);
    for (const a of ['class', 'tabindex', 'role', 'aria-label', 'aria-pressed', 'aria-expanded', 'aria-busy']) to.removeAttribute(a);
  }
  // Titles are tooltips: not part of a picture.
  for (const t of [...clone.querySelectorAll('title')]) t.remove();
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.removeAttribute('style');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', getComputedStyle(svg).backgroundColor || '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
  return { text, width, height };
}

/** Rasterises an SVG document at `scale` device pixels per CSS pixel. */
export async function svgToPng(svg: { text: string; width: number; height: number }, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(svg.width * scale);
    canvas.height = Math.round(svg.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This window cannot draw on a canvas.');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, svg.width, svg.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Hands `blob` to the user as a download named `name` (the browser's, or Electron's save prompt). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: the download reads the URL after this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `iris-graph.svg` from the graph's file path. */
export function exportName(file: string, ext: 'svg' | 'png'): string {
  const base = file.split(/[\\/]/).pop() ?? 'graph';
  const stem = base.replace(/\.(meta|pbtxt|pb)$/i, '') || 'graph';
  return `${stem}-graph.${ext}`;
}
