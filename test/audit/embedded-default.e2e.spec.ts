import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CheckpointKey, EventStore, LogCheckpoints } from '@app/event-store';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';

describe('the embedded default', () => {
  let dataDir: string;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'newsroom-embedded-'));
    // the server runs as the postgres system user when the tests run as root
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the checkpoint key in DATA_DIR on the first start, serves as a role that cannot rewrite the log, and signs on schedule', async () => {
    app = await createApp(
      loadConfig({ DATA_DIR: dataDir, DEMO_DATA: 'false', LOG_LEVEL: 'error', CHECKPOINT_INTERVAL_SECONDS: '1' }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const keyFile = join(dataDir, 'checkpoint-key.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const { key } = CheckpointKey.fromFile(keyFile, false);
    expect(app.get(LogCheckpoints).publicKey?.keyId).toBe(key.keyId);

    const dataSource = app.get(DataSource);
    expect(await dataSource.query('select current_user as role')).toEqual([{ role: 'newsroom_api' }]);
    await app.get(EventStore).append('note-1', 'no_stream', [{ type: 'Noted', data: { text: 'kept' } }]);
    await expect(dataSource.query(`update es_events set data = '{}'`)).rejects.toMatchObject({ message: expect.stringMatching(/^permission denied/) });

    // the scheduler signs once the log grew, within a couple of its intervals
    const deadline = Date.now() + 5000;
    let latest = await app.get(LogCheckpoints).latest();
    while (!latest && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 200));
      latest = await app.get(LogCheckpoints).latest();
    }
    expect(latest).toMatchObject({ treeSize: 1, keyId: key.keyId });
  }, 120_000);
});
