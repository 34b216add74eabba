/** Where commands write: injectable so tests can capture output without spawning processes. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function printJSON(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
