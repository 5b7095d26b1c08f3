import { useState } from 'preact/hooks';
import type { Claim, DealState, Page, Problem } from '../api';
import { Money, ProblemMessage, SourceItem, formatInstant, problemOf, useLiveRefresh, useLoad, words, type Session } from '../ui';
import { JudgeClaim } from './judge';

/** The fact-check queue: unreviewed claims, oldest first, each with its verdict and retraction forms. */
export function QueuePage({ session }: { session: Session }) {
  const [more, setMore] = useState<Claim[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [titles, setTitles] = useState<Map<string, string>>(new Map());
  // each claim names its deal by id: the titles are read once per deal
  const learnTitles = async (claims: Claim[]) => {
    const missing = [...new Set(claims.map((c) => c.dealId))].filter((id) => !titles.has(id));
    if (missing.length === 0) return;
    const deals = await Promise.all(missing.map((id) => session.api.get<DealState>(`/deals/${encodeURIComponent(id)}`).catch(() => null)));
    setTitles((known) => new Map([...known, ...deals.filter((d): d is DealState => d !== null).map((d) => [d.id, d.title] as [string, string])]));
  };
  const first = useLoad(async () => {
    const page = await session.api.get<Page<Claim>>('/claims', { verdict: 'unreviewed', limit: 20 });
    setMore([]);
    setCursor(page.nextCursor);
    void learnTitles(page.items);
    return page.items;
  }, []);
  useLiveRefresh(session, first.reload);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await session.api.get<Page<Claim>>('/claims', { verdict: 'unreviewed', limit: 20, cursor });
      setMore([...more, ...page.items]);
      setCursor(page.nextCursor);
      void learnTitles(page.items);
    } catch (error) {
      setMoreProblem(problemOf(error));
    }
  };
  const claims = [...(first.data ?? []), ...more];
  return (
    <section>
      <h1 tabIndex={-1}>Fact-check queue</h1>
      <p class="muted">Unreviewed claims, oldest first.</p>
      <p aria-live="polite" class="done">
        {done}
      </p>
      <ProblemMessage problem={first.problem} />
      {first.loading && !first.data ? <p>Loading…</p> : null}
      {first.data && claims.length === 0 ? <p>Nothing waits for a verdict.</p> : null}
      <ul class="cards" aria-label="Unreviewed claims">
        {claims.map((claim) => (
          <li key={claim.claimId} class="card" data-claim-id={claim.claimId}>
            <h2>
              <a href={`#/claims/${claim.claimId}`}>
                {words(claim.kind)} ({claim.occurredAt})
              </a>
            </h2>
            <p>{claim.statement}</p>
            {claim.amount ? (
              <p>
                Amount: <Money amount={claim.amount} />
              </p>
            ) : null}
            <p class="muted">
              In <a href={`#/deals/${claim.dealId}`}>{titles.get(claim.dealId) ?? 'its deal'}</a> · recorded {formatInstant(claim.recordedAt)} · {claim.independentSources} independent source
              {claim.independentSources === 1 ? '' : 's'}
            </p>
            <ul class="sources" aria-label="Sources">
              {claim.sources.map((source, index) => (
                <SourceItem key={index} source={source} />
              ))}
            </ul>
            <JudgeClaim
              session={session}
              claim={claim}
              onDone={(what) => {
                setDone(`${what} (${words(claim.kind)}, ${claim.occurredAt})`);
                first.reload();
              }}
            />
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Show more claims
        </button>
      ) : null}
      <ProblemMessage problem={moreProblem} />
    </section>
  );
}
