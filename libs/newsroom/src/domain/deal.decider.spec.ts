import type { RecordClaim } from './deal.commands';
import { DEAL_ERROR_CODES } from './deal.errors';
import {
  CHECKER,
  claimCorrected,
  claimRecorded,
  claimRetracted,
  DEAL_ID,
  dealOpened,
  EDITOR,
  EDITOR_2,
  source,
  verdictGiven,
} from './testing/deal.fixtures';
import { given } from './testing/deal.specification';

const asChecker = { actorId: CHECKER };
const opened = dealOpened();

function recordClaim(overrides: Partial<RecordClaim> = {}): RecordClaim {
  return {
    type: 'RecordClaim',
    claimId: 'c1',
    kind: 'statement',
    statement: 'Claim c1',
    occurredAt: '2021-04',
    sources: [source()],
    ...overrides,
  };
}

describe('decide', () => {
  describe('OpenDeal', () => {
    it('opens a deal', () => {
      given([])
        .when({
          type: 'OpenDeal',
          dealId: DEAL_ID,
          title: ' Twitter / Clubhouse ',
          kind: 'acquisition',
          parties: [
            { name: 'Twitter', role: 'bidder' },
            { name: 'Clubhouse', role: 'target' },
          ],
        })
        .then([opened]);
    });

    it('refuses to open a deal twice', () => {
      given([opened])
        .when({ type: 'OpenDeal', dealId: DEAL_ID, title: 'Again', kind: 'merger', parties: [{ name: 'A', role: 'other' }] })
        .thenThrows('deal-already-exists', 'conflict');
    });

    it('lists every invalid field', () => {
      given([])
        .when({
          type: 'OpenDeal',
          dealId: '',
          title: '',
          kind: 'takeover' as never,
          parties: [{ name: '', role: 'buyer' as never }],
        })
        .thenRejectsFields('dealId', 'title', 'kind', 'parties[0].name', 'parties[0].role');
    });

    it('needs at least one party, and no party twice', () => {
      given([]).when({ type: 'OpenDeal', dealId: 'd', title: 'T', kind: 'other', parties: [] }).thenRejectsFields('parties');
      given([])
        .when({
          type: 'OpenDeal',
          dealId: 'd',
          title: 'T',
          kind: 'other',
          parties: [
            { name: 'Twitter', role: 'bidder' },
            { name: 'twitter', role: 'bidder' },
          ],
        })
        .thenRejectsFields('parties[1]');
    });

    it('refuses an actor id that is not an identifier', () => {
      given([])
        .when({ type: 'OpenDeal', dealId: 'd', title: 'T', kind: 'other', parties: [{ name: 'A', role: 'other' }] }, { actorId: '' })
        .thenRejectsFields('actorId');
    });
  });

  describe('RecordClaim', () => {
    it('records a claim with normalised values', () => {
      given([opened])
        .when(
          recordClaim({
            kind: 'offer_made',
            statement: 'Twitter offered about $4B for Clubhouse',
            occurredAt: '2021-q1',
            amount: { value: '4000000000.00', currency: 'usd', qualifier: 'approximate' },
            party: 'Twitter',
            sources: [{ outlet: ' Bloomberg ', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] }],
          }),
        )
        .then([
          claimRecorded('c1', {
            kind: 'offer_made',
            statement: 'Twitter offered about $4B for Clubhouse',
            occurredAt: '2021-Q1',
            amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
            party: 'Twitter',
            sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] }],
          }),
        ]);
    });

    it('needs the deal', () => {
      given([]).when(recordClaim()).thenThrows('deal-not-found', 'not_found');
    });

    it('refuses an id already used', () => {
      given([opened, claimRecorded('c1')]).when(recordClaim()).thenThrows('claim-already-exists', 'conflict');
    });

    it('lists every invalid value', () => {
      given([opened])
        .when(
          recordClaim({
            kind: 'rumour' as never,
            statement: ' ',
            occurredAt: 'mars 2012',
            amount: { value: '-1', currency: 'USD' },
            sources: [{ outlet: 'X', publishedAt: 'today' }],
          }),
        )
        .thenRejectsFields('kind', 'statement', 'occurredAt', 'amount.value', 'sources[0].publishedAt');
    });

    it('needs at least one source', () => {
      given([opened]).when(recordClaim({ sources: [] })).thenThrows('invalid-claim', 'invalid');
    });

    it.each([
      ['agreement_reached without agreementLevel', { kind: 'agreement_reached' }, 'agreementLevel'],
      ['regulatory_action without regulatoryOutcome', { kind: 'regulatory_action' }, 'regulatoryOutcome'],
      ['denial without contradicts', { kind: 'denial' }, 'contradicts'],
      ['valuation_reported without party', { kind: 'valuation_reported' }, 'party'],
      ['funding_raised without party', { kind: 'funding_raised' }, 'party'],
      ['agreementLevel on another kind', { kind: 'deal_announced', agreementLevel: 'verbal' }, 'agreementLevel'],
      ['regulatoryOutcome on another kind', { kind: 'deal_completed', regulatoryOutcome: 'approved' }, 'regulatoryOutcome'],
      ['contradicts on another kind', { kind: 'statement', contradicts: 'c0' }, 'contradicts'],
    ] as const)('refuses %s', (_, overrides, field) => {
      const error = given([opened, claimRecorded('c0')])
        .when(recordClaim(overrides as Partial<RecordClaim>))
        .thenThrows('invalid-claim', 'invalid');
      expect((error as unknown as { field: string }).field).toBe(field);
    });

    it.each([
      ['agreement_reached', { agreementLevel: 'verbal' }],
      ['regulatory_action', { regulatoryOutcome: 'review' }],
      ['valuation_reported', { party: 'Clubhouse', amount: { value: '4000000000', currency: 'USD' } }],
      ['funding_raised', { party: 'Sphere' }],
      ['interest_reported', { party: 'Twitter' }],
    ] as const)('accepts %s with its fields', (kind, overrides) => {
      const events = given([opened])
        .when(recordClaim({ kind, ...(overrides as Partial<RecordClaim>) }))
        .events();
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe('ClaimRecorded');
    });

    it('records a denial of a claim of the same deal', () => {
      given([opened, claimRecorded('c0', { kind: 'agreement_reached', agreementLevel: 'verbal' })])
        .when(recordClaim({ claimId: 'c1', kind: 'denial', contradicts: 'c0' }))
        .then([claimRecorded('c1', { kind: 'denial', contradicts: 'c0' })]);
    });

    it('refuses a denial of a claim outside the deal', () => {
      given([opened])
        .when(recordClaim({ kind: 'denial', contradicts: 'elsewhere' }))
        .thenThrows('contradicts-other-deal', 'conflict');
    });

    it('refuses a denial of itself', () => {
      given([opened]).when(recordClaim({ kind: 'denial', contradicts: 'c1' })).thenThrows('invalid-claim');
    });

    it('works on a partial state holding only the claims it touches', () => {
      const partial = {
        deal: { dealId: DEAL_ID, title: 'T', kind: 'acquisition' as const, parties: [] },
        claims: {
          c0: { claimId: 'c0', kind: 'statement' as const, statement: 's', occurredAt: '2021', recordedBy: EDITOR, retracted: false, revision: 1, correctedBy: [] },
        },
      };
      const events = given(partial).when(recordClaim({ kind: 'denial', contradicts: 'c0' })).events();
      expect(events[0]).toMatchObject({ type: 'ClaimRecorded', data: { contradicts: 'c0', dealId: DEAL_ID } });
    });

    it('never lets an id become a prototype key', () => {
      given([opened]).when(recordClaim({ claimId: '__proto__' })).thenRejectsFields('claimId');
      given([opened]).when(recordClaim({ kind: 'denial', contradicts: 'constructor' })).thenThrows('contradicts-other-deal');
    });
  });

  describe('AddSource', () => {
    it('adds a source to a claim', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'AddSource', claimId: 'c1', source: { outlet: 'The Verge', publishedAt: '2021-04-08' } }, { actorId: EDITOR_2 })
        .then([
          {
            type: 'ClaimSourceAdded',
            data: { claimId: 'c1', source: { outlet: 'The Verge', publishedAt: '2021-04-08' }, addedBy: EDITOR_2 },
          },
        ]);
    });

    it('needs the claim', () => {
      given([opened]).when({ type: 'AddSource', claimId: 'nope', source: source() }).thenThrows('claim-not-found', 'not_found');
    });

    it('refuses a retracted claim', () => {
      given([opened, claimRecorded('c1'), claimRetracted('c1')])
        .when({ type: 'AddSource', claimId: 'c1', source: source() })
        .thenThrows('claim-retracted', 'conflict');
    });

    it('refuses an invalid source', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'AddSource', claimId: 'c1', source: { outlet: 'X', publishedAt: '2021-04-08', url: 'not a url' } })
        .thenRejectsFields('source.url');
    });
  });

  describe('GiveVerdict', () => {
    it('records the verdict with the revision it judged', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'confirmed', rationale: ' Checked: confirmed ' }, asChecker)
        .then([verdictGiven('c1', 'confirmed')]);
    });

    it('judges the latest revision after a correction', () => {
      given([opened, claimRecorded('c1'), verdictGiven('c1', 'confirmed'), claimCorrected('c1', { statement: 'New' })])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'disputed', rationale: 'Checked: disputed' }, asChecker)
        .then([verdictGiven('c1', 'disputed', { claimRevision: 2 })]);
    });

    it('keeps evidence sources', () => {
      const evidence = [{ outlet: 'California regulators', publishedAt: '2012-08-20' }];
      given([opened, claimRecorded('c1')])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'false', rationale: 'Checked: false', evidence }, asChecker)
        .then([verdictGiven('c1', 'false', { evidence })]);
    });

    it('enforces four eyes: the key that recorded the claim cannot judge it', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'confirmed', rationale: 'mine' }, { actorId: EDITOR })
        .thenThrows('four-eyes', 'conflict');
    });

    it('enforces four eyes on every key that wrote the claim: a corrector cannot judge it either', () => {
      const corrector = 'checker-who-corrected';
      const corrected = { ...claimCorrected('c1', { statement: 'New' }), data: { ...claimCorrected('c1', { statement: 'New' }).data, correctedBy: corrector } };
      given([opened, claimRecorded('c1'), corrected])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'confirmed', rationale: 'mine too' }, { actorId: corrector })
        .thenThrows('four-eyes', 'conflict');
      given([opened, claimRecorded('c1'), corrected])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'confirmed', rationale: 'Checked: confirmed' }, asChecker)
        .then([verdictGiven('c1', 'confirmed', { claimRevision: 2 })]);
    });

    it('refuses a retracted claim', () => {
      given([opened, claimRecorded('c1'), claimRetracted('c1')])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'confirmed', rationale: 'ok' }, asChecker)
        .thenThrows('claim-retracted', 'conflict');
    });

    it('needs the claim', () => {
      given([opened])
        .when({ type: 'GiveVerdict', claimId: 'c9', verdict: 'confirmed', rationale: 'ok' }, asChecker)
        .thenThrows('claim-not-found');
    });

    it('needs a known verdict and a rationale', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'GiveVerdict', claimId: 'c1', verdict: 'true' as never, rationale: '' }, asChecker)
        .thenRejectsFields('verdict', 'rationale');
    });
  });

  describe('RetractClaim', () => {
    it('retracts a claim', () => {
      given([opened, claimRecorded('c1')])
        .when({ type: 'RetractClaim', claimId: 'c1', reason: 'Source withdrew the story' })
        .then([claimRetracted('c1')]);
    });

    it('refuses to retract twice', () => {
      given([opened, claimRecorded('c1'), claimRetracted('c1')])
        .when({ type: 'RetractClaim', claimId: 'c1', reason: 'again' })
        .thenThrows('claim-retracted', 'conflict');
    });

    it('needs a reason', () => {
      given([opened, claimRecorded('c1')]).when({ type: 'RetractClaim', claimId: 'c1', reason: '' }).thenRejectsFields('reason');
    });

    it('needs the deal and the claim', () => {
      given([]).when({ type: 'RetractClaim', claimId: 'c1', reason: 'r' }).thenThrows('deal-not-found');
      given([opened]).when({ type: 'RetractClaim', claimId: 'c1', reason: 'r' }).thenThrows('claim-not-found');
    });
  });

  describe('CorrectClaim', () => {
    const offer = claimRecorded('c1', {
      kind: 'offer_made',
      occurredAt: '2021-03',
      amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
    });

    it('records only what changes, with the next revision', () => {
      given([opened, offer])
        .when({
          type: 'CorrectClaim',
          claimId: 'c1',
          changes: { statement: 'Claim c1', occurredAt: '2021-02', amount: { value: '4000000000', currency: 'USD', qualifier: 'exact' } },
          reason: 'Typo',
        })
        .then([claimCorrected('c1', { occurredAt: '2021-02', amount: { value: '4000000000', currency: 'USD', qualifier: 'exact' } })]);
    });

    it('counts revisions up', () => {
      given([opened, offer, claimCorrected('c1', { statement: 'v2' })])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { statement: 'v3' }, reason: 'Typo' })
        .then([claimCorrected('c1', { statement: 'v3' }, 3)]);
    });

    it('clears an optional field with null', () => {
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { amount: null }, reason: 'Typo' })
        .then([claimCorrected('c1', { amount: null })]);
    });

    it('clears the fields the new kind refuses', () => {
      given([opened, claimRecorded('c0'), claimRecorded('c1', { kind: 'agreement_reached', agreementLevel: 'verbal' })])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'deal_announced' }, reason: 'Typo' })
        .then([claimCorrected('c1', { kind: 'deal_announced', agreementLevel: null })]);
      given([opened, claimRecorded('c0'), claimRecorded('c1', { kind: 'denial', contradicts: 'c0' })])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'statement' }, reason: 'Typo' })
        .then([claimCorrected('c1', { kind: 'statement', contradicts: null })]);
    });

    it('corrects a kind into one with a required field when the field comes along', () => {
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'agreement_reached', agreementLevel: 'term_sheet' }, reason: 'r' })
        .then([claimCorrected('c1', { kind: 'agreement_reached', agreementLevel: 'term_sheet' }, 2)].map((e) => ({
          ...e,
          data: { ...e.data, reason: 'r' },
        })));
    });

    it('refuses a result that breaks the kind rules', () => {
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'agreement_reached' }, reason: 'r' })
        .thenThrows('invalid-claim', 'invalid');
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'denial' }, reason: 'r' })
        .thenThrows('invalid-claim');
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { kind: 'valuation_reported' }, reason: 'r' })
        .thenThrows('invalid-claim');
      given([opened, claimRecorded('c2', { kind: 'funding_raised', party: 'Sphere' })])
        .when({ type: 'CorrectClaim', claimId: 'c2', changes: { party: null }, reason: 'r' })
        .thenThrows('invalid-claim');
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { regulatoryOutcome: 'approved' }, reason: 'r' })
        .thenThrows('invalid-claim');
    });

    it('refuses an empty correction and fields that cannot be corrected', () => {
      given([opened, offer]).when({ type: 'CorrectClaim', claimId: 'c1', changes: {}, reason: 'r' }).thenThrows('invalid-claim');
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { sources: [] } as never, reason: 'r' })
        .thenRejectsFields('changes.sources');
    });

    it('refuses a correction that changes nothing', () => {
      given([opened, offer])
        .when({
          type: 'CorrectClaim',
          claimId: 'c1',
          changes: { statement: ' Claim c1 ', amount: { value: '4000000000.0', currency: 'usd', qualifier: 'approximate' }, party: null },
          reason: 'r',
        })
        .thenThrows('nothing-to-correct', 'invalid');
    });

    it('validates the new values', () => {
      given([opened, offer])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { occurredAt: '2021-02-30', amount: { value: '1e9', currency: 'USD' } }, reason: '' })
        .thenRejectsFields('reason', 'changes.occurredAt', 'changes.amount.value');
    });

    it('refuses a retracted claim', () => {
      given([opened, offer, claimRetracted('c1')])
        .when({ type: 'CorrectClaim', claimId: 'c1', changes: { statement: 'x' }, reason: 'r' })
        .thenThrows('claim-retracted', 'conflict');
    });

    it('needs the claim', () => {
      given([opened]).when({ type: 'CorrectClaim', claimId: 'c1', changes: { statement: 'x' }, reason: 'r' }).thenThrows('claim-not-found');
    });
  });

  it('gives every error code a kind the HTTP layer can map', () => {
    expect(DEAL_ERROR_CODES).toEqual({
      'deal-not-found': 'not_found',
      'deal-already-exists': 'conflict',
      'claim-not-found': 'not_found',
      'claim-already-exists': 'conflict',
      'four-eyes': 'conflict',
      'claim-retracted': 'conflict',
      'contradicts-other-deal': 'conflict',
      'invalid-claim': 'invalid',
      'nothing-to-correct': 'invalid',
    });
  });
});
