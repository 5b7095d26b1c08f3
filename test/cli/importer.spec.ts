import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@app/access';
import { demoDataPath, type ImportActors, NdjsonImporter, NdjsonImportError } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';

describe('NdjsonImporter', () => {
  let t: TestApp;
  let importer: NdjsonImporter;
  let actors: ImportActors;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    importer = t.app.get(NdjsonImporter);
    const keys = t.app.get(ApiKeyService);
    const actor = async (key: string) => {
      const found = (await keys.authenticate(key))!;
      return { keyId: found.keyId, roles: found.roles };
    };
    actors = { editor: await actor(t.keys.editor), fact_checker: await actor(t.keys.fact_checker) };
    dir = await mkdtemp(join(tmpdir(), 'importer-'));
  });

  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (sql: string) => Number((await t.app.get(DataSource).query(sql))[0].n);
  const events = () => count('select count(*) as n from es_events');

  it('loads the demo file into a fresh database, reporting progress up to the total', async () => {
    const lines = (await readFile(demoDataPath(), 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
    const progress: [number, number][] = [];
    const report = await importer.importFile(demoDataPath(), { actors, onProgress: (done, total) => progress.push([done, total]) });

    expect(report).toMatchObject({ lines, written: lines, skipped: 0, deals: 5 });
    expect(progress[0]).toEqual([0, lines]);
    expect(progress[progress.length - 1]).toEqual([lines, lines]);
    expect(progress.map(([done]) => done)).toEqual([...Array(lines + 1).keys()]);
    expect(await events()).toBe(lines);
    expect(await count('select count(*) as n from es_streams')).toBe(5);
    // every event acts as the key of its line's role, and the verdicts pass the four-eyes rule
    const byActor: { actor: string; n: string }[] = await t.app
      .get(DataSource)
      .query(`select metadata->>'actorId' as actor, count(*) as n from es_events group by 1`);
    expect(new Set(byActor.map((r) => r.actor))).toEqual(new Set([actors.editor.keyId, actors.fact_checker.keyId]));
    // the refs resolve to ids the routes take, and the denial contradicts the claim its ref named
    const [denial]: { data: { contradicts: string } }[] = await t.app
      .get(DataSource)
      .query(`select data from es_events where type = 'ClaimRecorded' and data->>'kind' = 'denial'`);
    expect(denial.data.contradicts).toBe(report.ids['ti-term-sheet']);
    const res = await t.request('POST', `/claims/${report.ids['tc-talks']}/sources`, {
      key: t.keys.editor,
      body: { source: { outlet: 'Reuters', publishedAt: '2021-04-08' } },
    });
    expect(res.status).toBe(201);
  });

  it('refuses a file with a bad line, naming the line and the field, and writes nothing from it', async () => {
    const file = join(dir, 'bad.ndjson');
    const good = {
      op: 'open_deal',
      ref: 'd',
      body: { title: 'Acme / Widget', kind: 'acquisition', parties: [{ name: 'Acme', role: 'acquirer' }] },
    };
    const claim = (amount: unknown) => ({
      op: 'record_claim',
      deal: 'd',
      ref: 'c',
      actor: 'editor',
      body: {
        kind: 'offer_made',
        statement: 'Acme offered to buy Widget.',
        occurredAt: '2024-05',
        amount,
        sources: [{ outlet: 'Reuters', publishedAt: '2024-05-02' }],
      },
    });
    await writeFile(file, [good, claim({ value: '-5', currency: 'USD' })].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const before = await events();

    const refused = importer.importFile(file, { actors });
    await expect(refused).rejects.toThrow(NdjsonImportError);
    await expect(refused).rejects.toThrow(/^line 2: body\.amount\.value: /m);
    const error = (await refused.catch((e: unknown) => e)) as NdjsonImportError;
    expect(error.line).toBe(2);
    expect(error.problems).toEqual([{ line: 2, field: 'body.amount.value', message: expect.stringMatching(/decimal/) }]);
    // the file is checked before anything runs: its good first line is not written either
    expect(await events()).toBe(before);
  });

  it('names every bad line of a file, and refs that point nowhere', async () => {
    const file = join(dir, 'refs.ndjson');
    await writeFile(
      file,
      [
        '{"op":"open_deal","ref":"d","body":{"title":"T","kind":"merger","parties":[{"name":"A","role":"other"}]}}',
        '',
        '{"op":"record_claim","deal":"nope","actor":"editor","body":{"kind":"statement","statement":"s","occurredAt":"2024","sources":[{"outlet":"O","publishedAt":"2024-01-01"}]}}',
        '{"op":"give_verdict","claim":"d","actor":"editor","body":{"verdict":"maybe","rationale":"r","extra":1}}',
        'not json',
      ].join('\n'),
    );
    const error = (await importer.importFile(file, { actors }).catch((e: unknown) => e)) as NdjsonImportError;
    expect(error).toBeInstanceOf(NdjsonImportError);
    expect(error.message.split('\n')).toEqual([
      expect.stringMatching(/^line 3: deal: "nope" is not the ref of a deal/),
      expect.stringMatching(/^line 4: actor: give_verdict is run by fact_checker, not editor$/),
      expect.stringMatching(/^line 4: claim: "d" is not the ref of a claim/),
      'line 4: body.extra: property extra should not exist',
      expect.stringMatching(/^line 4: body\.verdict: verdict must be one of the following values: /),
      expect.stringMatching(/^line 5: not valid JSON/),
    ]);
  });

  it('stops at the first line the domain refuses; running the file again skips the lines it wrote', async () => {
    const file = join(dir, 'four-eyes.ndjson');
    const lines = [
      '{"op":"open_deal","ref":"d","body":{"title":"T","kind":"merger","parties":[{"name":"A","role":"other"}]}}',
      '{"op":"record_claim","deal":"d","ref":"c","actor":"editor","body":{"kind":"statement","statement":"s","occurredAt":"2024","sources":[{"outlet":"O","publishedAt":"2024-01-01"}]}}',
      '{"op":"retract_claim","claim":"c","actor":"editor","body":{"reason":"wrong"}}',
      '{"op":"retract_claim","claim":"c","actor":"fact_checker","body":{"reason":"wrong again"}}',
    ];
    await writeFile(file, lines.join('\n'));
    const before = await events();
    const error = (await importer.importFile(file, { actors }).catch((e: unknown) => e)) as NdjsonImportError;
    expect(error.message).toMatch(/^line 4: retract_claim refused \(claim-retracted\): /);
    expect(await events()).toBe(before + 3);
    // the same file again: the three lines it wrote are recognised, the fourth is refused again
    const again = (await importer.importFile(file, { actors }).catch((e: unknown) => e)) as NdjsonImportError;
    expect(again.line).toBe(4);
    expect(await events()).toBe(before + 3);
  });
});
