import { inValidScope, parseCut, replayDeal, type ClaimRecord, type DealCut } from './claim.record';
import { byOrderKey, deriveDealState, isStatusClaim, statusOf } from './deal.derivation';
import type { DealStatus, RecordedDealEvent } from './deal.events';
import type { ClaimView, DealStateView } from './deal.views';
import { independentSources } from './source';

export type { DealCut } from './claim.record';
// The timelines (DESIGN 2.5) live in deal.timeline.ts; re-exported for one import site.
export { recordedTimeline, validTimeline } from './deal.timeline';

/**
 * The bitemporal fold of DESIGN 2.3: the deal's state from its events (in
 * any order: they are sorted by position here), optionally cut.
 *
 * - `knownAt=T`: only events recorded at or before T (a timestamp, or a date
 *   meaning the end of that UTC day), so a retraction recorded later is not
 *   applied either.
 * - `validAt=V`: only claims whose occurredAt starts on or before V; a
 *   partial V means its last day (`validAt=2012-05` keeps May 2012).
 *
 * `claimCounts` counts the claims in scope of both cuts. Returns null when no
 * `DealOpened` is known at the cut. Throws {@link InvalidValueError} for a
 * malformed cut. O(n log n) in the number of events.
 */
export function foldDeal(events: readonly RecordedDealEvent[], cut: DealCut = {}): DealStateView | null {
  const parsed = parseCut(cut);
  const replayed = replayDeal(events, parsed.knownUntil);
  if (replayed.header === null) return null;
  return deriveDealState(replayed.header, inValidScope(replayed.claims.values(), parsed), {
    version: replayed.version,
    lastRecordedAt: replayed.lastRecordedAt,
    asOf: { validAt: parsed.validAt, knownAt: parsed.knownAt },
  });
}

/**
 * Every claim of the deal (in recording order) with its current fields
 * after corrections, its standing, all its sources, and every event about it.
 * The same cuts as {@link foldDeal} apply.
 */
export function claimViews(events: readonly RecordedDealEvent[], cut: DealCut = {}): ClaimView[] {
  const parsed = parseCut(cut);
  const replayed = replayDeal(events, parsed.knownUntil, true);
  const views: ClaimView[] = [];
  for (const claim of inValidScope(replayed.claims.values(), parsed)) {
    views.push(claimView(claim, replayed.history?.get(claim.claimId) ?? []));
  }
  return views;
}

export function claimView(claim: ClaimRecord, history: readonly RecordedDealEvent[]): ClaimView {
  return {
    claimId: claim.claimId,
    dealId: claim.dealId,
    kind: claim.kind,
    statement: claim.statement,
    occurredAt: claim.occurredAt,
    amount: claim.amount,
    party: claim.party,
    agreementLevel: claim.agreementLevel,
    regulatoryOutcome: claim.regulatoryOutcome,
    contradicts: claim.contradicts,
    revision: claim.revision,
    verdict: claim.verdict,
    latestVerdict: claim.latestVerdict,
    retraction:
      claim.retraction === null
        ? null
        : {
            reason: claim.retraction.reason,
            retractedBy: claim.retraction.retractedBy,
            recordedAt: claim.retraction.recordedAt,
          },
    counts: claim.counts,
    sources: claim.sources,
    independentSources: independentSources(claim.sources),
    recordedBy: claim.recordedBy,
    recordedAt: claim.recordedAt,
    position: claim.position,
    history,
  };
}

/** The status a deal's claims give at a valid time, as known now: `foldDeal(events, { validAt }).status`. */
export function statusAtValidTime(claims: Iterable<ClaimRecord>, validAt: string): DealStatus {
  const inScope = inValidScope(claims, parseCut({ validAt }));
  return statusOf(inScope.filter((claim) => claim.counts && isStatusClaim(claim)).sort(byOrderKey)).status;
}
