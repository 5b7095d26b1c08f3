import { DataSource } from 'typeorm';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { startTestApp, TestApp } from '../support/test-app';

describe('the first start on an empty database, with DEMO_DATA on', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  const counts = async () => {
    const [row]: { events: string; streams: string; demo_keys: string }[] = await t.app.get(DataSource).query(
      `select (select count(*) from es_events) as events, (select count(*) from es_streams) as streams,
              (select count(*) from api_keys where name like 'demo %') as demo_keys`,
    );
    return { events: Number(row.events), streams: Number(row.streams), demoKeys: Number(row.demo_keys) };
  };

  it('loads the demo data with a demo key per role, and keeps the bootstrap admin key', async () => {
    expect(await counts()).toEqual({ events: 36, streams: 5, demoKeys: 4 });
    const roles: { name: string; roles: string[] }[] = await t.app
      .get(DataSource)
      .query(`select name, roles from api_keys where name like 'demo %' order by name`);
    expect(roles).toEqual([
      { name: 'demo admin', roles: ['admin'] },
      { name: 'demo editor', roles: ['editor'] },
      { name: 'demo fact_checker', roles: ['fact_checker'] },
      { name: 'demo reader', roles: ['reader'] },
    ]);
    const res = await t.request('POST', '/api-keys', { body: { name: 'still admin', roles: ['reader'] } });
    expect(res.status).toBe(201);
  });

  it('loads nothing when the API starts again on the same database', async () => {
    const before = await counts();
    const again = await createApp(loadConfig({ DATABASE_URL: t.db.url, DEMO_DATA: 'true', LOG_LEVEL: 'error' }), { logger: false });
    await again.init();
    await again.close();
    expect(await counts()).toEqual(before);
  });
});
