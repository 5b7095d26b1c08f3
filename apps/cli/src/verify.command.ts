import { parseArgs } from 'node:util';
import { EventStore } from '@app/event-store';
import { type CliIo, withAppContext } from './cli-context';

/** `verify [--json]`: recomputes every stream's hash chain; 1 when any is broken. */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false });
  const result = await withAppContext(io, (app) => app.get(EventStore).verify());
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.ok) {
    io.stdout.write(`ok: ${result.checked} events in ${result.streams} streams, every hash chain holds\n`);
  } else {
    io.stdout.write(`BROKEN: ${result.broken.length} of ${result.streams} streams (${result.checked} events checked)\n`);
    for (const link of result.broken) {
      io.stdout.write(`  ${link.streamId} at version ${link.version} (position ${link.position}): ${link.reason}\n`);
    }
  }
  return result.ok ? 0 : 1;
}
