import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runningEmbeddedServer, startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';
import { runCli } from '../../apps/cli/src/cli';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    env: { LOG_LEVEL: 'error', ...env },
  });
  return { code, stdout, stderr };
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL and the process that started it', () => {
  let dataDir: string;
  const started: EmbeddedDatabase[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'newsroom-orphan-'));
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    for (const server of started) await server.stop().catch(() => undefined);
    const lock = join(dataDir, 'pg', 'postmaster.pid');
    if (existsSync(lock)) {
      const pid = postmasterPid(dataDir);
      if (alive(pid)) process.kill(pid, 'SIGINT');
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops a server whose starter died and starts cleanly on the same DATA_DIR, data kept', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.url, `create table kept (n int); insert into kept values (42)`);
    const orphan = postmasterPid(dataDir);
    // the starter is gone (as after kill -9): its server keeps running and holds the lock file
    await writeFile(join(dataDir, 'server.json'), JSON.stringify({ pid: deadPid(), port: 1 }));

    const second = await startEmbeddedPostgres({ dataDir });
    started.push(second);
    expect(alive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphan);
    expect(await query(second.url, 'select n from kept')).toEqual([{ n: 42 }]);
  }, 120_000);

  it('refuses to take a server whose starter is alive, naming that process', async () => {
    // the server started above now belongs to another live process (jest's parent stands in for an API)
    await writeFile(join(dataDir, 'server.json'), JSON.stringify({ pid: process.ppid, port: 1 }));
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
  }, 60_000);

  it('lets the CLI use the server an API runs in DATA_DIR', async () => {
    expect(runningEmbeddedServer(dataDir)?.ownerPid).toBe(process.ppid);
    const run = await cli(['keys', 'create', '--name', 'desk next to the API', '--roles', 'reader'], { DATA_DIR: dataDir });
    expect(run.stderr).toContain('Created the API key');
    expect(run.code).toBe(0);
    const url = runningEmbeddedServer(dataDir)!.url;
    expect(await query(url, `select name from api_keys where name = 'desk next to the API'`)).toEqual([{ name: 'desk next to the API' }]);
    // the CLI leaves the API's server running
    expect(alive(postmasterPid(dataDir))).toBe(true);
    await writeFile(join(dataDir, 'server.json'), JSON.stringify({ pid: process.pid, port: 1 }));
  }, 120_000);

  it('makes the CLI refuse a DATA_DIR without a database instead of creating one', async () => {
    const empty = join(dataDir, 'elsewhere');
    const run = await cli(['keys', 'create', '--name', 'lost', '--roles', 'reader'], { DATA_DIR: empty });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no database in DATA_DIR/);
    expect(existsSync(join(empty, 'pg'))).toBe(false);
  });

  it('says why a start failed, in the server’s own words', async () => {
    const other = await mkdtemp(join(tmpdir(), 'newsroom-badstart-'));
    await chmod(other, 0o755);
    try {
      await expect(startEmbeddedPostgres({ dataDir: other, flags: ['-c', 'shared_buffers=lots'] })).rejects.toThrow(/shared_buffers/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 120_000);
});
