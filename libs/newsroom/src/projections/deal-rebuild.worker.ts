/**
 * A rebuild's fold thread: reads the deal streams of the ranges it is sent on
 * its own connection, folds them and sends back their rows as COPY data (the
 * buffers are transferred, not copied). The rebuild writes them; see
 * DealProjectionRebuilder.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { UpcasterRegistry } from '@app/event-store/upcaster-registry';
import { registerDealUpcasters } from '../domain/deal.upcasters';
import { DealProjectionTables } from './deal-projection.tables';
import { CopyBufferPool, memoryOf, type CopyClient } from './binary-copy';
import { projectRange, type StreamRange } from './deal-rebuild.range';
import type { FoldThreadData, FoldThreadReply, FoldThreadRequest } from './deal-rebuild.threads';

const port = parentPort;
if (port === null) throw new Error('the deal rebuild worker runs in a worker thread');
const { connection, suffix } = workerData as FoldThreadData;
const client = new pg.Client(connection);
const upcasters = registerDealUpcasters(new UpcasterRegistry());
const tables = new DealProjectionTables(suffix);
const upcast = upcasters.upcast.bind(upcasters);
const pool = new CopyBufferPool();
const connected = client.connect();
client.on('error', (error) => port.postMessage({ error: error.message } satisfies FoldThreadReply));

port.on('message', (request: FoldThreadRequest) => {
  if ('close' in request) {
    void client.end().finally(() => port.close());
    return;
  }
  if ('sent' in request) {
    pool.give(request.sent);
    return;
  }
  const range: StreamRange = request.range;
  connected
    .then(() => projectRange(client as unknown as CopyClient, (type, version, data) => upcast(type, version, data).data, tables, range, pool))
    .then(
      ({ copies, events }) => {
        const transfer = memoryOf(copies.flatMap(({ chunks }) => chunks)) as Set<ArrayBuffer>;
        port.postMessage({ copies, events } satisfies FoldThreadReply, [...transfer]);
      },
      (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies FoldThreadReply),
    );
});
