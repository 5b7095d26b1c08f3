import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The PostgreSQL a benchmark runs on: the server of DATABASE_URL, or an embedded
 * one in a temporary directory with default durability settings. Databases it
 * creates are dropped, and the embedded server stopped, by `stop()`, which also
 * runs on Ctrl-C.
 */
export class BenchServer {
  private readonly created: string[] = [];
  private stopped = false;

  private constructor(
    readonly adminUrl: string,
    private readonly embedded?: EmbeddedDatabase,
    private readonly dataDir?: string,
  ) {}

  static async start(label: string, log: (line: string) => void, onInterrupt?: () => Promise<void>): Promise<BenchServer> {
    let server: BenchServer;
    const given = process.env.DATABASE_URL;
    if (given) {
      server = new BenchServer(given);
    } else {
      const dataDir = await mkdtemp(join(tmpdir(), `bench-${label}-`));
      await chmod(dataDir, 0o755); // the server runs as user postgres
      log(`starting an embedded PostgreSQL in ${dataDir} (default durability settings)`);
      const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
      server = new BenchServer(embedded.adminUrl, embedded, dataDir);
    }
    let interrupted = false;
    const onSignal = (): void => {
      if (interrupted) return;
      interrupted = true;
      console.error('interrupted: cleaning up');
      void (onInterrupt?.() ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => server.stop())
        .finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return server;
  }

  /** Creates a fresh database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    await this.admin((client) => client.query(`create database "${name}"`));
    this.created.push(name);
    return withDatabase(this.adminUrl, name);
  }

  async dropDatabase(name: string): Promise<void> {
    await this.admin((client) => client.query(`drop database if exists "${name}" with (force)`)).catch((error: unknown) =>
      console.error(`could not drop ${name}:`, error),
    );
    this.created.splice(this.created.indexOf(name), 1);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const name of [...this.created]) await this.dropDatabase(name);
    await this.embedded?.stop().catch(() => undefined);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
