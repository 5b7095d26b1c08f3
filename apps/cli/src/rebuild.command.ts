import { parseArgs } from 'node:util';
import { DealProjectionRebuilder } from '@app/newsroom';
import { ProgressBar } from '@app/platform';
import { type CliIo, UsageError, withAppContext } from './cli-context';

const PROJECTIONS = ['deals'] as const;

/**
 * `rebuild [deals]`: replays the log into fresh deal read models (state, claims,
 * timeline) and swaps them in; an API running on the same database keeps serving.
 */
export async function rebuildCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  const [projection = 'deals', ...rest] = positionals;
  if (rest.length > 0 || !(PROJECTIONS as readonly string[]).includes(projection)) {
    throw new UsageError(`rebuild takes one projection name: ${PROJECTIONS.join(', ')}`);
  }
  const bar = new ProgressBar('events', io.stderr);
  try {
    const result = await withAppContext(io, (app) =>
      app.get(DealProjectionRebuilder).rebuild((done, total) => bar.update(done, total)),
    );
    bar.finish();
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    io.stdout.write(`rebuilt ${projection}: ${result.events} events, ${result.deals} deals in ${result.seconds.toFixed(1)} s (${rate} events/s)\n`);
    return 0;
  } catch (error) {
    bar.finish();
    throw error;
  }
}
