import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Database, loadConfig } from '@app/platform';
import { migrations } from '../../migrations';
import { entities } from '../../migrations/data-source';

describe('the embedded PostgreSQL', () => {
  let dataDir: string;

  beforeAll(async () => {
    // no app here to route the database's start-up lines to the log level: keep the test output clean
    Logger.overrideLogger(false);
    dataDir = await mkdtemp(join(tmpdir(), 'newsroom-embedded-'));
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps its data when started twice on the same DATA_DIR', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await Database.open(config, { entities, migrations });
    await first.dataSource.query(`select es_append('deal-kept', 0, '[{"type":"DealOpened","data":{"title":"kept"}}]', null, null)`);
    await first.close();

    const second = await Database.open(config, { entities, migrations });
    try {
      expect(await second.isReady()).toBe(true);
      const rows: { type: string; data: unknown }[] = await second.dataSource.query(
        `select type, data from es_events where stream_id = 'deal-kept'`,
      );
      expect(rows).toEqual([{ type: 'DealOpened', data: { title: 'kept' } }]);
      const ran: { n: string }[] = await second.dataSource.query('select count(*) as n from migrations');
      expect(Number(ran[0].n)).toBe(migrations.length);
    } finally {
      await second.close();
    }
  }, 120_000);
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ BOOTSTRAP_ADMIN_KEY: 'short' }, 'BOOTSTRAP_ADMIN_KEY'],
    [{ DEMO_DATA: 'maybe' }, 'DEMO_DATA'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}=`));
  });

  it('applies the defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: './.data', DEMO_DATA: true, LOG_LEVEL: 'log' });
  });
});
