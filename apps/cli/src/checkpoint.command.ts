import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LogCheckpoints } from '@app/event-store';
import { type CliIo, UsageError, withAppContext } from './cli-context';

/**
 * `checkpoint export [--sign] [--out FILE]`: writes the newest checkpoint (a new
 * one with --sign) and the public key as JSON, to keep somewhere the database's
 * administrators cannot reach; `verify --checkpoint FILE` checks the log against it later.
 */
export async function checkpointCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, sign: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'export') throw new UsageError('checkpoint takes one subcommand: export');
  const exported = await withAppContext(io, async (app) => {
    const checkpoints = app.get(LogCheckpoints);
    const checkpoint = values.sign ? await checkpoints.sign() : await checkpoints.latest();
    return { checkpoint, key: checkpoints.publicKey };
  });
  if (!exported.checkpoint || !exported.key) {
    io.stderr.write(exported.key ? 'no checkpoint was signed yet: run with --sign\n' : 'no checkpoint key is configured (CHECKPOINT_KEY_FILE)\n');
    return 1;
  }
  const text = `${JSON.stringify({ checkpoint: exported.checkpoint, publicKey: exported.key.publicKey }, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text, { flag: 'w' });
    io.stderr.write(`checkpoint ${exported.checkpoint.id} (${exported.checkpoint.treeSize} events) written to ${values.out}\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}
