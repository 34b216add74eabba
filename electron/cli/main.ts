/**
 * `frost`: the command-line face of Frost's core. Exit codes: 0 ok, 1 bad input (one clear
 * sentence on stderr, no stack trace), 2 usage error.
 */
import { isFrostError } from '../core/index.js';
import { diffHelp, runDiff } from './commands/diff.js';
import { exportHelp, runExport } from './commands/export.js';
import { freezeHelp, runFreeze } from './commands/freeze.js';
import { inspectHelp, runInspect } from './commands/inspect.js';
import { outputsHelp, runOutputs } from './commands/outputs.js';
import { runServe, serveHelp } from './commands/serve.js';
import { runTensor, tensorHelp } from './commands/tensor.js';
import { processIO, type CliIO } from './io.js';
import { UsageError } from './usage-error.js';
import { frostVersion } from './version.js';

interface Command {
  summary: string;
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  inspect: { summary: 'list checkpoint steps, variables and the graph summary', help: inspectHelp, run: runInspect },
  tensor: { summary: "show one tensor's stats, histogram and values; --npy to save it", help: tensorHelp, run: runTensor },
  export: { summary: 'write every variable into one .npz file', help: exportHelp, run: runExport },
  freeze: { summary: 'freeze a checkpoint into a frozen GraphDef .pb (+ manifest)', help: freezeHelp, run: runFreeze },
  outputs: { summary: 'rank the likely outputs and inputs of a graph', help: outputsHelp, run: runOutputs },
  diff: { summary: 'compare two graphs or checkpoints (structure, attrs, weights); --steps N,M', help: diffHelp, run: runDiff },
  serve: { summary: 'open the app in a web browser, served by this process (Ctrl-C stops it)', help: serveHelp, run: runServe },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: frost <command> [options]',
    '',
    'Frost opens TensorFlow checkpoints, graphs and SavedModels without Python or TensorFlow.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "frost <command> --help" for the options of a command.',
  ].join('\n');
}

export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    io.out(topic && COMMANDS[topic] ? (COMMANDS[topic] as Command).help : mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`frost ${frostVersion()}`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`frost: unknown command "${name}".\n\n${mainHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\nRun "frost ${name} --help" for usage.`);
      return 2;
    }
    if (isFrostError(e)) {
      io.err(`frost: ${e.message}`);
      if (process.env['FROST_DEBUG']) io.err(String(e.stack));
      return 1;
    }
    // Not the user's fault: say so, still without a stack unless asked.
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`frost: unexpected internal error: ${msg} (set FROST_DEBUG=1 for details; please report it).`);
    if (process.env['FROST_DEBUG'] && e instanceof Error) io.err(String(e.stack));
    return 1;
  }
}
