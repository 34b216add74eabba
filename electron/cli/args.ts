/**
 * Argument parsing shared by the commands: node's parseArgs in strict mode, with every
 * mistake turned into a UsageError (exit 2) that says what was wrong.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^.*?: /, '') : String(e);
    throw new UsageError(`frost ${command}: ${msg}`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function int(command: string, p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`frost ${command}: --${name} takes a whole number, not "${v}".`);
  return Number(v);
}

export function positional(command: string, p: Parsed, index: number, what: string): string {
  const v = p.positionals[index];
  if (v === undefined) throw new UsageError(`frost ${command}: missing ${what}.`);
  return v;
}

export function noExtraPositionals(command: string, p: Parsed, count: number): void {
  if (p.positionals.length > count) throw new UsageError(`frost ${command}: unexpected argument "${p.positionals[count] ?? ''}".`);
}
