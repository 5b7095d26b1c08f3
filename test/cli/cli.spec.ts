import { readFile } from 'node:fs/promises';
import { hashApiKey } from '@app/access';
import { demoDataPath } from '@app/newsroom';
import { runCli } from '../../apps/cli/src/cli';
import { createTestDatabase, openDataSource, TestDatabase } from '../support/test-database';

/** The CLI run in-process, its output captured; the same code `npm run cli` runs from dist. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    env: { LOG_LEVEL: 'error', ...env },
  });
  return { code, stdout, stderr };
}

describe('the CLI', () => {
  describe('usage', () => {
    it('prints the help on "help" and exits 0', async () => {
      const run = await cli(['help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: npm run cli -- <command>/);
      expect(run.stdout).toContain('keys create --name NAME --roles');
    });

    it.each([
      [[], /no command given/],
      [['frobnicate'], /unknown command: frobnicate/],
      [['import'], /usage: import FILE/],
      [['import', '/no/such/file.ndjson'], /no such file: \/no\/such\/file\.ndjson/],
      [['keys', 'create', '--name', 'x', '--roles', 'editor,wizard'], /--roles: each role must be one of: editor, fact_checker, reader, admin/],
      [['keys', 'create', '--roles', 'editor'], /--name: /],
      [['keys', 'delete'], /usage: keys create/],
      [['verify', '--colour'], /Unknown option '--colour'/],
    ])('exits 2 with a clear message on %j, before touching a database', async (argv, message) => {
      const run = await cli(argv, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });

    it('exits 2 on a bad setting, naming it', async () => {
      const run = await cli(['verify'], { DATABASE_POOL_SIZE: 'lots' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('DATABASE_POOL_SIZE');
    });
  });

  describe('on a database', () => {
    let db: TestDatabase;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      db = await createTestDatabase();
      env = { DATABASE_URL: db.url };
    });

    afterAll(async () => {
      await db.drop();
    });

    const query = async <T>(sql: string, parameters: unknown[] = []): Promise<T[]> => {
      const dataSource = await openDataSource(db.url, 1);
      try {
        return await dataSource.query(sql, parameters);
      } finally {
        await dataSource.destroy();
      }
    };

    it('creates a key and prints it once, on stdout alone', async () => {
      const run = await cli(['keys', 'create', '--name', 'Desk editor', '--roles', 'editor,reader'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^nfk_[\w-]{43}\n$/);
      expect(run.stderr).toContain('shown only this once');
      const rows = await query<{ name: string; roles: string[] }>('select name, roles from api_keys where key_hash = $1', [
        hashApiKey(run.stdout.trim()),
      ]);
      expect(rows).toEqual([{ name: 'Desk editor', roles: ['editor', 'reader'] }]);
    });

    it('imports a file with a progress bar, once: the second run writes nothing and reuses the import keys', async () => {
      const lines = (await readFile(demoDataPath(), 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
      const first = await cli(['import', demoDataPath()], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(new RegExp(`${lines} lines, ${lines} written, 0 already imported; 5 deals`));
      // not a terminal: one line per 10% step
      const bar = first.stderr.trim().split('\n');
      expect(bar[0]).toBe(`[..............................] 0/${lines} lines 0%`);
      expect(bar[bar.length - 1]).toBe(`[##############################] ${lines}/${lines} lines 100%`);
      expect(bar).toHaveLength(11);

      const second = await cli(['import', demoDataPath()], env);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(new RegExp(`${lines} lines, 0 written, ${lines} already imported`));
      expect(await query('select count(*)::int as n from es_events')).toEqual([{ n: lines }]);
      expect(await query(`select name, roles from api_keys where name like 'import %' order by name`)).toEqual([
        { name: 'import editor', roles: ['editor'] },
        { name: 'import fact-checker', roles: ['fact_checker'] },
      ]);
    });

    it('rebuilds the deal read models from the log into the same rows, with a progress bar', async () => {
      const dump = () =>
        query<{ deal_id: string; version: number; state: unknown }>('select deal_id, version, state from deals order by deal_id');
      const claims = () => query<{ claim_id: string; record: unknown }>('select claim_id, record::json as record from deal_claims order by claim_id');
      const before = { deals: await dump(), claims: await claims() };
      expect(before.deals).toHaveLength(5);
      const run = await cli(['rebuild'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^rebuilt deals: \d+ events, 5 deals in [\d.]+ s \(\d+ events\/s\)\n$/);
      expect(run.stderr.trim().split('\n').pop()).toMatch(/100%$/);
      expect({ deals: await dump(), claims: await claims() }).toEqual(before);
      const unknown = await cli(['rebuild', 'outlets'], env);
      expect(unknown.code).toBe(2);
    });

    it('verifies the log: 0 when every chain holds, 1 naming the broken stream after tampering', async () => {
      const clean = await cli(['verify'], env);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toMatch(/^ok: \d+ events in 5 streams, every hash chain holds, no checkpoint yet, every deal matches its events\n$/);

      const [target] = await query<{ position: string; stream_id: string }>(
        `select position, stream_id from es_events where type = 'ClaimRecorded' order by position limit 1`,
      );
      // the log is append-only: tampering takes the setting only migrations set
      await query(
        `set newsroom.log_rewrite = 'on';
         update es_events set data = jsonb_set(data, '{statement}', '"edited"') where position = ${Number(target.position)}`,
      );
      const broken = await cli(['verify', '--json'], env);
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({
        ok: false,
        broken: [{ streamId: target.stream_id, position: Number(target.position), reason: 'hash_mismatch' }],
      });
    });
  });
});
