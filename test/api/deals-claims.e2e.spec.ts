import { startTestApp, TestApp } from '../support/test-app';
import {
  countEvents,
  createKey,
  CreatedKey,
  expectProblem,
  openDeal,
  recordClaim,
  streamEvents,
  UNKNOWN_ID,
  UUID,
  validClaim,
  validDeal,
  validSource,
  validVerdict,
} from './api-fixtures';

describe('deal and claim writes over HTTP', () => {
  let t: TestApp;
  let editor: CreatedKey;
  let otherEditor: CreatedKey;
  let checker: CreatedKey;
  /** One key holding both editor and fact_checker: the four-eyes case. */
  let dual: CreatedKey;

  beforeAll(async () => {
    t = await startTestApp();
    editor = await createKey(t, ['editor']);
    otherEditor = await createKey(t, ['editor']);
    checker = await createKey(t, ['fact_checker']);
    dual = await createKey(t, ['editor', 'fact_checker']);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('each write and the event it appends', () => {
    it('POST /deals opens a deal: 201 {id, version 1} and one DealOpened at version 1', async () => {
      const res = await t.request('POST', '/deals', {
        key: editor.key,
        body: validDeal('Twitter / Clubhouse'),
        headers: { 'x-request-id': 'open-deal-req-1' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(UUID), version: 1 });

      const events = await streamEvents(t, res.body.id);
      expect(events).toHaveLength(1);
      const [opened] = events;
      expect(opened).toMatchObject({ stream_id: `deal-${res.body.id}`, version: '1', type: 'DealOpened' });
      expect(opened.data).toMatchObject({
        dealId: res.body.id,
        title: 'Twitter / Clubhouse',
        kind: 'acquisition',
        parties: [
          { name: 'Twitter', role: 'bidder' },
          { name: 'Clubhouse', role: 'target' },
        ],
      });
      expect(opened.metadata).toMatchObject({ actorId: editor.id, actorRoles: ['editor'], correlationId: 'open-deal-req-1' });
      expect(opened.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(opened.recorded_at).toBeInstanceOf(Date);
    });

    it('POST /deals/{id}/claims records a claim: 201 {claimId, dealId, version 2} and a ClaimRecorded', async () => {
      const dealId = await openDeal(t, editor.key);
      const res = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim() });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId: expect.stringMatching(UUID), dealId, version: 2 });

      const events = await streamEvents(t, dealId);
      expect(events.map((e) => [e.version, e.type])).toEqual([
        ['1', 'DealOpened'],
        ['2', 'ClaimRecorded'],
      ]);
      const recorded = events[1];
      expect(recorded.data).toMatchObject({
        claimId: res.body.claimId,
        dealId,
        kind: 'offer_made',
        statement: 'Twitter offered about $4B to buy Clubhouse.',
        occurredAt: '2021-03',
        amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
        sources: [
          expect.objectContaining({
            outlet: 'Bloomberg',
            publishedAt: '2021-04-07',
            via: [expect.objectContaining({ outlet: 'Clubic' }), expect.objectContaining({ outlet: 'The Verge' })],
          }),
        ],
      });
      expect(recorded.metadata).toMatchObject({ actorId: editor.id, actorRoles: ['editor'], correlationId: expect.any(String) });
    });

    it('POST /claims/{id}/sources corroborates: 201 and a ClaimSourceAdded by the acting editor', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/sources`, {
        key: otherEditor.key,
        body: { source: validSource({ outlet: 'Reuters', url: 'https://www.reuters.com/x', via: undefined }) },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId, dealId, version: 3 });

      const events = await streamEvents(t, dealId);
      expect(events).toHaveLength(3);
      expect(events[2]).toMatchObject({ version: '3', type: 'ClaimSourceAdded' });
      expect(events[2].data).toMatchObject({ claimId, source: expect.objectContaining({ outlet: 'Reuters' }) });
      expect(events[2].metadata).toMatchObject({ actorId: otherEditor.id, actorRoles: ['editor'] });
    });

    it('POST /claims/{id}/verdicts gives a verdict: 201 and a VerdictGiven judging revision 1', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict() });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId, dealId, version: 3 });

      const events = await streamEvents(t, dealId);
      expect(events).toHaveLength(3);
      expect(events[2]).toMatchObject({ version: '3', type: 'VerdictGiven' });
      expect(events[2].data).toMatchObject({ claimId, verdict: 'confirmed', claimRevision: 1 });
      expect(events[2].metadata).toMatchObject({ actorId: checker.id, actorRoles: ['fact_checker'] });
    });

    it('POST /claims/{id}/retraction by an editor: 201 and a ClaimRetracted', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/retraction`, { key: editor.key, body: { reason: 'Misread the article.' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId, dealId, version: 3 });

      const events = await streamEvents(t, dealId);
      expect(events).toHaveLength(3);
      expect(events[2]).toMatchObject({ version: '3', type: 'ClaimRetracted' });
      expect(events[2].data).toMatchObject({ claimId, reason: 'Misread the article.' });
      expect(events[2].metadata).toMatchObject({ actorId: editor.id });
    });

    it('POST /claims/{id}/retraction by a fact-checker: 201 and a ClaimRetracted', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/retraction`, { key: checker.key, body: { reason: 'Not a real report.' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId, dealId, version: 3 });

      const events = await streamEvents(t, dealId);
      expect(events[2]).toMatchObject({ version: '3', type: 'ClaimRetracted' });
      expect(events[2].metadata).toMatchObject({ actorId: checker.id, actorRoles: ['fact_checker'] });
    });

    it('POST /claims/{id}/corrections amends a claim: 201 and a ClaimCorrected at revision 2', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/corrections`, {
        key: otherEditor.key,
        body: { changes: { occurredAt: '2021-04', amount: { value: '4000000000', currency: 'USD', qualifier: 'exact' } }, reason: 'April, per Bloomberg.' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ claimId, dealId, version: 3 });

      const events = await streamEvents(t, dealId);
      expect(events).toHaveLength(3);
      expect(events[2]).toMatchObject({ version: '3', type: 'ClaimCorrected' });
      expect(events[2].data).toMatchObject({
        claimId,
        changes: { occurredAt: '2021-04', amount: { value: '4000000000', currency: 'USD', qualifier: 'exact' } },
        reason: 'April, per Bloomberg.',
        revision: 2,
      });
      expect(events[2].metadata).toMatchObject({ actorId: otherEditor.id });
    });

    it('chains every write on one deal with consecutive versions', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const steps: [string, string, unknown, string][] = [
        [`/claims/${claimId}/sources`, otherEditor.key, { source: validSource({ outlet: 'Reuters' }) }, 'ClaimSourceAdded'],
        [`/claims/${claimId}/verdicts`, checker.key, validVerdict({ verdict: 'disputed' }), 'VerdictGiven'],
        [`/claims/${claimId}/corrections`, editor.key, { changes: { statement: 'Twitter offered $4B.' }, reason: 'wording' }, 'ClaimCorrected'],
        [`/claims/${claimId}/verdicts`, checker.key, validVerdict(), 'VerdictGiven'],
        [`/claims/${claimId}/retraction`, checker.key, { reason: 'withdrawn by the outlet' }, 'ClaimRetracted'],
      ];
      for (const [index, [path, key, body]] of steps.entries()) {
        const res = await t.request('POST', path, { key, body });
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 201, body: { claimId, dealId, version: index + 3 } });
      }
      const events = await streamEvents(t, dealId);
      expect(events.map((e) => Number(e.version))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(events.map((e) => e.type)).toEqual(['DealOpened', 'ClaimRecorded', ...steps.map((s) => s[3])]);
      expect(events.map((e) => e.metadata.actorId)).toEqual([
        editor.id,
        editor.id,
        otherEditor.id,
        checker.id,
        editor.id,
        checker.id,
        checker.id,
      ]);
    });
  });

  describe('domain rules answer 409 with their problem type and write nothing', () => {
    it('four-eyes: a key holding editor and fact_checker cannot judge a claim it recorded', async () => {
      const dealId = await openDeal(t, dual.key);
      const claimId = await recordClaim(t, dual.key, dealId);
      const before = await streamEvents(t, dealId);
      const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: dual.key, body: validVerdict() });
      expectProblem(res, 409, 'four-eyes');
      expect(await streamEvents(t, dealId)).toHaveLength(before.length);
    });

    it('four-eyes does not stop the same key from judging a claim someone else recorded', async () => {
      const dealId = await openDeal(t, dual.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: dual.key, body: validVerdict() });
      expect(res.status).toBe(201);
      const events = await streamEvents(t, dealId);
      expect(events[2]).toMatchObject({ type: 'VerdictGiven', metadata: expect.objectContaining({ actorId: dual.id }) });
    });

    it('a verdict on a retracted claim is a 409 claim-retracted', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      expect((await t.request('POST', `/claims/${claimId}/retraction`, { key: editor.key, body: { reason: 'wrong' } })).status).toBe(201);
      const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict() });
      expectProblem(res, 409, 'claim-retracted');
      expect(await streamEvents(t, dealId)).toHaveLength(3);
    });

    it('a correction of a retracted claim is a 409 claim-retracted', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      expect((await t.request('POST', `/claims/${claimId}/retraction`, { key: checker.key, body: { reason: 'wrong' } })).status).toBe(201);
      const res = await t.request('POST', `/claims/${claimId}/corrections`, {
        key: editor.key,
        body: { changes: { statement: 'A new wording.' }, reason: 'fix' },
      });
      expectProblem(res, 409, 'claim-retracted');
      expect(await streamEvents(t, dealId)).toHaveLength(3);
    });

    it('a denial contradicting a claim of another deal is a 409 contradicts-other-deal', async () => {
      const elsewhere = await openDeal(t, editor.key, 'Twitter / Sphere');
      const foreignClaim = await recordClaim(t, editor.key, elsewhere);
      const dealId = await openDeal(t, editor.key);
      await recordClaim(t, editor.key, dealId);
      const before = await countEvents(t);
      const res = await t.request('POST', `/deals/${dealId}/claims`, {
        key: editor.key,
        body: validClaim({ kind: 'denial', statement: 'Clubhouse denies any offer.', amount: undefined, contradicts: foreignClaim }),
      });
      expectProblem(res, 409, 'contradicts-other-deal');
      expect(await countEvents(t)).toBe(before);
    });

    it('a denial contradicting an id that is no claim at all is a 409 contradicts-other-deal', async () => {
      const dealId = await openDeal(t, editor.key);
      const before = await countEvents(t);
      const res = await t.request('POST', `/deals/${dealId}/claims`, {
        key: editor.key,
        body: validClaim({ kind: 'denial', statement: 'Clubhouse denies any offer.', amount: undefined, contradicts: UNKNOWN_ID }),
      });
      expectProblem(res, 409, 'contradicts-other-deal');
      expect(await countEvents(t)).toBe(before);
    });

    it('a denial contradicting a claim of the same deal is recorded', async () => {
      const dealId = await openDeal(t, editor.key);
      const target = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/deals/${dealId}/claims`, {
        key: editor.key,
        body: validClaim({ kind: 'denial', statement: 'Clubhouse denies any offer.', amount: undefined, contradicts: target }),
      });
      expect(res.status).toBe(201);
      const events = await streamEvents(t, dealId);
      expect(events[2].data).toMatchObject({ kind: 'denial', contradicts: target });
    });
  });

  describe('a correction puts the claim back to unreviewed', () => {
    it('the next verdict judges the corrected revision', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      expect((await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict() })).status).toBe(201);
      const correction = await t.request('POST', `/claims/${claimId}/corrections`, {
        key: editor.key,
        body: { changes: { amount: { value: '3500000000', currency: 'USD' } }, reason: 'The figure was revised.' },
      });
      expect(correction.status).toBe(201);
      const verdict = await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict({ verdict: 'disputed' }) });
      expect(verdict.status).toBe(201);
      expect(verdict.body).toEqual({ claimId, dealId, version: 5 });

      const events = await streamEvents(t, dealId);
      expect(events.map((e) => e.type)).toEqual(['DealOpened', 'ClaimRecorded', 'VerdictGiven', 'ClaimCorrected', 'VerdictGiven']);
      expect(events[2].data).toMatchObject({ verdict: 'confirmed', claimRevision: 1 });
      expect(events[3].data).toMatchObject({ revision: 2 });
      expect(events[4].data).toMatchObject({ verdict: 'disputed', claimRevision: 2 });
    });
  });

  describe('If-Match', () => {
    it('records the claim when If-Match names the current version', async () => {
      const dealId = await openDeal(t, editor.key);
      const res = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers: { 'if-match': '1' } });
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(2);
      const quoted = await t.request('POST', `/claims/${res.body.claimId}/sources`, {
        key: editor.key,
        body: { source: validSource({ outlet: 'Reuters' }) },
        headers: { 'if-match': '"2"' },
      });
      expect(quoted.status).toBe(201);
      expect(quoted.body.version).toBe(3);
      expect(await streamEvents(t, dealId)).toHaveLength(3);
    });

    it.each([
      ['POST /deals/{id}/claims', (dealId: string) => `/deals/${dealId}/claims`, () => validClaim()],
      ['POST /claims/{id}/sources', (_: string, claimId: string) => `/claims/${claimId}/sources`, () => ({ source: validSource({ outlet: 'AP' }) })],
      ['POST /claims/{id}/corrections', (_: string, claimId: string) => `/claims/${claimId}/corrections`, () => ({ changes: { statement: 'New.' }, reason: 'r' })],
      ['POST /claims/{id}/retraction', (_: string, claimId: string) => `/claims/${claimId}/retraction`, () => ({ reason: 'r' })],
    ])('%s with a stale If-Match is a 412 version-mismatch that writes nothing', async (_, path, body) => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId); // the deal is at version 2
      const before = await countEvents(t);
      const res = await t.request('POST', path(dealId, claimId), { key: editor.key, body: body(), headers: { 'if-match': '1' } });
      expectProblem(res, 412, 'version-mismatch');
      expect(await countEvents(t)).toBe(before);
      expect(await streamEvents(t, dealId)).toHaveLength(2);
    });

    it('a stale If-Match on a verdict is a 412 that writes nothing', async () => {
      const dealId = await openDeal(t, editor.key);
      const claimId = await recordClaim(t, editor.key, dealId);
      const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict(), headers: { 'if-match': '3' } });
      expectProblem(res, 412, 'version-mismatch');
      expect(await streamEvents(t, dealId)).toHaveLength(2);
    });

    it.each(['abc', '-1', '1.5', '', 'W/"x"'])('a malformed If-Match (%j) is a 400 that writes nothing', async (ifMatch) => {
      const dealId = await openDeal(t, editor.key);
      const before = await countEvents(t);
      const res = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers: { 'if-match': ifMatch } });
      expectProblem(res, 400);
      expect(await countEvents(t)).toBe(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('the same key and body twice record one claim and answer the same claimId and version', async () => {
      const dealId = await openDeal(t, editor.key);
      const headers = { 'idempotency-key': 'claim-once-1' };
      const first = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers });
      const second = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(first.body).toEqual({ claimId: expect.stringMatching(UUID), dealId, version: 2 });

      const events = await streamEvents(t, dealId);
      expect(events.map((e) => e.type)).toEqual(['DealOpened', 'ClaimRecorded']);
      expect(events[1].metadata.idempotencyKey).toContain('claim-once-1');
    });

    it('POST /deals twice with the same key opens one deal and answers its id twice', async () => {
      const headers = { 'idempotency-key': 'open-once-1' };
      const before = await countEvents(t);
      const first = await t.request('POST', '/deals', { key: editor.key, body: validDeal('Twitter / Instagram'), headers });
      const second = await t.request('POST', '/deals', { key: editor.key, body: validDeal('Twitter / Instagram'), headers });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual({ id: first.body.id, version: 1 });
      expect(await countEvents(t)).toBe(before + 1);
    });

    it('the same key with another body is a 422 idempotency-key-reused that writes nothing', async () => {
      const dealId = await openDeal(t, editor.key);
      const headers = { 'idempotency-key': 'claim-reused-1' };
      expect((await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers })).status).toBe(201);
      const before = await countEvents(t);
      const other = await t.request('POST', `/deals/${dealId}/claims`, {
        key: editor.key,
        body: validClaim({ statement: 'Another statement.' }),
        headers,
      });
      expectProblem(other, 422, 'idempotency-key-reused');
      const otherRoute = await t.request('POST', '/deals', { key: editor.key, body: validDeal(), headers });
      expectProblem(otherRoute, 422, 'idempotency-key-reused');
      expect(await countEvents(t)).toBe(before);
    });

    it('the same key sent by two API keys is two independent requests', async () => {
      const dealId = await openDeal(t, editor.key);
      const headers = { 'idempotency-key': 'shared-key-1' };
      const mine = await t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers });
      const theirs = await t.request('POST', `/deals/${dealId}/claims`, { key: otherEditor.key, body: validClaim(), headers });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
      expect(theirs.body.claimId).not.toBe(mine.body.claimId);
      expect([mine.body.version, theirs.body.version]).toEqual([2, 3]);
      const events = await streamEvents(t, dealId);
      expect(events.map((e) => e.metadata.actorId)).toEqual([editor.id, editor.id, otherEditor.id]);
    });

    it('the same key and body sent concurrently record one claim and answer the same claimId', async () => {
      const dealId = await openDeal(t, editor.key);
      const headers = { 'idempotency-key': 'claim-race-1' };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim(), headers })),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.claimId)).size).toBe(1);
      expect(answers.map((a) => a.body.version)).toEqual([2, 2, 2, 2, 2]);
      expect(await streamEvents(t, dealId)).toHaveLength(2);
    });

    it('POST /deals sent concurrently with the same key and body opens one deal and answers its id every time', async () => {
      const headers = { 'idempotency-key': 'open-race-1' };
      const before = await countEvents(t);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t.request('POST', '/deals', { key: editor.key, body: validDeal('Twitter / Sphere'), headers })),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await countEvents(t)).toBe(before + 1);
    });
  });

  describe('concurrent claims without If-Match', () => {
    it('20 parallel claims on one deal are all recorded, at versions 2..21', async () => {
      const dealId = await openDeal(t, editor.key);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.request('POST', `/deals/${dealId}/claims`, { key: editor.key, body: validClaim({ statement: `Report number ${i}.` }) }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((a) => a.body.claimId)).size).toBe(20);
      expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));

      const events = await streamEvents(t, dealId);
      expect(events).toHaveLength(21);
      expect(events.map((e) => Number(e.version))).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      const byVersion = new Map(events.map((e) => [Number(e.version), e.data.claimId]));
      for (const answer of answers) expect(byVersion.get(answer.body.version)).toBe(answer.body.claimId);
      expect(new Set(events.slice(1).map((e) => e.data.statement)).size).toBe(20);
    });
  });

  describe('unknown ids and malformed paths', () => {
    it('a claim on an unknown deal is a 404 deal-not-found that writes nothing', async () => {
      const before = await countEvents(t);
      const res = await t.request('POST', `/deals/${UNKNOWN_ID}/claims`, { key: editor.key, body: validClaim() });
      expectProblem(res, 404, 'deal-not-found');
      expect(await countEvents(t)).toBe(before);
    });

    it.each([
      ['sources', editorKey, () => ({ source: validSource() })],
      ['verdicts', checkerKey, () => validVerdict()],
      ['retraction', editorKey, () => ({ reason: 'r' })],
      ['corrections', editorKey, () => ({ changes: { statement: 'x' }, reason: 'r' })],
    ])('POST /claims/{unknown}/%s is a 404 claim-not-found', async (route, key, body) => {
      const before = await countEvents(t);
      const res = await t.request('POST', `/claims/${UNKNOWN_ID}/${route}`, { key: key(), body: body() });
      expectProblem(res, 404, 'claim-not-found');
      expect(await countEvents(t)).toBe(before);
    });

    it.each([
      ['/deals/not-a-uuid/claims', editorKey, () => validClaim()],
      ['/deals/12345/claims', editorKey, () => validClaim()],
      ['/claims/not-a-uuid/sources', editorKey, () => ({ source: validSource() })],
      ['/claims/not-a-uuid/verdicts', checkerKey, () => validVerdict()],
      ['/claims/not-a-uuid/retraction', editorKey, () => ({ reason: 'r' })],
      ['/claims/not-a-uuid/corrections', editorKey, () => ({ changes: { statement: 'x' }, reason: 'r' })],
    ])('POST %s (malformed UUID) is a 400', async (path, key, body) => {
      const before = await countEvents(t);
      const res = await t.request('POST', path, { key: key(), body: body() });
      expectProblem(res, 400);
      expect(await countEvents(t)).toBe(before);
    });
  });

  function editorKey(): string {
    return editor.key;
  }

  function checkerKey(): string {
    return checker.key;
  }
});
