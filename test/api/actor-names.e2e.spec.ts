import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { DEAL_EVENT_SCHEMA_VERSIONS, DealProjectionRebuilder } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';
import { createKey, openDeal, recordClaim, validSource, validVerdict, type CreatedKey } from './api-fixtures';

/** Wherever the API shows who did something, the key's name stands beside its id. */
describe('actors by name', () => {
  let t: TestApp;
  let editor: CreatedKey;
  let checker: CreatedKey;
  let dealId: string;
  let claimId: string;

  beforeAll(async () => {
    t = await startTestApp();
    editor = await createKey(t, ['editor'], 'Desk editor');
    checker = await createKey(t, ['fact_checker'], 'Desk fact-checker');
    dealId = await openDeal(t, editor.key);
    claimId = await recordClaim(t, editor.key, dealId);
    expect((await t.request('POST', `/claims/${claimId}/verdicts`, { key: checker.key, body: validVerdict() })).status).toBe(201);
    expect((await t.request('POST', `/claims/${claimId}/retraction`, { key: editor.key, body: { reason: 'the figure was a guess' } })).status).toBe(201);
    // the one claim that counts, for the valid-time timeline
    await recordClaim(t, editor.key, dealId, { kind: 'talks_reported', occurredAt: '2021-02' });
  });

  afterAll(async () => {
    await t.close();
  });

  const get = async (path: string) => {
    const res = await t.request('GET', path, { key: t.keys.reader });
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };
  const pairs = (items: { id: string; name: string }[]) => items.map(({ id, name }) => [id, name]);
  const entries = async (axis: string) =>
    (await get(`/deals/${dealId}/timeline?axis=${axis}`)).entries.map((e: { actorId: string; actorName: string }) => [e.actorId, e.actorName]);

  /** Each place the claim, its history, the claim lists, the deal's timelines and its audit trail name an actor: [id, name]. */
  const namedActors = async () => {
    const claim = await get(`/claims/${claimId}`);
    const listed = (await get(`/deals/${dealId}/claims`)).items[0];
    const queued = (await get('/claims?verdict=retracted')).items[0];
    return {
      claim: pairs([
        { id: claim.recordedBy, name: claim.recordedByName },
        { id: claim.latestVerdict.givenBy, name: claim.latestVerdict.givenByName },
        { id: claim.retraction.retractedBy, name: claim.retraction.retractedByName },
      ]),
      lists: [listed, queued].map((c) => [c.claimId, c.recordedByName, c.latestVerdict.givenByName, c.retraction.retractedByName]),
      history: claim.history.map((e: { type: string; actorId: string; actorName: string }) => [e.type, e.actorId, e.actorName]),
      recorded: await entries('recorded'),
      valid: await entries('valid'),
      audit: (await get(`/audit/deals/${dealId}`)).items.map((e: { actor: { keyId: string; keyName: string } }) => [e.actor.keyId, e.actor.keyName]),
    };
  };

  const expectNamed = async () => {
    const e = [editor.id, 'Desk editor'];
    const c = [checker.id, 'Desk fact-checker'];
    expect(await namedActors()).toEqual({
      claim: [e, c, e],
      lists: [
        [claimId, 'Desk editor', 'Desk fact-checker', 'Desk editor'],
        [claimId, 'Desk editor', 'Desk fact-checker', 'Desk editor'],
      ],
      history: [
        ['ClaimRecorded', ...e],
        ['VerdictGiven', ...c],
        ['ClaimRetracted', ...e],
      ],
      recorded: [e, e, c, e, e],
      valid: [e],
      audit: [e, e, c, e, e],
    });
  };

  it('names the key in the claim, its history, the claim lists, both timelines and the audit trail', async () => {
    await expectNamed();
  });

  it('still names a revoked key', async () => {
    expect((await t.request('DELETE', `/api-keys/${editor.id}`)).status).toBe(204);
    expect((await t.request('GET', `/claims/${claimId}`, { key: editor.key })).status).toBe(401);
    await expectNamed();
  });

  it('names events written without a key: a label is its own name, a key id with no key is an unknown key', async () => {
    const author = await createKey(t, ['editor'], 'Second desk');
    const deal = await openDeal(t, author.key, 'Oracle / Sphere');
    const claim = await recordClaim(t, author.key, deal);
    const gone = randomUUID();
    await t.app.get(EventStore).append(
      `deal-${deal}`,
      'any',
      [{ type: 'ClaimSourceAdded', schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS.ClaimSourceAdded, data: { claimId: claim, source: validSource({ outlet: 'Reuters' }), addedBy: gone } }],
      { metadata: { actorId: gone } },
    );
    await t.app.get(EventStore).append(
      `deal-${deal}`,
      'any',
      [{ type: 'VerdictGiven', schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS.VerdictGiven, data: { claimId: claim, verdict: 'confirmed', rationale: 'By the import.', claimRevision: 1, givenBy: 'system' } }],
      { metadata: { actorId: 'system' } },
    );
    // events appended past the commands reach the read models by a rebuild
    await t.app.get(DealProjectionRebuilder).rebuild();

    const read = await get(`/claims/${claim}`);
    expect(read).toMatchObject({ recordedByName: 'Second desk', latestVerdict: { givenBy: 'system', givenByName: 'system' } });
    expect(read.history.map((e: { actorName: string }) => e.actorName)).toEqual(['Second desk', 'unknown key', 'system']);
    const names = ['Second desk', 'Second desk', 'unknown key', 'system'];
    expect((await get(`/deals/${deal}/timeline?axis=recorded`)).entries.map((e: { actorName: string }) => e.actorName)).toEqual(names);
    expect((await get(`/deals/${deal}/timeline?axis=valid`)).entries.map((e: { actorName: string }) => e.actorName)).toEqual(['Second desk']);
    expect((await get(`/audit/deals/${deal}`)).items.map((e: { actor: { keyName: string } }) => e.actor.keyName)).toEqual(names);
  });

  it('leaves key names out of the published ClaimReview: its author is the newsroom', async () => {
    const claim = await recordClaim(t, t.keys.editor, dealId, { kind: 'talks_reported', occurredAt: '2021-01' });
    expect((await t.request('POST', `/claims/${claim}/verdicts`, { key: checker.key, body: validVerdict() })).status).toBe(201);
    const review = await get(`/claims/${claim}/claim-review`);
    expect(review.author).toEqual({ '@type': 'Organization', name: expect.any(String) });
    expect(JSON.stringify(review)).not.toContain('Desk fact-checker');
    expect(JSON.stringify(review)).not.toContain(checker.id);
  });
});
