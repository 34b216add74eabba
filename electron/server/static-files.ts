/**
 * The built renderer (`dist/renderer`) as static files: GET/HEAD only, files only (no
 * directory listings), nothing outside the renderer folder (`..`, encoded separators, NUL
 * and symlinks out are refused), no dotfiles. Vite's hashed `/assets/*` are cached for good;
 * everything else is revalidated. No token is needed: these are the app's public files, and
 * the page finds the token in its own URL.
 */
import { createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isInside } from './path-guard.js';
import { acceptsGzip, sendText } from './responses.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const NOT_BUILT = `Frost's user interface is not built yet.

Run "npm run build" in the Frost folder, then reload this page.
The API under /api/ works already.`;

type Resolved = { kind: 'file'; file: string; size: number } | { kind: 'bad' } | { kind: 'missing' };

/**
 * Maps a request path to a file inside `root`. Each segment is decoded on its own, so an
 * encoded `/` or `\` (`..%2f..%2fetc`) cannot smuggle a separator past the `..` check.
 */
async function resolveFile(root: string, pathname: string): Promise<Resolved> {
  if (!pathname.startsWith('/')) return { kind: 'bad' };
  const raw = pathname === '/' ? ['index.html'] : pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const s of raw) {
    let seg: string;
    try {
      seg = decodeURIComponent(s);
    } catch {
      return { kind: 'bad' };
    }
    if (seg === '..' || seg === '.' || /[/\\\0]/.test(seg)) return { kind: 'bad' };
    if (seg === '' || seg.startsWith('.')) return { kind: 'missing' };
    segments.push(seg);
  }
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return { kind: 'missing' };
  }
  if (!isInside(real, realRoot)) return { kind: 'bad' };
  const st = await stat(real).catch(() => undefined);
  if (!st?.isFile()) return { kind: 'missing' };
  return { kind: 'file', file: real, size: st.size };
}

function cacheControl(pathname: string): string {
  // Vite names assets by content hash: a changed file is a new URL.
  return pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Files of the renderer folder read at start, by request path (see preloadStatic). */
export type StaticCache = ReadonlyMap<string, { file: string; body: Buffer; gzip?: Buffer }>;

/** The renderer build is a few files of ~1–2 MB together; a bigger folder is served from disk. */
const PRELOAD_MAX_BYTES = 32 << 20;

/**
 * Reads the renderer's files into memory at server start, each admitted by the same rules as a
 * request (resolveFile). Why: `frost serve PATH` starts parsing PATH at once (a 30k-node graph
 * keeps the event loop busy for ~0.4 s at a time), and a file served from memory needs no
 * turn of the event loop, where one from disk needs four (realpath, realpath, stat, read).
 */
export async function preloadStatic(rendererDir: string): Promise<StaticCache> {
  const cache = new Map<string, { file: string; body: Buffer; gzip?: Buffer }>();
  let entries: string[];
  try {
    entries = (await readdir(rendererDir, { recursive: true })).map((e) => e.split(/[\\/]/).join('/'));
  } catch {
    return cache;
  }
  let total = 0;
  for (const rel of entries.sort()) {
    const found = await resolveFile(rendererDir, `/${rel}`);
    if (found.kind !== 'file') continue;
    total += found.size;
    if (total > PRELOAD_MAX_BYTES) return new Map();
    const body = await readFile(found.file);
    // Text assets shrink 3-4×: the bundle then fits the socket's buffers in one write, which
    // matters while a preopen keeps the event loop from writing the rest.
    const gzip = /^(text\/|application\/(json|manifest)|image\/svg)/.test(contentType(found.file)) && body.length >= 1024 ? gzipSync(body, { level: 9 }) : undefined;
    cache.set(`/${rel}`, { file: found.file, body, ...(gzip ? { gzip } : {}) });
  }
  const index = cache.get('/index.html');
  if (index) cache.set('/', index);
  return cache;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, rendererDir: string, pathname: string, cache?: StaticCache, onSent?: (pathname: string) => void): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Only GET and HEAD are allowed here.', { Allow: 'GET, HEAD' });
    return;
  }
  const cached = cache?.get(pathname);
  if (cached) {
    const body = cached.gzip && acceptsGzip(req) ? cached.gzip : cached.body;
    res.writeHead(200, {
      'Content-Type': contentType(cached.file),
      'Content-Length': body.length,
      'Cache-Control': cacheControl(pathname),
      ...(cached.gzip ? { Vary: 'Accept-Encoding' } : {}),
      ...(body === cached.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    if (onSent) res.once('finish', () => onSent(pathname));
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const found = await resolveFile(rendererDir, pathname);
  if (found.kind === 'bad') {
    sendText(res, 400, 'Bad path.');
    return;
  }
  if (found.kind === 'missing') {
    if (pathname === '/' || pathname === '/index.html') sendText(res, 503, NOT_BUILT);
    else sendText(res, 404, 'Not found.');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentType(found.file),
    'Content-Length': found.size,
    'Cache-Control': cacheControl(pathname),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(found.file), res);
  } catch {
    res.destroy();
  }
}
