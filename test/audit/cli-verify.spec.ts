import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { runCli } from '../../apps/cli/src/cli';
import { createTestDatabase, openDataSource, type TestDatabase } from '../support/test-database';

/** The CLI run in-process, its output captured. */
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

describe('cli verify against a checkpoint exported earlier', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url, 2);
    dir = await mkdtemp(join(tmpdir(), 'newsroom-cli-'));
    env = { DATABASE_URL: db.url, CHECKPOINT_KEY_FILE: join(dir, 'checkpoint-key.pem') };
    const store = new EventStore(dataSource);
    for (let i = 1; i <= 3; i++) await store.append(`note-${i}`, 'no_stream', [{ type: 'Noted', data: { text: `note ${i}` } }]);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports a signed checkpoint with the public key, verifies with a progress bar, and reports a log rewritten behind it with exit code 1', async () => {
    const file = join(dir, 'checkpoint.json');
    const exported = await cli(['checkpoint', 'export', '--sign', '--out', file], env);
    expect(exported.code).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toEqual({
      checkpoint: expect.objectContaining({ id: 1, treeSize: 3 }),
      publicKey: expect.stringContaining('BEGIN PUBLIC KEY'),
    });

    const clean = await cli(['verify', '--checkpoint', file], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^ok: 3 events in 3 streams, every hash chain holds, the log matches checkpoint 1/);
    expect(clean.stderr).toContain('3/3 events 100%');

    // a superuser rewrites an event, recomputes its chain and head, and removes the checkpoint from the database
    await dataSource.transaction(async (m) => {
      await m.query(`set local newsroom.log_rewrite = 'on'`);
      await m.query(`update es_events set data = '{"text": "never noted"}' where stream_id = 'note-2'`);
      await m.query(`update es_events e set hash = es_event_hash('', e.position, e.tx_id, e.stream_id, e.version, e.type,
                       e.schema_version, e.data, e.metadata, e.recorded_at) where stream_id = 'note-2'`);
      await m.query(`update es_streams s set last_hash = e.hash from es_events e where e.stream_id = s.stream_id and s.stream_id = 'note-2'`);
      await m.query(`delete from es_log_checkpoints`);
    });
    const found = await cli(['verify', '--json', '--checkpoint', file], env);
    expect(found.code).toBe(1);
    expect(JSON.parse(found.stdout)).toMatchObject({
      ok: false,
      checkpoint: null,
      broken: [
        { reason: 'checkpoint_missing', checkpointId: 1 },
        { reason: 'checkpoint_mismatch', checkpointId: 1 },
      ],
      drift: [],
    });
    const text = await cli(['verify', '--checkpoint', file], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FOUND: 2 broken, 0 deals drifted/);
  });

  it('refuses a file that is not a checkpoint as a usage error', async () => {
    const run = await cli(['verify', '--checkpoint', join(dir, 'checkpoint-key.pem')], env);
    expect(run.code).toBe(2);
  });
});
