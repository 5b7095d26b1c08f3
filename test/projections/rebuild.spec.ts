import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@app/event-store';
import { DealProjectionRebuilder, rebuildThreadOptions } from '@app/newsroom';
import { rangeEventsQuery } from '@app/newsroom/projections/deal-rebuild.range';
import { connectionOf } from '@app/newsroom/projections/deal-rebuild.threads';
import { claimRecordOfRow, STORED_CLAIM_COLUMNS, type StoredClaimRow } from '@app/newsroom/projections/deal-projector';
import { dumpReadModels } from '../support/read-models';
import { startTestApp, TestApp } from '../support/test-app';

const source = (outlet: string, publishedAt: string, via: string[] = []) => ({
  outlet,
  publishedAt,
  url: `https://news.example.org/${outlet.toLowerCase().replace(/\W+/g, '-')}/${publishedAt}`,
  ...(via.length ? { via: via.map((o) => ({ outlet: o })) } : {}),
});
const usd = (value: string, qualifier = 'exact') => ({ value, currency: 'USD', qualifier });
const FAR_FUTURE = '2999-01-01T00:00:00Z';

const dump = dumpReadModels;

/** The read models' indexes and constraints, as definitions. */
async function schema(dataSource: DataSource) {
  return {
    indexes: await dataSource.query(
      `select tablename, indexname, indexdef from pg_indexes
        where tablename in ('deal_states', 'deal_state_items', 'deal_claims', 'deal_timeline') order by indexname`,
    ),
    constraints: await dataSource.query(
      `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
         from pg_constraint
        where conrelid in ('deal_states'::regclass, 'deal_state_items'::regclass, 'deal_claims'::regclass, 'deal_timeline'::regclass)
        order by conname`,
    ),
    leftovers: await dataSource.query(
      `select relname from pg_class where relname ~ '^deal_(states|state_items|claims|timeline).*_(next|old)$' order by relname`,
    ),
  };
}

describe('rebuilding the deal projections from the log', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let rebuilder: DealProjectionRebuilder;
  let editor: string;
  let otherEditor: string;
  let checker: string;
  const deals: string[] = [];

  const post = async (path: string, key: string, body: unknown, status = 201) => {
    const res = await t.request('POST', path, { key, body });
    expect({ path, status: res.status, body: res.status === status ? undefined : res.body }).toEqual({ path, status, body: undefined });
    return res.body;
  };
  const openDeal = async (title: string, kind: string, parties: [string, string][]) => {
    const { id } = await post('/deals', editor, { title, kind, parties: parties.map(([name, role]) => ({ name, role })) });
    deals.push(id);
    return id as string;
  };
  const claim = async (dealId: string, body: Record<string, unknown>, key = editor) =>
    (await post(`/deals/${dealId}/claims`, key, body)).claimId as string;
  const verdict = (claimId: string, value: string, key = checker) =>
    post(`/claims/${claimId}/verdicts`, key, { verdict: value, rationale: `Checked: ${value}.` });
  const correct = (claimId: string, changes: Record<string, unknown>) =>
    post(`/claims/${claimId}/corrections`, otherEditor, { changes, reason: 'The first report was imprecise.' });
  const retract = (claimId: string, key = editor) => post(`/claims/${claimId}/retraction`, key, { reason: 'The outlet withdrew it.' });
  const addSource = (claimId: string, outlet: string, publishedAt: string) =>
    post(`/claims/${claimId}/sources`, otherEditor, { source: source(outlet, publishedAt) });

  /** Every deal's projected version equals its stream's, and its state equals a fold of its log. */
  const expectInStepWithTheLog = async () => {
    const lagging = await dataSource.query(
      `select s.stream_id, s.version, d.version as projected,
              (select count(*) from deal_timeline t where t.deal_id = d.deal_id)::int as entries
         from es_streams s left join deal_states d on d.deal_id = substr(s.stream_id, 6)::uuid
        where s.stream_id like 'deal-%' and (d.version is distinct from s.version or
              (select count(*) from deal_timeline t where t.deal_id = d.deal_id) <> s.version)`,
    );
    expect(lagging).toEqual([]);
    for (const deal of deals) {
      const now = await t.request('GET', `/deals/${deal}`, { key: t.keys.reader });
      const folded = await t.request('GET', `/deals/${deal}?knownAt=${FAR_FUTURE}`, { key: t.keys.reader });
      expect(now.status).toBe(200);
      expect({ ...folded.body, asOf: null }).toEqual({ ...now.body, asOf: null });
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    rebuilder = t.app.get(DealProjectionRebuilder);
    editor = t.keys.editor;
    checker = t.keys.fact_checker;
    otherEditor = await t.newKey(['editor']);

    // Twitter and Clubhouse: an offer, talks, their end, a valuation, a denial and a retraction
    const clubhouse = await openDeal('Twitter / Clubhouse', 'acquisition', [
      ['Twitter', 'bidder'],
      ['Clubhouse', 'target'],
    ]);
    const interest = await claim(clubhouse, {
      kind: 'interest_reported',
      statement: 'Twitter explored buying Clubhouse.',
      occurredAt: '2021-Q1',
      sources: [source('Bloomberg', '2021-04-07', ['Clubic', 'The Verge'])],
    });
    const offer = await claim(clubhouse, {
      kind: 'offer_made',
      statement: 'Twitter offered about $4B.',
      occurredAt: '2021-03',
      amount: usd('4000000000', 'approximate'),
      party: 'Twitter',
      sources: [source('Bloomberg', '2021-04-07', ['The Verge'])],
    });
    const lowOffer = await claim(clubhouse, {
      kind: 'offer_made',
      statement: 'Another report put the offer at $3B.',
      occurredAt: '2021-03',
      amount: usd('3000000000'),
      sources: [source('TechCrunch', '2021-04-08')],
    });
    await claim(clubhouse, {
      kind: 'talks_reported',
      statement: 'The two companies were in talks.',
      occurredAt: '2021-03-15',
      amount: usd('4000000000', 'at_most'),
      sources: [source('The Information', '2021-04-07T18:00:00Z')],
    });
    const valuation = await claim(clubhouse, {
      kind: 'valuation_reported',
      statement: 'Clubhouse was valued at $4B in its last round.',
      occurredAt: '2021-04',
      amount: usd('4000000000', 'approximate'),
      party: 'Clubhouse',
      sources: [source('Bloomberg', '2021-04-18')],
    });
    await claim(clubhouse, {
      kind: 'funding_raised',
      statement: 'Clubhouse raised a Series C.',
      occurredAt: '2021-04-18',
      amount: usd('200000000', 'approximate'),
      party: 'Clubhouse',
      sources: [source('Reuters', '2021-04-19')],
    });
    const ended = await claim(clubhouse, {
      kind: 'talks_ended',
      statement: 'The talks stopped.',
      occurredAt: '2021-04',
      sources: [source('Bloomberg', '2021-04-07')],
    });
    const denial = await claim(clubhouse, {
      kind: 'denial',
      statement: 'Clubhouse denied any offer.',
      occurredAt: '2021-04-08',
      contradicts: offer,
      sources: [source('Clubhouse blog', '2021-04-08')],
    });
    await verdict(offer, 'confirmed');
    await verdict(lowOffer, 'false');
    await verdict(ended, 'disputed');
    await verdict(interest, 'unverifiable');
    await addSource(offer, 'Reuters', '2021-04-06');
    await addSource(valuation, 'The Verge', '2021-04-19');
    await correct(lowOffer, { amount: usd('3500000000', 'approximate') }); // the false verdict goes stale
    await verdict(lowOffer, 'disputed');
    await retract(denial, checker);

    // Facebook and Instagram: announced, revised, completed, with regulators
    const instagram = await openDeal('Facebook / Instagram', 'acquisition', [
      ['Facebook', 'acquirer'],
      ['Instagram', 'target'],
    ]);
    const agreed = await claim(instagram, {
      kind: 'agreement_reached',
      agreementLevel: 'definitive',
      statement: 'Facebook agreed to buy Instagram.',
      occurredAt: '2012-04-09',
      amount: usd('1000000000', 'approximate'),
      sources: [source('The New York Times', '2012-04-09')],
    });
    const announced = await claim(instagram, {
      kind: 'deal_announced',
      statement: 'Facebook announced the deal.',
      occurredAt: '2012-04',
      amount: usd('1000000000'),
      sources: [source('Facebook newsroom', '2012-04-09'), source('Reuters', '2012-04-09')],
    });
    const review = await claim(instagram, {
      kind: 'regulatory_action',
      regulatoryOutcome: 'review',
      statement: 'The FTC opened a review.',
      occurredAt: '2012-05',
      party: 'FTC',
      sources: [source('Reuters', '2012-05-10')],
    });
    await claim(instagram, {
      kind: 'regulatory_action',
      regulatoryOutcome: 'approved',
      statement: 'The FTC cleared the deal.',
      occurredAt: '2012-08-22',
      sources: [source('Reuters', '2012-08-22')],
    });
    const revised = await claim(instagram, {
      kind: 'terms_revised',
      statement: 'The share price fell: the deal was worth less.',
      occurredAt: '2012-08',
      amount: usd('750000000', 'approximate'),
      sources: [source('Bloomberg', '2012-08-20')],
    });
    const completed = await claim(instagram, {
      kind: 'deal_completed',
      statement: 'Facebook paid $715M at closing.',
      occurredAt: '2012-09',
      amount: usd('715000000'),
      sources: [source('The New York Times', '2012-12-17')],
    });
    await claim(instagram, {
      kind: 'statement',
      statement: 'Zuckerberg: Instagram will stay independent.',
      occurredAt: '2012-04-09',
      sources: [source('Facebook newsroom', '2012-04-09')],
    });
    await verdict(agreed, 'confirmed');
    await verdict(completed, 'confirmed');
    await verdict(announced, 'disputed');
    await correct(revised, { occurredAt: '2012-08-31', statement: 'The deal was worth about $750M by the end of August.' });
    await correct(review, { kind: 'statement', regulatoryOutcome: null });
    await addSource(completed, 'Financial Times', '2012-12-18');
    await retract(revised);

    // Twitter and Sphere: a small deal, abandoned, with a status clash
    const sphere = await openDeal('Twitter / Sphere', 'investment', [
      ['Twitter', 'investor'],
      ['Sphere', 'target'],
    ]);
    await claim(sphere, {
      kind: 'deal_announced',
      statement: 'Twitter acquires Sphere.',
      occurredAt: '2021-06-01',
      sources: [source('TechCrunch', '2021-06-01')],
    });
    const abandoned = await claim(sphere, {
      kind: 'deal_abandoned',
      statement: 'The deal was called off.',
      occurredAt: '2021-06-01',
      sources: [source('Axios', '2021-06-02')],
    });
    await verdict(abandoned, 'false');

    // a deal with nothing but its opening
    await openDeal('Snap / Discord', 'partnership', [
      ['Snap', 'other'],
      ['Discord', 'other'],
    ]);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('gives exactly the rows the inline projection wrote, under the same indexes, twice in a row', async () => {
    const before = await dump(dataSource);
    const shape = await schema(dataSource);
    expect(before.states).toHaveLength(4);
    expect(before.claims.length).toBeGreaterThan(15);
    expect(before.timeline.length).toBeGreaterThan(30);

    const seen: [number, number][] = [];
    const first = await rebuilder.rebuild((done, total) => seen.push([done, total]));
    expect(first).toEqual({ events: before.timeline.length, deals: 4, seconds: expect.any(Number) });
    expect(seen[0]).toEqual([0, before.timeline.length]);
    expect(seen[seen.length - 1]).toEqual([before.timeline.length, before.timeline.length]);
    expect(await dump(dataSource)).toEqual(before);
    expect(await schema(dataSource)).toEqual(shape);
    // live with the server's autovacuum settings (the copies had it off while being built)
    const options: { relname: string; reloptions: string[] | null }[] = await dataSource.query(
      `select relname, reloptions from pg_class where relname in ('deal_states', 'deal_state_items', 'deal_claims', 'deal_timeline') order by relname`,
    );
    expect(options.map((row) => row.reloptions)).toEqual([null, null, null, null]);
    // analysed (the columns queries search; autovacuum, on again, may add the documents')
    const analysed: { attname: string }[] = await dataSource.query(
      `select attname from pg_stats where schemaname = 'public' and tablename = 'deal_timeline' order by attname`,
    );
    expect(analysed.map((row) => row.attname)).toEqual(expect.arrayContaining(['claim_id', 'deal_id', 'event_type', 'position', 'version']));

    await rebuilder.rebuild();
    expect(await dump(dataSource)).toEqual(before);
    expect(await schema(dataSource)).toEqual(shape);
    await expectInStepWithTheLog();
  });

  it('migrates read models written in the earlier layouts (whole states, full timeline entries, no claim versions, jsonb records, json documents, entries repeating their columns, records repeating their columns and derived fields) into the same rows', async () => {
    const before = await dump(dataSource);
    expect(before.items.map((row: { field: string }) => row.field)).toEqual(
      expect.arrayContaining(['offers', 'valuations', 'funding', 'regulatory', 'conflicts']),
    );
    const states = await Promise.all(deals.map(async (deal) => (await t.request('GET', `/deals/${deal}`, { key: t.keys.reader })).body));
    const timelines = await Promise.all(
      deals.map(async (deal) => (await t.request('GET', `/deals/${deal}/timeline?axis=recorded`, { key: t.keys.reader })).body.entries),
    );
    // back to records that repeat their row's columns and hold their derived fields, as the domain derives them
    const rows: StoredClaimRow[] = await dataSource.query(`select ${STORED_CLAIM_COLUMNS} from deal_claims order by claim_id`);
    const wholeRecords = rows.map((row) => {
      const { comparableAmount: _, ...record } = claimRecordOfRow(row);
      return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
    });
    expect(wholeRecords.filter((record) => 'partyKey' in record).length).toBeGreaterThan(0);
    expect(wholeRecords.filter((record) => record.earliestPublishedAt !== '~'.repeat(30)).length).toBeGreaterThan(0);
    await dataSource.undoLastMigration();
    const repeating: { record: unknown }[] = await dataSource.query('select record::jsonb as record from deal_claims order by claim_id');
    expect(repeating.map((row) => row.record)).toEqual(wholeRecords);
    // back to entries that repeat their row's columns
    await dataSource.undoLastMigration();
    const repeated: { same: boolean }[] = await dataSource.query(
      `select bool_and(entry::jsonb @> jsonb_build_object('eventType', event_type, 'claimId', claim_id, 'position', position, 'version', version)) as same from deal_timeline`,
    );
    expect(repeated).toEqual([{ same: true }]);
    // back to json documents: the same JSON
    const text: { record: string }[] = await dataSource.query('select record from deal_claims order by claim_id');
    await dataSource.undoLastMigration();
    const json: { record: unknown }[] = await dataSource.query('select record from deal_claims order by claim_id');
    expect(json.map((row) => row.record)).toEqual(text.map((row) => JSON.parse(row.record)));
    // back to jsonb records with every field written out
    const lean: { nulls: number }[] = await dataSource.query(`select count(*)::int as nulls from deal_claims, json_each(record) where json_typeof(value) = 'null'`);
    await dataSource.undoLastMigration();
    const full: { complete: boolean }[] = await dataSource.query(
      `select bool_and(record ?& array['amount', 'party', 'contradicts', 'latestVerdict', 'retraction', 'partyKey']) as complete from deal_claims`,
    );
    expect(lean).toEqual([{ nulls: 0 }]);
    expect(full).toEqual([{ complete: true }]);
    // back to claims without the versions of their events
    await dataSource.undoLastMigration();
    // back to entries with every source, as the API shows them
    await dataSource.undoLastMigration();
    const entries: { entry: unknown }[][] = await Promise.all(
      deals.map((deal) => dataSource.query('select entry from deal_timeline where deal_id = $1 order by version', [deal])),
    );
    expect(entries.map((rows) => rows.map((row) => row.entry))).toEqual(timelines);
    // back to one document per deal (the schema before the items)
    await dataSource.undoLastMigration();
    const whole: { state: { offers: unknown[]; conflicts: unknown[] } }[] = await dataSource.query(
      'select state from deal_states order by opened_position',
    );
    expect(whole.map((row) => [row.state.offers, row.state.conflicts])).toEqual(states.map((state) => [state.offers, state.conflicts]));
    await dataSource.runMigrations();
    expect(await dump(dataSource)).toEqual(before);
    // entries migrated from jsonb are read back as the projection's own
    for (const [index, deal] of deals.entries()) {
      const again = await t.request('GET', `/deals/${deal}/timeline?axis=recorded`, { key: t.keys.reader });
      expect(again.body.entries).toEqual(timelines[index]);
    }
  });

  it('keeps the appends made while it runs', async () => {
    const [clubhouse, instagram] = deals as [string, string];
    let running = true;
    let during = 0;
    const rebuild = rebuilder.rebuild().finally(() => {
      running = false;
    });
    // writers that record until the rebuild is over: claims on old deals, a new deal with claims, verdicts
    const writer = async (w: number) => {
      let i = 0;
      do {
        const dealId = w === 0 ? clubhouse : w === 1 ? instagram : deals[deals.length - 1]!;
        const id = await claim(dealId, {
          kind: i % 2 === 0 ? 'offer_made' : 'terms_revised',
          statement: `Writer ${w}, report ${i}.`,
          occurredAt: `2021-0${1 + (i % 9)}`,
          amount: usd(String(1_000_000 * (w + 1) + i)),
          sources: [source(['Bloomberg', 'Reuters', 'AP'][i % 3] as string, '2021-05-01')],
        });
        if (i % 3 === 0) await verdict(id, 'confirmed');
        if (running) during++;
        i++;
      } while (running && i < 200);
    };
    const opener = async () => {
      const id = await openDeal('Microsoft / Discord', 'acquisition', [
        ['Microsoft', 'bidder'],
        ['Discord', 'target'],
      ]);
      await claim(id, {
        kind: 'talks_reported',
        statement: 'Microsoft was in talks to buy Discord.',
        occurredAt: '2021-03',
        amount: usd('10000000000', 'at_least'),
        sources: [source('Bloomberg', '2021-03-23')],
      });
    };
    const [result] = await Promise.all([rebuild, writer(0), writer(1), writer(2), opener()]);
    expect(during).toBeGreaterThan(0);
    expect(result.deals).toBeGreaterThanOrEqual(4);
    await expectInStepWithTheLog();

    // and the tables it left are the ones a rebuild of the whole log gives
    const after = await dump(dataSource);
    await rebuilder.rebuild();
    expect(await dump(dataSource)).toEqual(after);
  });

  it('leaves the read models as they were when a fold thread fails, and can run again', async () => {
    const before = await dump(dataSource);
    const dir = await mkdtemp(join(tmpdir(), 'rebuild-thread-'));
    const failing = join(dir, 'failing-worker.mjs');
    await writeFile(failing, `throw new Error('the thread could not start');\n`);
    try {
      const store = t.app.get(EventStore);
      const broken = new DealProjectionRebuilder(dataSource, store, { threads: 2, minEvents: 0, script: failing, rangeEvents: 5 });
      await expect(broken.rebuild()).rejects.toThrow('the thread could not start');
      expect(await dump(dataSource)).toEqual(before);
      // folded in threads, a few events per range
      const threads = { threads: 2, minEvents: 0, script: process.env.REBUILD_WORKER as string, rangeEvents: 5 };
      await new DealProjectionRebuilder(dataSource, store, threads).rebuild();
      expect(await dump(dataSource)).toEqual(before);
      await expectInStepWithTheLog();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads its threads from the environment', () => {
    expect(rebuildThreadOptions({ REBUILD_THREADS: '0' })).toMatchObject({ threads: 0 });
    expect(rebuildThreadOptions({ REBUILD_THREADS: '3', REBUILD_WORKER: '/srv/worker.js' })).toMatchObject({ threads: 3, script: '/srv/worker.js' });
    expect(rebuildThreadOptions({}).threads).toBe(availableParallelism());
    expect(() => rebuildThreadOptions({ REBUILD_THREADS: 'two' })).toThrow('REBUILD_THREADS must be a whole number, not "two"');
    expect(() => rebuildThreadOptions({ REBUILD_THREADS: '-1' })).toThrow('REBUILD_THREADS');
  });

  it('reads a range of streams in the stream index order, streaming its rows without a sort', async () => {
    const reader = new Client(connectionOf(dataSource));
    await reader.connect();
    try {
      const { rows } = await reader.query(`explain (format json) ${rangeEventsQuery({ after: 'deal-', last: null })}`);
      const plan = rows[0]['QUERY PLAN'];
      const nodes: { 'Node Type': string; 'Index Name'?: string }[] = [];
      const walk = (node: { 'Node Type': string; Plans?: unknown[] }) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child as typeof node);
      };
      walk(plan[0].Plan);
      expect(nodes.map((n) => n['Node Type'])).toEqual(['Index Scan']);
      expect(nodes[0]?.['Index Name']).toBe('es_events_stream_version');
    } finally {
      await reader.end();
    }
  });

  it('refuses to run twice at once', async () => {
    const results = await Promise.allSettled([rebuilder.rebuild(), rebuilder.rebuild()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(failure.reason)).toContain('another projection rebuild is running');
    await expectInStepWithTheLog();
  });
});
