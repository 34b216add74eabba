/**
 * Checkpoint file patterns (tf-formats.md §1.3): the state file and V1 savers name sharded
 * checkpoints as `P-?????-of-00002`. Wildcards (`?`, `*`, `[...]`) only in the last path
 * component, as TensorFlow uses them.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isFile } from './file.js';

export function hasGlob(name: string): boolean {
  return /[?*[]/.test(name);
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '?') re += '.';
    else if (c === '*') re += '.*';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Regular files matching `pattern`, sorted by name. */
export async function globFiles(pattern: string): Promise<string[]> {
  const folder = dirname(pattern);
  const re = globToRegExp(basename(pattern));
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.sort()) if (re.test(name) && (await isFile(join(folder, name)))) out.push(join(folder, name));
  return out;
}
