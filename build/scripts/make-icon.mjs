// Draws Frost's app icon (a six-armed ice crystal on a deep-blue rounded square) into
// build/icons/icon.png, 512×512, with no image library: a tiny RGBA rasterizer + zlib PNG.
// Run once when the design changes; the PNG is committed for electron-builder.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = 512;
const px = new Uint8Array(N * N * 4);
const put = (x, y, r, g, b, a) => {
  const i = (y * N + x) * 4;
  const t = a / 255;
  px[i] = Math.round(px[i] * (1 - t) + r * t);
  px[i + 1] = Math.round(px[i + 1] * (1 - t) + g * t);
  px[i + 2] = Math.round(px[i + 2] * (1 - t) + b * t);
  px[i + 3] = Math.max(px[i + 3], a);
};
// Rounded square background with a vertical gradient.
const R = 96;
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  const dx = Math.max(R - x, x - (N - 1 - R), 0);
  const dy = Math.max(R - y, y - (N - 1 - R), 0);
  const d = Math.hypot(dx, dy) - R;
  const a = Math.max(0, Math.min(1, 0.5 - d));
  if (a > 0) put(x, y, 24 + (y / N) * 10, 64 + (y / N) * 40, 140 + (y / N) * 60, Math.round(255 * a));
}
// Distance from point to segment, for anti-aliased strokes.
const seg = (x, y, x1, y1, x2, y2) => {
  const vx = x2 - x1, vy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - x1 - t * vx, y - y1 - t * vy);
};
const lines = [];
const c = N / 2;
for (let k = 0; k < 6; k++) {
  const a = (k * Math.PI) / 3 - Math.PI / 2;
  const ex = c + Math.cos(a) * 180, ey = c + Math.sin(a) * 180;
  lines.push([c, c, ex, ey, 16]);
  for (const [at, len] of [[0.5, 62], [0.78, 40]]) {
    const bx = c + Math.cos(a) * 180 * at, by = c + Math.sin(a) * 180 * at;
    for (const s of [-1, 1]) lines.push([bx, by, bx + Math.cos(a + (s * Math.PI) / 3.2) * len, by + Math.sin(a + (s * Math.PI) / 3.2) * len, 11]);
  }
}
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  let d = Infinity;
  for (const [x1, y1, x2, y2, w] of lines) d = Math.min(d, seg(x + 0.5, y + 0.5, x1, y1, x2, y2) - w / 2);
  const a = Math.max(0, Math.min(1, 0.5 - d));
  if (a > 0) put(x, y, 235, 246, 255, Math.round(255 * a));
}
// PNG encoding: signature, IHDR, IDAT (filter 0 per row), IEND.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c2 = n;
  for (let k = 0; k < 8; k++) c2 = c2 & 1 ? 0xedb88320 ^ (c2 >>> 1) : c2 >>> 1;
  return c2 >>> 0;
});
const crc = (buf) => {
  let c2 = 0xffffffff;
  for (const b of buf) c2 = crcTable[(c2 ^ b) & 0xff] ^ (c2 >>> 8);
  return (c2 ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c2 = Buffer.alloc(4);
  c2.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c2]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'icons', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
