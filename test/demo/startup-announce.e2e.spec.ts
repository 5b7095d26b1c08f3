import { StartupService } from '../../apps/api/src/startup.service';
import { startTestApp, TestApp } from '../support/test-app';

/** A stream that says it is a terminal, keeping what is written to it. */
function terminal() {
  const out = { isTTY: true, text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

describe('the start-up block, once the server listens (DEMO_DATA on)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('prints the URLs and a working demo key per role in a few lines, and the keys only once', async () => {
    const out = terminal();
    t.app.get(StartupService).announce(t.url, out as unknown as NodeJS.WriteStream);
    const lines = out.text.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(out.text).toContain(`${t.url}/docs`);
    const keys = Object.fromEntries([...out.text.matchAll(/^\s+(editor|fact_checker|reader|admin)\s+(nfk_\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(keys).sort()).toEqual(['admin', 'editor', 'fact_checker', 'reader']);
    for (const key of Object.values(keys)) expect((await t.request('GET', '/deals?limit=1', { key })).status).toBe(200);
    expect((await t.request('POST', '/api-keys', { key: keys.admin, body: { name: 'x', roles: ['reader'] } })).status).toBe(201);

    const again = terminal();
    t.app.get(StartupService).announce(t.url, again as unknown as NodeJS.WriteStream);
    expect(again.text).toContain(`${t.url}/docs`);
    expect(again.text).not.toContain('nfk_');
  });
});
