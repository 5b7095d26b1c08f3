import { type CliIo, UsageError } from './cli-context';
import { checkpointCommand } from './checkpoint.command';
import { helpCommand, USAGE } from './help.command';
import { importCommand } from './import.command';
import { keysCommand } from './keys.command';
import { rebuildCommand } from './rebuild.command';
import { verifyCommand } from './verify.command';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  import: importCommand,
  keys: keysCommand,
  verify: verifyCommand,
  checkpoint: checkpointCommand,
  rebuild: rebuildCommand,
  help: helpCommand,
  '--help': helpCommand,
  '-h': helpCommand,
};

/** Runs one command line; resolves to the exit code: 0 done, 1 failed, 2 usage error. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    io.stderr.write(`${name === undefined ? 'no command given' : `unknown command: ${name}`}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    // parseArgs' own refusals (unknown option, missing value) are usage errors too
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
      io.stderr.write(`${(error as Error).message}\nRun "npm run cli -- help" for the commands and their options.\n`);
      return 2;
    }
    io.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
