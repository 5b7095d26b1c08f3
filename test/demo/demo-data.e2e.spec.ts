import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@app/access';
import { demoDataPath, NdjsonImporter, type ImportActors } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';

/** A line of the demo file (libs/newsroom/demo/README.md). */
interface DemoLine {
  op: 'open_deal' | 'record_claim' | 'add_source' | 'give_verdict' | 'retract_claim' | 'correct_claim';
  ref?: string;
  deal?: string;
  claim?: string;
  actor?: 'editor' | 'fact_checker';
  body: Record<string, unknown>;
}

const CLAIM_ROUTES = {
  add_source: 'sources',
  give_verdict: 'verdicts',
  retract_claim: 'retraction',
  correct_claim: 'corrections',
} as const;

describe('the demo data', () => {
  let t: TestApp;
  const lines = readFileSync(demoDataPath(), 'utf8')
    .split('\n')
    .map((text, i) => ({ number: i + 1, text }))
    .filter(({ text }) => text.trim() !== '');

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const eventCount = async () => Number((await t.app.get(DataSource).query('select count(*) as n from es_events'))[0].n);

  it('is recorded line by line through the HTTP API, every POST answering 201', async () => {
    const ids = new Map<string, string>();
    const idOf = (ref: string | undefined, line: number) => {
      const id = ref === undefined ? undefined : ids.get(ref);
      if (!id) throw new Error(`line ${line}: unknown ref ${ref}`);
      return id;
    };
    for (const { number, text } of lines) {
      const line = JSON.parse(text) as DemoLine;
      const key = t.keys[line.actor ?? 'editor'];
      let path: string;
      let body = line.body;
      if (line.op === 'open_deal') {
        path = '/deals';
      } else if (line.op === 'record_claim') {
        path = `/deals/${idOf(line.deal, number)}/claims`;
        if (typeof body.contradicts === 'string') body = { ...body, contradicts: idOf(body.contradicts, number) };
      } else {
        path = `/claims/${idOf(line.claim, number)}/${CLAIM_ROUTES[line.op]}`;
      }
      const res = await t.request('POST', path, { key, body });
      // the line number and the problem document make a refusal readable
      expect({ line: number, op: line.op, status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({
        line: number,
        op: line.op,
        status: 201,
        body: undefined,
      });
      if (line.op === 'open_deal') ids.set(line.ref!, res.body.id);
      if (line.op === 'record_claim') ids.set(line.ref!, res.body.claimId);
      expect(typeof res.body.version).toBe('number');
    }
    expect(ids.size).toBe(lines.filter(({ text }) => /"op":"(open_deal|record_claim)"/.test(text)).length);
    expect(await eventCount()).toBe(lines.length);
  });

  it('is loaded by the importer once: a second import of the same file writes nothing', async () => {
    const service = t.app.get(ApiKeyService);
    const actor = async (key: string) => {
      const found = await service.authenticate(key);
      return { keyId: found!.keyId, roles: found!.roles };
    };
    const actors: ImportActors = { editor: await actor(t.keys.editor), fact_checker: await actor(t.keys.fact_checker) };
    const importer = t.app.get(NdjsonImporter);
    const before = await eventCount();

    const first = await importer.importFile(demoDataPath(), { actors });
    expect(first).toMatchObject({ lines: lines.length, written: lines.length, skipped: 0 });
    expect(await eventCount()).toBe(before + lines.length);

    const second = await importer.importFile(demoDataPath(), { actors });
    expect(second).toMatchObject({ lines: lines.length, written: 0, skipped: lines.length, sha256: first.sha256, ids: first.ids });
    expect(await eventCount()).toBe(before + lines.length);
  });
});
