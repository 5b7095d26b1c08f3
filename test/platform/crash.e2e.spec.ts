import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@app/platform';
import { validClaim, validDeal } from '../api/api-fixtures';

const ADMIN_KEY = 'crash-admin-key-0123456789abcdef';
const ROUNDS = 3;
const RUN_API = resolve(process.cwd(), 'test/support/run-api.mjs');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Api {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the API as `npm start` would, on the embedded PostgreSQL in `dataDir`; resolves once /health says ok. */
async function startApi(dataDir: string): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, [RUN_API], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`the API did not become healthy:\n${output}`);
}

async function post(url: string, path: string, key: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the API killed with SIGKILL under load, then started again (DESIGN 2.6)', () => {
  let dataDir: string;
  let api: Api | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'newsroom-crash-'));
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    const lock = join(dataDir, 'pg', 'postmaster.pid');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
      if (alive(pid)) process.kill(pid, 'SIGINT');
    }
    await new Promise((r) => setTimeout(r, 500));
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`restarts with no manual step after each of ${ROUNDS} kills, keeping every claim that got a 201`, async () => {
    api = await startApi(dataDir);
    const editor = (await post(api.url, '/api-keys', ADMIN_KEY, { name: 'crash editor', roles: ['editor'] })).body.key as string;
    const dealId = (await post(api.url, '/deals', editor, validDeal())).body.id as string;
    const acknowledged: string[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const current = api;
      let running = true;
      let killed = false;
      const writers = Array.from({ length: 4 }, async () => {
        while (running) {
          try {
            const res = await post(current.url, `/deals/${dealId}/claims`, editor, validClaim({ statement: `round ${round}` }));
            if (res.status === 201) acknowledged.push(res.body.claimId);
            else if (running) throw new Error(`a write answered ${res.status}: ${JSON.stringify(res.body)}`);
          } catch (error) {
            // the connection dies with the process: that write was never acknowledged
            if (!killed) throw error;
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 700 + 300 * round));
      const before = acknowledged.length;
      killed = true;
      current.child.kill('SIGKILL');
      await new Promise((done) => current.child.once('exit', done));
      running = false;
      await Promise.all(writers);
      expect(before).toBeGreaterThan(0);

      // the embedded server outlived its starter: the next start must deal with it alone
      api = await startApi(dataDir);
      const missing: string[] = [];
      for (const claimId of acknowledged) {
        const res = await fetch(`${api.url}/claims/${claimId}`, { headers: { authorization: `Bearer ${editor}` } });
        if (res.status !== 200) missing.push(claimId);
      }
      expect({ round, missing }).toEqual({ round, missing: [] });
    }

    // a clean stop takes the embedded server down with it
    const last = api;
    last.child.kill('SIGTERM');
    await new Promise((done) => last.child.once('exit', done));
    const lock = join(dataDir, 'pg', 'postmaster.pid');
    const postmaster = existsSync(lock) ? Number(readFileSync(lock, 'utf8').split('\n')[0]) : 0;
    expect(postmaster === 0 || !alive(postmaster)).toBe(true);
  }, 300_000);
});
