import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DealProjectionRebuilder } from '@app/newsroom';
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
        where tablename in ('deals', 'deal_claims', 'deal_timeline') order by indexname`,
    ),
    constraints: await dataSource.query(
      `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
         from pg_constraint
        where conrelid in ('deals'::regclass, 'deal_claims'::regclass, 'deal_timeline'::regclass)
        order by conname`,
    ),
    leftovers: await dataSource.query(
      `select relname from pg_class where relname ~ '^deal(s|_claims|_timeline).*_(next|old)$' order by relname`,
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
         from es_streams s left join deals d on d.deal_id = substr(s.stream_id, 6)::uuid
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
    expect(before.deals).toHaveLength(4);
    expect(before.claims.length).toBeGreaterThan(15);
    expect(before.timeline.length).toBeGreaterThan(30);

    const seen: [number, number][] = [];
    const first = await rebuilder.rebuild((done, total) => seen.push([done, total]));
    expect(first).toEqual({ events: before.timeline.length, deals: 4, seconds: expect.any(Number) });
    expect(seen[0]).toEqual([0, before.timeline.length]);
    expect(seen[seen.length - 1]).toEqual([before.timeline.length, before.timeline.length]);
    expect(await dump(dataSource)).toEqual(before);
    expect(await schema(dataSource)).toEqual(shape);
    await rebuilder.rebuild();
    expect(await dump(dataSource)).toEqual(before);
    expect(await schema(dataSource)).toEqual(shape);
    await expectInStepWithTheLog();
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

  it('leaves the read models as they were when it fails, and can run again', async () => {
    const before = await dump(dataSource);
    // a claim row the copy cannot take: the copy's check refuses it mid-way
    await dataSource.query(`alter table deal_claims add constraint no_bloomberg check (not outlet_keys @> array['bloomberg'])  not valid`);
    try {
      await expect(rebuilder.rebuild()).rejects.toThrow('no_bloomberg');
    } finally {
      await dataSource.query('alter table deal_claims drop constraint no_bloomberg');
    }
    expect(await dump(dataSource)).toEqual(before);
    expect((await schema(dataSource)).leftovers).toEqual([]);
    await rebuilder.rebuild();
    expect(await dump(dataSource)).toEqual(before);
    await expectInStepWithTheLog();
  });

  it('never deadlocks a reader that holds one live table and waits for another while it swaps', async () => {
    const reader = new Client({ connectionString: t.db.url });
    await reader.connect();
    try {
      // a reader that has the claims table and will want the deals table, as a command's first read does
      await reader.query('begin');
      await reader.query('select count(*) from deal_claims');
      const rebuilding = rebuilder.rebuild();
      await waitUntil(async () => (await dataSource.query(`select 1 from pg_locks where relation = 'deal_claims'::regclass and not granted`)).length > 0);
      const read = await reader.query('select count(*)::int as n from deals');
      expect(read.rows[0].n).toBeGreaterThan(0);
      await reader.query('commit');
      await expect(rebuilding).resolves.toMatchObject({ deals: expect.any(Number) });
    } finally {
      await reader.end();
    }
    await expectInStepWithTheLog();
  });

  it('refuses to run twice at once', async () => {
    const results = await Promise.allSettled([rebuilder.rebuild(), rebuilder.rebuild()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(failure.reason)).toContain('another projection rebuild is running');
    await expectInStepWithTheLog();
  });
});

async function waitUntil(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}
