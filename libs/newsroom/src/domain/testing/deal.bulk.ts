import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type ClaimKind,
  type ClaimRecorded,
  type DealEvent,
  type RecordedDealEvent,
} from '../deal.events';
import type { MoneyQualifier } from '../money';
import { dealOpened, recordAll } from './deal.fixtures';

/**
 * A large, valid deal history for timing: `claims` claims of every kind,
 * then verdicts, extra sources, corrections and retractions mixed in, drawn
 * from a seeded generator so runs are repeatable.
 */
export function bulkHistory(claims: number, extraEvents: number, seed = 42): RecordedDealEvent[] {
  let state = seed >>> 0;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const dates = ['2019', '2020-H1', '2020-Q3', '2020-10', '2020-11-05', '2021', '2021-Q1', '2021-03', '2021-03-15', '2021-04'];
  const qualifiers: MoneyQualifier[] = ['exact', 'approximate', 'at_least', 'at_most'];
  const events: DealEvent[] = [dealOpened()];
  const ids: string[] = [];
  const kinds = new Map<string, ClaimKind>();
  for (let i = 0; i < claims; i++) {
    const claimId = `c${i}`;
    let kind = CLAIM_KINDS[next(CLAIM_KINDS.length)] as ClaimKind;
    if (kind === 'denial' && ids.length === 0) kind = 'statement';
    const data: ClaimRecorded['data'] = {
      claimId,
      dealId: 'deal-1',
      kind,
      statement: `Claim ${i}`,
      occurredAt: dates[next(dates.length)] as string,
      sources: [{ outlet: ['Bloomberg', 'The Verge', 'Reuters'][next(3)] as string, publishedAt: `2021-0${1 + next(9)}-1${next(10)}` }],
      recordedBy: `editor-${next(3)}`,
      ...(next(3) > 0 && {
        amount: { value: String(1000 + next(50) * 100), currency: next(10) === 0 ? 'EUR' : 'USD', qualifier: qualifiers[next(4)] as MoneyQualifier },
      }),
      ...((kind === 'valuation_reported' || kind === 'funding_raised' || next(2) === 0) && { party: ['Twitter', 'Clubhouse', 'Sphere'][next(3)] as string }),
      ...(kind === 'agreement_reached' && { agreementLevel: AGREEMENT_LEVELS[next(3)] }),
      ...(kind === 'regulatory_action' && { regulatoryOutcome: REGULATORY_OUTCOMES[next(4)] }),
      ...(kind === 'denial' && { contradicts: ids[next(ids.length)] as string }),
    };
    events.push({ type: 'ClaimRecorded', data });
    ids.push(claimId);
    kinds.set(claimId, kind);
  }
  const retracted = new Set<string>();
  const revisions = new Map<string, number>();
  for (let i = 0; i < extraEvents; i++) {
    const claimId = ids[next(ids.length)] as string;
    if (retracted.has(claimId)) continue;
    const roll = next(20);
    if (roll < 12) {
      events.push({
        type: 'VerdictGiven',
        data: { claimId, verdict: VERDICTS[next(4)] as (typeof VERDICTS)[number], rationale: 'checked', claimRevision: revisions.get(claimId) ?? 1, givenBy: 'checker-1' },
      });
    } else if (roll < 16) {
      events.push({ type: 'ClaimSourceAdded', data: { claimId, source: { outlet: 'AFP', publishedAt: `2021-0${1 + next(9)}-2${next(10)}` }, addedBy: 'editor-1' } });
    } else if (roll < 19) {
      const revision = (revisions.get(claimId) ?? 1) + 1;
      revisions.set(claimId, revision);
      events.push({ type: 'ClaimCorrected', data: { claimId, changes: { occurredAt: dates[next(dates.length)] as string }, reason: 'fix', revision, correctedBy: 'editor-1' } });
    } else {
      retracted.add(claimId);
      events.push({ type: 'ClaimRetracted', data: { claimId, reason: 'withdrawn', retractedBy: 'editor-1' } });
    }
  }
  return recordAll(events, { positionStep: 3 });
}
