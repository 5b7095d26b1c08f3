import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventStore, type NewEvent } from '@app/event-store';
import { DEAL_EVENT_SCHEMA_VERSIONS } from '@app/newsroom';
import { claimRecorded } from '@app/newsroom/domain/testing/deal.fixtures';
import { dataSourceOptions } from '@app/platform';
import { migrations } from '../../../migrations';
import { BenchServer, log, mean, POOL_SIZE, sidesOf, type Row } from './bench.support';
import type { Options } from './main';

const WRITERS = 8;
const STREAMS_PER_WRITER = 4;
const TARGET_RATIO = 0.5;

type Side = 'store' | 'bare';

interface Stream {
  id: string;
  version: number;
  hash: string;
}

/** A claim as the API records it, with the metadata it adds. */
function newEvent(streamId: string): NewEvent {
  const event = claimRecorded(randomUUID(), { dealId: streamId.slice('deal-'.length), statement: 'Twitter offered about $4B' });
  return {
    type: event.type,
    schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type],
    data: { ...event.data },
    metadata: { actorId: randomUUID(), actorRoles: ['editor'], correlationId: randomUUID() },
  };
}

/**
 * EventStore.append of one event per transaction against a bare INSERT of a comparable row (same columns, a hash chained in
 * Node) into a table with the same keys, by the same writers on the same pool, in alternating rounds.
 */
export async function storeBench(server: BenchServer, options: Options): Promise<{ rows: Row[]; details: unknown }> {
  const dataSource = new DataSource(dataSourceOptions(await server.createDatabase('store'), [], migrations, POOL_SIZE));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.query(
      `create table bench_bare_events (position bigserial primary key, stream_id text not null, version bigint not null,
         type text not null, schema_version int not null, data jsonb not null, metadata jsonb not null,
         recorded_at timestamptz not null default now(), hash text not null, unique (stream_id, version))`,
    );
    const store = new EventStore(dataSource);

    const write: Record<Side, (stream: Stream) => Promise<void>> = {
      store: async (stream) => {
        const result = await store.append(stream.id, stream.version === 0 ? 'no_stream' : stream.version, [newEvent(stream.id)]);
        stream.version = result.toVersion;
      },
      bare: async (stream) => {
        const event = newEvent(stream.id);
        const version = stream.version + 1;
        const hash = createHash('sha256').update(stream.hash + JSON.stringify({ streamId: stream.id, version, ...event })).digest('hex');
        await dataSource.query(
          `insert into bench_bare_events (stream_id, version, type, schema_version, data, metadata, hash)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [stream.id, version, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata), hash],
        );
        stream.version = version;
        stream.hash = hash;
      },
    };

    /** Events per second written by WRITERS writers, each going round its own streams. */
    const run = async (side: Side, seconds: number): Promise<number> => {
      await dataSource.query('checkpoint').catch(() => undefined); // each run starts without the other's dirty pages
      const until = performance.now() + seconds * 1000;
      let events = 0;
      const writer = async (): Promise<void> => {
        const streams: Stream[] = Array.from({ length: STREAMS_PER_WRITER }, () => ({ id: `deal-${randomUUID()}`, version: 0, hash: '' }));
        for (let i = 0; performance.now() < until; i++) {
          await write[side](streams[i % streams.length] as Stream);
          events++;
        }
      };
      const began = performance.now();
      await Promise.all(Array.from({ length: WRITERS }, writer));
      return events / ((performance.now() - began) / 1000);
    };

    for (const side of ['bare', 'store'] as const) await run(side, 1); // warm-up
    const runs: Record<Side, number[]> = { store: [], bare: [] };
    for (let round = 0; round < options.rounds; round++) {
      for (const side of sidesOf(round, 'store' as const, 'bare' as const)) {
        const rate = await run(side, options.seconds);
        runs[side].push(rate);
        log(`store round ${round + 1} ${side.padEnd(5)} ${rate.toFixed(0).padStart(6)} events/s`);
      }
    }
    const rate = (side: Side) => mean(runs[side]);
    const ratio = rate('store') / rate('bare');
    return {
      rows: [
        { bench: 'store', figure: 'append events/s (1 event/tx)', value: rate('store'), unit: '/s' },
        { bench: 'store', figure: 'bare INSERT events/s', value: rate('bare'), unit: '/s' },
        { bench: 'store', figure: 'append / bare INSERT', value: ratio, unit: 'x', target: `>= ${TARGET_RATIO}`, met: ratio >= TARGET_RATIO },
      ],
      details: { writers: WRITERS, streamsPerWriter: STREAMS_PER_WRITER, seconds: options.seconds, poolSize: POOL_SIZE, runs },
    };
  } finally {
    await dataSource.destroy();
  }
}
