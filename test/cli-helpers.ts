/** Runs the CLI in-process and captures what it prints. */
import { run } from '../electron/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function frost(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

export async function frostJSON<T>(...argv: string[]): Promise<T> {
  const r = await frost(...argv, '--json');
  if (r.code !== 0) throw new Error(`frost ${argv.join(' ')} failed (${r.code}): ${r.err}`);
  return JSON.parse(r.out) as T;
}
