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

describe('npm run cli -- keys list | revoke', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await db.drop();
  });

  it.each([
    [['keys', 'list', 'extra'], /usage: keys create .* \| keys list \[--json\] \| keys revoke ID/],
    [['keys', 'revoke'], /keys revoke ID/],
    [['keys', 'revoke', 'not-a-uuid'], /not-a-uuid is not a key id/],
  ])('exits 2 with a clear message on %j, before touching a database', async (argv, message) => {
    const run = await cli(argv, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('lists every key without a secret, revokes one, and shows it revoked', async () => {
    const desk = await cli(['keys', 'create', '--name', 'Desk editor', '--roles', 'editor,reader'], env);
    const checker = await cli(['keys', 'create', '--name', 'Fact-checker', '--roles', 'fact_checker'], env);
    expect([desk.code, checker.code]).toEqual([0, 0]);
    const secret = desk.stdout.trim();

    const listed = await cli(['keys', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const keys = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(keys).toEqual([
      expect.objectContaining({ name: 'Desk editor', roles: ['editor', 'reader'], revokedAt: null }),
      expect.objectContaining({ name: 'Fact-checker', roles: ['fact_checker'], revokedAt: null }),
    ]);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toMatch(/hash/i);

    const revoked = await cli(['keys', 'revoke', keys[0].id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`Revoked the API key ${keys[0].id}`);
    const dataSource = await openDataSource(db.url, 1);
    try {
      const rows: { revoked: boolean }[] = await dataSource.query('select revoked_at is not null as revoked from api_keys where id = $1', [keys[0].id]);
      expect(rows).toEqual([{ revoked: true }]);
    } finally {
      await dataSource.destroy();
    }

    const table = await cli(['keys', 'list'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ROLES\s+CREATED\s+STATE$/);
    expect(lines.find((line) => line.startsWith(keys[0].id))).toMatch(/Desk editor\s+editor,reader\s+\S+\s+revoked \d{4}-/);
    expect(lines.find((line) => line.startsWith(keys[1].id))).toMatch(/Fact-checker\s+fact_checker\s+\S+\s+active$/);
    expect(table.stderr).toContain('2 key(s), 1 active.');
  });

  it('exits 1 when no key has the id', async () => {
    const run = await cli(['keys', 'revoke', '00000000-0000-4000-8000-000000000000'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no API key has the id 00000000-0000-4000-8000-000000000000');
  });
});
