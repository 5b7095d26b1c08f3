import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClientConfig } from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { CopyData } from './deal-projection.tables';
import type { ProjectedRange, StreamRange } from './deal-rebuild.range';

/** What a fold thread starts with. */
export interface FoldThreadData {
  connection: ClientConfig;
  /** Of the tables the rows are for (`_next`). */
  suffix: string;
}

/** What a fold thread is asked: to fold a range, to take back the memory of its rows once sent, or to end. */
export type FoldThreadRequest = { range: StreamRange } | { sent: ArrayBuffer[] } | { close: true };

/** A fold thread's answer to a range: its rows, or why it could not. */
export type FoldThreadReply = ProjectedRange | { error: string };

export interface RebuildThreadOptions {
  /** Threads the deal streams are folded in; 0: in the rebuilding process. */
  threads: number;
  /** Stores with fewer events are folded in the process: starting threads would cost more than they save. */
  minEvents: number;
  /** The fold thread's script; null when there is none to run (then deals are folded in the process). */
  script: string | null;
  /**
   * Events per range of deal streams folded at a time: small enough to share
   * the work out evenly and to write while the next ranges are folded, large
   * enough that each COPY is worth its round trip.
   */
  rangeEvents: number;
}

/**
 * From the environment: REBUILD_THREADS (default: one per core), and
 * REBUILD_WORKER, the script a fold thread runs (default: the compiled
 * `deal-rebuild.worker.js` beside this module; the tests point it at a
 * bootstrap that runs the TypeScript source).
 */
export function rebuildThreadOptions(env: NodeJS.ProcessEnv = process.env): RebuildThreadOptions {
  const threads = env.REBUILD_THREADS === undefined || env.REBUILD_THREADS === '' ? availableParallelism() : Number(env.REBUILD_THREADS);
  if (!Number.isInteger(threads) || threads < 0) throw new Error(`REBUILD_THREADS must be a whole number, not "${env.REBUILD_THREADS}"`);
  const compiled = typeof __dirname === 'string' ? join(__dirname, 'deal-rebuild.worker.js') : null;
  const script = env.REBUILD_WORKER || (compiled !== null && existsSync(compiled) ? compiled : null);
  return { threads, minEvents: 50_000, script, rangeEvents: 20_000 };
}

/**
 * How a fold lane reaches the database: the data source's own settings, and a
 * plan that reads each range in the stream index's order. The planner, costing
 * the heap pages an index scan visits out of order, would rather scan a bitmap
 * and sort; a range's sort outgrows work_mem and spills to disk, and no row
 * leaves before the last is sorted. The index scan streams the rows as the
 * fold takes them (on a kept store of a million events, 3 to 7 of the
 * server's 29 to 32 CPU-seconds less).
 */
export function connectionOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as Extract<DataSourceOptions, { type: 'postgres' }>;
  const config: ClientConfig = {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    ssl: options.ssl as ClientConfig['ssl'],
    application_name: 'newsroom-facts rebuild',
    options: '-c enable_sort=off -c enable_bitmapscan=off',
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as ClientConfig;
}

/** One fold thread: a range in, its rows out, one range at a time. */
export class FoldThread {
  private readonly worker: Worker;
  private pending: { resolve(range: ProjectedRange): void; reject(error: Error): void } | null = null;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(script: string, data: FoldThreadData) {
    this.worker = new Worker(script, { workerData: data });
    this.worker.on('message', (reply: FoldThreadReply) => {
      const pending = this.pending;
      this.pending = null;
      if ('error' in reply) this.fail(new Error(`a rebuild thread failed: ${reply.error}`), pending);
      else pending?.resolve({ events: reply.events, copies: reply.copies.map(asBuffers) });
    });
    this.worker.on('error', (error) => this.fail(error, this.pending));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a rebuild thread stopped (exit code ${code})`), this.pending);
        resolve();
      }),
    );
  }

  project(range: StreamRange): Promise<ProjectedRange> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.pending !== null) return Promise.reject(new Error('a rebuild thread folds one range at a time'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ range } satisfies FoldThreadRequest);
    });
  }

  /** Gives the thread back the memory of rows it sent, once they are written. */
  sent(memory: Set<ArrayBufferLike>): void {
    if (this.failure !== null) return;
    const buffers = [...memory] as ArrayBuffer[];
    this.worker.postMessage({ sent: buffers } satisfies FoldThreadRequest, buffers);
  }

  /** Lets the thread close its connection and end; stops it at once after a failure. */
  async close(): Promise<void> {
    if (this.failure !== null) await this.worker.terminate();
    else this.worker.postMessage({ close: true } satisfies FoldThreadRequest);
    await this.exited;
  }

  private fail(error: Error, pending: FoldThread['pending']): void {
    this.failure ??= error;
    this.pending = null;
    pending?.reject(error);
  }
}

/** Buffers arrive from a thread as plain Uint8Arrays: Buffers over the same memory. */
function asBuffers({ sql, chunks }: CopyData): CopyData {
  return { sql, chunks: chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)) };
}
