/**
 * The folders a `frost serve` may read. A path is allowed only when its real location — `..`
 * resolved and every symlink followed — lies inside one of the allowed roots, so neither
 * `root/../..` nor a symlink inside a root that points elsewhere gets out. A path that does
 * not exist yet (a checkpoint prefix such as `model.ckpt-2500` names files beside it) is
 * judged by its nearest existing parent.
 */
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FrostError } from '../core/index.js';

export interface PathGuard {
  /** The real paths of the allowed roots. */
  readonly roots: readonly string[];
  /** True only for paths whose real location is inside a root; never throws. */
  allows(path: string): Promise<boolean>;
}

/** `child` is `root` or lies below it (both real, absolute paths). */
export function isInside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function errnoCode(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The real location of `path`: realpath of the path, or of its nearest existing parent with
 * the missing tail appended. Undefined when it cannot be known safely (a dangling symlink,
 * a symlink loop, a parent we may not read).
 */
export async function realLocation(path: string): Promise<string | undefined> {
  let current = resolve(path);
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      // It is there but does not resolve: a dangling symlink, whose target could be anywhere.
      if (await exists(current)) return undefined;
      const parent = dirname(current);
      if (parent === current) return undefined;
      missing.push(basename(current));
      current = parent;
    }
  }
}

export async function createPathGuard(paths: readonly string[]): Promise<PathGuard> {
  if (paths.length === 0) throw new FrostError('USAGE', 'frost serve needs at least one folder it may read.');
  const roots: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    try {
      roots.push(await realpath(abs));
    } catch {
      throw new FrostError('FILE_NOT_FOUND', `${abs} does not exist, so it cannot be served.`, { file: abs });
    }
  }
  return {
    roots,
    async allows(path: string): Promise<boolean> {
      if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) return false;
      const real = await realLocation(path);
      return real !== undefined && roots.some((root) => isInside(real, root));
    },
  };
}
