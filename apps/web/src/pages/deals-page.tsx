import { useState } from 'preact/hooks';
import type { DealState, Page, Problem } from '../api';
import { DEAL_STATUSES } from '../claim-form';
import { Money, ProblemMessage, StatusBadge, can, problemOf, useLiveRefresh, useLoad, words, type Session } from '../ui';

interface Filters {
  q: string;
  party: string;
  status: string;
}

/** What the signed-in key may do, in words. */
function allowedActions(session: Session): string[] {
  const actions = ['read deals, claims and their history'];
  if (can(session, 'editor')) actions.push('open deals and record claims');
  if (can(session, 'fact_checker')) actions.push('give verdicts');
  if (can(session, 'editor', 'fact_checker')) actions.push('retract claims');
  if (can(session, 'admin')) actions.push('manage keys (in the API)');
  return actions;
}

/** Deals, searched by title and party and filtered by status, a page at a time. */
export function DealsPage({ session }: { session: Session }) {
  const [draft, setDraft] = useState<Filters>({ q: '', party: '', status: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [more, setMore] = useState<DealState[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const first = useLoad(async () => {
    const page = await session.api.get<Page<DealState>>('/deals', { ...filters, limit: 20 });
    setMore([]);
    setCursor(page.nextCursor);
    return page.items;
  }, [filters]);
  useLiveRefresh(session, first.reload, (event) => event.type === 'DealOpened' || more.length === 0);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await session.api.get<Page<DealState>>('/deals', { ...filters, limit: 20, cursor });
      setMore([...more, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreProblem(problemOf(error));
    }
  };
  const deals = [...(first.data ?? []), ...more];

  return (
    <section>
      <h1 tabIndex={-1}>Deals</h1>
      <p class="muted" data-testid="allowed">
        With this key you can {allowedActions(session).join(', ')}.
      </p>
      <form
        class="filters"
        role="search"
        aria-label="Find deals"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ ...draft });
        }}
      >
        <div class="field">
          <label for="deal-q">Title contains</label>
          <input id="deal-q" type="search" value={draft.q} onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="deal-party">Party</label>
          <input id="deal-party" type="search" value={draft.party} onInput={(e) => setDraft({ ...draft, party: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="deal-status">Status</label>
          <select id="deal-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">any</option>
            {DEAL_STATUSES.map((status) => (
              <option key={status} value={status}>
                {words(status)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <ProblemMessage problem={first.problem} />
      <p class="muted" aria-live="polite">
        {first.loading ? 'Loading…' : `${deals.length} deal${deals.length === 1 ? '' : 's'} shown${cursor ? ', more available' : ''}.`}
      </p>
      <ul class="cards" aria-label="Deals">
        {deals.map((deal) => (
          <li key={deal.id} class="card">
            <h2>
              <a href={`#/deals/${deal.id}`}>{deal.title}</a>
            </h2>
            <p>
              <StatusBadge status={deal.status} contested={deal.contested.status} /> {deal.statusSince ? <span class="muted">since {deal.statusSince}</span> : null}
            </p>
            <p class="muted">
              {words(deal.kind)} · {deal.parties.map((p) => `${p.name} (${words(p.role)})`).join(', ')}
            </p>
            <p>
              Price: <Money amount={deal.price} /> · {deal.claimCounts.total} claim{deal.claimCounts.total === 1 ? '' : 's'}, {deal.claimCounts.unreviewed} unreviewed
              {deal.conflicts.length ? ` · ${deal.conflicts.length} open conflict${deal.conflicts.length === 1 ? '' : 's'}` : ''}
            </p>
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Show more deals
        </button>
      ) : null}
      <ProblemMessage problem={moreProblem} />
    </section>
  );
}
