import { useState } from 'preact/hooks';
import type { ClaimDetail, DealState, HistoryEvent, Source } from '../api';
import { Money, ProblemMessage, SourceItem, VerdictBadge, formatInstant, useLiveRefresh, useLoad, words, type Session } from '../ui';
import type { DealEventType } from '../../../../libs/newsroom/src/domain/deal.events';
import { JudgeClaim } from './judge';

/** Words for each event of a claim's history, checked against the domain's event types. */
const EVENT_WORDS: Record<Exclude<DealEventType, 'DealOpened'>, string> = {
  ClaimRecorded: 'Recorded',
  ClaimSourceAdded: 'Source added',
  VerdictGiven: 'Verdict given',
  ClaimRetracted: 'Retracted',
  ClaimCorrected: 'Corrected',
};

/** Who acted (the key's name, with its id) and what they wrote about the claim. */
function HistoryItem({ event }: { event: HistoryEvent }) {
  const data = event.data;
  return (
    <li class="history-item">
      <p>
        <strong>{EVENT_WORDS[event.type as keyof typeof EVENT_WORDS] ?? event.type}</strong> <time dateTime={event.recordedAt}>{formatInstant(event.recordedAt)}</time> by{' '}
        {event.actorName} <span class="muted">(key {event.actorId})</span>
        <span class="muted"> · deal version {event.version}</span>
      </p>
      {typeof data.verdict === 'string' ? (
        <p>
          Verdict: <VerdictBadge verdict={data.verdict} />
        </p>
      ) : null}
      {typeof data.rationale === 'string' ? <p>Rationale: {data.rationale}</p> : null}
      {typeof data.reason === 'string' ? <p>Reason: {data.reason}</p> : null}
      {Array.isArray(data.evidence) && data.evidence.length > 0 ? (
        <>
          <p>Evidence:</p>
          <ul class="sources">
            {(data.evidence as Source[]).map((source, index) => (
              <SourceItem key={index} source={source} />
            ))}
          </ul>
        </>
      ) : null}
      {event.type === 'ClaimSourceAdded' && data.source && typeof data.source === 'object' ? (
        <ul class="sources">
          <SourceItem source={data.source as Source} />
        </ul>
      ) : null}
      {data.changes && typeof data.changes === 'object' ? <pre>{JSON.stringify(data.changes, null, 2)}</pre> : null}
    </li>
  );
}

/** A claim, its sources, and its audit trail: every event about it, who did it, when and why. */
export function ClaimPage({ session, claimId }: { session: Session; claimId: string }) {
  const [done, setDone] = useState('');
  const loaded = useLoad(async () => {
    const claim = await session.api.get<ClaimDetail>(`/claims/${encodeURIComponent(claimId)}`);
    const deal = await session.api.get<DealState>(`/deals/${encodeURIComponent(claim.dealId)}`);
    return { claim, deal };
  }, [claimId]);
  useLiveRefresh(session, loaded.reload, (event) => event.dealId === loaded.data?.deal.id);
  const data = loaded.data;
  if (!data) {
    return (
      <section>
        <h1 tabIndex={-1}>Claim</h1>
        {loaded.loading ? <p>Loading…</p> : <ProblemMessage problem={loaded.problem} />}
      </section>
    );
  }
  const { claim, deal } = data;
  return (
    <article>
      <h1 tabIndex={-1}>
        {words(claim.kind)} <span class="muted">({claim.occurredAt})</span>
      </h1>
      <p>
        In <a href={`#/deals/${deal.id}`}>{deal.title}</a> · <VerdictBadge verdict={claim.verdict} /> · revision {claim.revision}
      </p>
      <p>{claim.statement}</p>
      {claim.amount ? (
        <p>
          Amount: <Money amount={claim.amount} />
        </p>
      ) : null}
      {claim.party ? <p>Party: {claim.party}</p> : null}
      {claim.latestVerdict ? <p>Latest rationale: {claim.latestVerdict.rationale}</p> : null}
      <h2>Sources ({claim.independentSources} independent)</h2>
      <ul class="sources">
        {claim.sources.map((source, index) => (
          <SourceItem key={index} source={source} />
        ))}
      </ul>
      <h2>Judge</h2>
      <p aria-live="polite" class="done">
        {done}
      </p>
      <JudgeClaim
        session={session}
        claim={claim}
        dealVersion={deal.version}
        onDone={(what) => {
          setDone(what);
          loaded.reload();
        }}
      />
      <h2>Audit trail</h2>
      <ol class="history" aria-label="Audit trail">
        {claim.history.map((event) => (
          <HistoryItem key={event.position} event={event} />
        ))}
      </ol>
    </article>
  );
}
