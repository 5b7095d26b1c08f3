import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Claim, DealState, Page, Problem, TimelineEntry } from '../api';
import { HistoryChart } from '../chart';
import { buildChartData, formatMoney, statusDays, verdictsKnownAt, type StatusStep } from '../chart-data';
import { Money, ProblemMessage, SourceItem, StatusBadge, VerdictBadge, can, eventWords, formatInstant, problemOf, useLiveRefresh, useLoad, words, type Session } from '../ui';

interface DealData {
  claims: Claim[];
  valid: TimelineEntry[];
  recorded: TimelineEntry[];
  current: DealState;
}

/** One deal: its state, its history chart with the "known at" replay, its conflicts and its claims. */
export function DealPage({ session, dealId }: { session: Session; dealId: string }) {
  const id = encodeURIComponent(dealId);
  const loaded = useLoad<DealData>(async () => {
    const [current, claims, valid, recorded] = await Promise.all([
      session.api.get<DealState>(`/deals/${id}`),
      session.api.get<Page<Claim>>(`/deals/${id}/claims`),
      session.api.get<{ entries: TimelineEntry[] }>(`/deals/${id}/timeline`, { axis: 'valid' }),
      session.api.get<{ entries: TimelineEntry[] }>(`/deals/${id}/timeline`, { axis: 'recorded' }),
    ]);
    return { current, claims: claims.items, valid: valid.entries, recorded: recorded.entries };
  }, [dealId]);
  useLiveRefresh(session, loaded.reload, (event) => event.dealId === dealId);

  // the slider's steps are the deal's recorded events; the last step is "now"
  const steps = loaded.data?.recorded ?? [];
  const [step, setStep] = useState<number | null>(null);
  const atNow = step === null || step >= steps.length - 1;
  const knownAt = atNow ? null : steps[step].recordedAt;
  const data = loaded.data;
  const verdicts = useMemo(() => verdictsKnownAt(data?.recorded ?? [], knownAt), [data, knownAt]);
  const [past, setPast] = useState<{ knownAt: string; state: DealState; statusSteps: StatusStep[] } | null>(null);
  const [pastProblem, setPastProblem] = useState<Problem | null>(null);
  useEffect(() => {
    if (!knownAt || !data) return;
    let cancelled = false;
    // the state then, and the status then at each day a claim known then starts: the replayed bands
    const days = statusDays(data.claims, verdicts);
    const timer = setTimeout(() => {
      Promise.all([
        session.api.get<DealState>(`/deals/${id}`, { knownAt }),
        ...days.map((validAt) => session.api.get<DealState>(`/deals/${id}`, { knownAt, validAt })),
      ]).then(
        ([state, ...atDays]) => {
          if (cancelled) return;
          setPast({ knownAt, state, statusSteps: atDays.map((s, i) => ({ from: Date.parse(`${days[i]}T00:00:00Z`), status: s.status })) });
          setPastProblem(null);
        },
        (error: unknown) => !cancelled && setPastProblem(problemOf(error)),
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [knownAt, id, session.api, data, verdicts]);

  const replay = knownAt && past?.knownAt === knownAt ? past : null;
  const state = knownAt ? (replay?.state ?? null) : (data?.current ?? null);
  const claims = (data?.claims ?? []).filter((claim) => verdicts.has(claim.claimId));
  const chartData = useMemo(
    () => (data && state ? buildChartData(data.valid, data.claims, state, { knownAt, verdicts, statusSteps: replay?.statusSteps }) : null),
    [data, state, knownAt, verdicts, replay],
  );

  if (!data) {
    return (
      <section>
        <h1 tabIndex={-1}>Deal</h1>
        {loaded.loading ? <p>Loading…</p> : <ProblemMessage problem={loaded.problem} />}
      </section>
    );
  }
  const shown = state ?? data.current;
  const claimLabel = (claimId: string) => {
    const claim = data.claims.find((c) => c.claimId === claimId);
    return claim ? `${words(claim.kind)} (${claim.occurredAt})` : claimId;
  };
  const summary = chartData
    ? `History by valid time: ${chartData.bands.map((b) => `${words(b.status)} from ${new Date(b.from).toISOString().slice(0, 7)}`).join(', ') || 'no status yet'}; ` +
      `${chartData.prices.length} price and ${chartData.offers.length} offer points; ${chartData.conflicts.length} open conflicts.`
    : 'History chart';

  return (
    <article class="deal">
      <h1 tabIndex={-1}>{data.current.title}</h1>
      <ProblemMessage problem={loaded.problem} />
      <p class="muted">
        {words(data.current.kind)} · {data.current.parties.map((p) => `${p.name} (${words(p.role)})`).join(', ')}
        {can(session, 'editor') ? (
          <>
            {' · '}
            <a href={`#/new?deal=${data.current.id}`}>Record a claim</a>
          </>
        ) : null}
      </p>

      <section aria-labelledby="known-at-heading" class="known-at">
        <h2 id="known-at-heading">Known at</h2>
        <label for="known-at">Replay what the newsroom knew, event by event</label>
        <input
          id="known-at"
          type="range"
          min={0}
          max={Math.max(0, steps.length - 1)}
          step={1}
          value={step ?? steps.length - 1}
          aria-valuetext={knownAt ? `${formatInstant(knownAt)}, after ${eventWords(steps[step ?? 0].eventType)}` : 'now'}
          onInput={(event) => setStep(Number(event.currentTarget.value))}
        />
        <p aria-live="polite" data-testid="known-at-value">
          {knownAt ? (
            <>
              As known at <time dateTime={knownAt}>{formatInstant(knownAt)}</time>, after event {step! + 1} of {steps.length} ({eventWords(steps[step!].eventType)}).{' '}
              <button type="button" class="link" onClick={() => setStep(null)}>
                Back to now
              </button>
            </>
          ) : (
            'As known now.'
          )}
        </p>
        <ProblemMessage problem={pastProblem} />
      </section>

      <section aria-labelledby="state-heading">
        <h2 id="state-heading">State</h2>
        {state ? null : <p>Loading the state at that time…</p>}
        <dl class="state" data-testid="deal-state">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={shown.status} contested={shown.contested.status} /> {shown.statusSince ? `since ${shown.statusSince}` : ''}
          </dd>
          <dt>Price</dt>
          <dd>
            <Money amount={shown.price} />
            {shown.contested.price ? ' (contested)' : ''}
          </dd>
          <dt>Offers</dt>
          <dd>{shown.offers.length ? shown.offers.map((o) => `${formatMoney(o.value, o.currency, o.qualifier)} (${o.occurredAt})`).join('; ') : 'none'}</dd>
          <dt>Claims</dt>
          <dd data-testid="claim-counts">
            {shown.claimCounts.total} in all:{' '}
            {['unreviewed', 'confirmed', 'disputed', 'false', 'unverifiable', 'retracted']
              .filter((v) => shown.claimCounts[v])
              .map((v) => `${shown.claimCounts[v]} ${v}`)
              .join(', ') || 'none'}
          </dd>
          <dt>Version</dt>
          <dd>
            {shown.version}, last recorded {formatInstant(shown.lastRecordedAt)}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">History by valid time</h2>
        <p class="muted">Status bands, prices and offers by when they happened; hollow points are unreviewed, crosses no longer count, red marks open conflicts.</p>
        {knownAt ? <p class="muted">As known then: claims recorded later are left out, each point shows its verdict as it stood, and the bands are the statuses the API derived from what was recorded by then.</p> : null}
        {chartData ? <HistoryChart data={chartData} summary={summary} /> : null}
        {chartData ? (
          <details>
            <summary>The chart's data as text</summary>
            <ul>
              {chartData.bands.map((b, i) => (
                <li key={`b${i}`}>
                  {words(b.status)} from {new Date(b.from).toISOString().slice(0, 10)}
                </li>
              ))}
              {[...chartData.prices, ...chartData.offers].map((p) => (
                <li key={p.claimId}>{p.label}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="conflicts-heading">
        <h2 id="conflicts-heading">Open conflicts</h2>
        {shown.conflicts.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {shown.conflicts.map((conflict) => (
              <li key={conflict.claimIds.join()} class="conflict">
                {words(conflict.reason)}: <a href={`#/claims/${conflict.claimIds[0]}`}>{claimLabel(conflict.claimIds[0])}</a> against{' '}
                <a href={`#/claims/${conflict.claimIds[1]}`}>{claimLabel(conflict.claimIds[1])}</a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="claims-heading">
        <h2 id="claims-heading">Claims ({claims.length})</h2>
        <ul class="cards" aria-label="Claims">
          {claims.map((claim) => (
            <li key={claim.claimId} class="card" data-claim-id={claim.claimId}>
              <h3>
                {words(claim.kind)} <span class="muted">({claim.occurredAt})</span> <VerdictBadge verdict={verdicts.get(claim.claimId) ?? claim.verdict} />
              </h3>
              <p>{claim.statement}</p>
              {claim.amount ? (
                <p>
                  Amount: <Money amount={claim.amount} />
                </p>
              ) : null}
              <p class="muted">
                {claim.independentSources} independent source{claim.independentSources === 1 ? '' : 's'} · recorded {formatInstant(claim.recordedAt)}
              </p>
              <ul class="sources" aria-label="Sources">
                {claim.sources.map((source, index) => (
                  <SourceItem key={index} source={source} />
                ))}
              </ul>
              <a href={`#/claims/${claim.claimId}`}>Audit trail of this claim</a>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
