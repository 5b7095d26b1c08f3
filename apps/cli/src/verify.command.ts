import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LogCheckpoint } from '@app/event-store';
import { AuditService, type AuditPhase } from '@app/newsroom';
import { ProgressBar } from '@app/platform';
import { type CliIo, UsageError, withAppContext } from './cli-context';

/**
 * `verify [--json] [--checkpoint FILE]`: every hash chain, every checkpoint and
 * the log against the newest (and against the one in FILE, exported earlier
 * with `checkpoint export`), every deal's read model against its events;
 * exit code 1 on any finding.
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, checkpoint: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const external = values.checkpoint === undefined ? undefined : readCheckpoint(values.checkpoint);
  const bars: Record<AuditPhase, ProgressBar> = { log: new ProgressBar('events', io.stderr), deals: new ProgressBar('deals', io.stderr) };
  let phase: AuditPhase | undefined;
  const result = await withAppContext(io, (app) =>
    app.get(AuditService).verify({
      external,
      progress: (current, done, total) => {
        if (phase && phase !== current) bars[phase].finish();
        phase = current;
        bars[current].update(done, total);
      },
    }),
  ).finally(() => phase && bars[phase].finish());
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.ok) {
    const against = result.checkpoint ? `, the log matches checkpoint ${result.checkpoint.id} (${result.checkpoint.treeSize} events)` : ', no checkpoint yet';
    io.stdout.write(`ok: ${result.checked} events in ${result.streams} streams, every hash chain holds${against}, every deal matches its events\n`);
  } else {
    io.stdout.write(`FOUND: ${result.broken.length} broken, ${result.drift.length} deals drifted (${result.checked} events checked)\n`);
    for (const b of result.broken) {
      const where = b.streamId !== undefined ? `${b.streamId} at position ${b.position}` : `checkpoint ${b.checkpointId ?? '-'}`;
      io.stdout.write(`  ${where}: ${b.reason}${b.detail ? ` (${b.detail})` : ''}\n`);
    }
    for (const d of result.drift) io.stdout.write(`  deal ${d.dealId}: its projection differs in ${d.fields.join(', ')}\n`);
  }
  return result.ok ? 0 : 1;
}

/** A checkpoint as `checkpoint export` writes it (the file also carries the public key, for outsiders). */
function readCheckpoint(file: string): LogCheckpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--checkpoint ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const c = ((parsed as { checkpoint?: unknown }).checkpoint ?? parsed) as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(c.id) &&
    Number.isSafeInteger(c.treeSize) &&
    Number.isSafeInteger(c.lastPosition) &&
    ['rootHash', 'createdAt', 'keyId', 'signature'].every((k) => typeof c[k] === 'string');
  if (!ok) throw new UsageError(`--checkpoint ${file}: not a checkpoint exported by "checkpoint export"`);
  return {
    id: c.id as number,
    treeSize: c.treeSize as number,
    rootHash: c.rootHash as string,
    lastPosition: c.lastPosition as number,
    createdAt: c.createdAt as string,
    keyId: c.keyId as string,
    signature: c.signature as string,
  };
}
