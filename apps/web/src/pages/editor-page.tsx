import { useState } from 'preact/hooks';
import type { Claim, DealState, Page, Problem } from '../api';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  DEAL_KINDS,
  KINDS_WITH_AMOUNT,
  PARTY_ROLES,
  QUALIFIERS,
  REGULATORY_OUTCOMES,
  claimRequestBody,
  dealRequestBody,
  emptyClaimForm,
  emptyRelay,
  emptySource,
  errorsByField,
  unplacedErrors,
  type ClaimForm,
  type DealForm,
} from '../claim-form';
import { PRECISIONS, type Precision } from '../partial-date';
import { Field, ProblemMessage, can, problemOf, useLoad, words, type Session } from '../ui';

type Input = { currentTarget: { value: string } };

/** The editor's page: open a deal, then record claims in it. */
export function EditorPage({ session, dealId }: { session: Session; dealId: string | null }) {
  if (!can(session, 'editor')) {
    return (
      <section>
        <h1 tabIndex={-1}>New deal or claim</h1>
        <p>Your key cannot record deals or claims: that needs the editor role.</p>
      </section>
    );
  }
  return (
    <section>
      <h1 tabIndex={-1}>New deal or claim</h1>
      <OpenDealForm session={session} />
      <RecordClaimForm key={dealId ?? ''} session={session} dealId={dealId} />
    </section>
  );
}

const emptyDealForm = (): DealForm => ({ title: '', kind: 'acquisition', parties: [{ name: '', role: 'acquirer' }, { name: '', role: 'target' }] });

function OpenDealForm({ session }: { session: Session }) {
  const [form, setForm] = useState<DealForm>(emptyDealForm());
  const [opened, setOpened] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = errorsByField(problem);
  const placed = new Set(['title', 'kind', 'parties', ...form.parties.flatMap((_, i) => [`parties[${i}].name`, `parties[${i}].role`])]);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const created = await session.api.post<{ id: string }>('/deals', dealRequestBody(form));
      setOpened(`Deal “${form.title.trim()}” opened: record its first claim below.`);
      setForm(emptyDealForm());
      location.hash = `#/new?deal=${created.id}`;
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  const setParty = (index: number, change: Partial<DealForm['parties'][number]>) =>
    setForm({ ...form, parties: form.parties.map((p, i) => (i === index ? { ...p, ...change } : p)) });
  return (
    <form onSubmit={submit} aria-labelledby="open-deal-heading" class="panel" noValidate>
      <h2 id="open-deal-heading">Open a deal</h2>
      <Field id="deal-title" label="Title" errors={errors.get('title')}>
        {(d, i) => <input id="deal-title" value={form.title} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />}
      </Field>
      <Field id="deal-kind" label="Kind" errors={errors.get('kind')}>
        {(d) => (
          <select id="deal-kind" value={form.kind} aria-describedby={d} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}>
            {DEAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {words(k)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset>
        <legend>Parties</legend>
        {errors.get('parties') ? <p class="field-error">{errors.get('parties')!.join('; ')}</p> : null}
        {form.parties.map((party, index) => (
          <div class="row" key={index}>
            <Field id={`party-${index}-name`} label={`Party ${index + 1} name`} errors={errors.get(`parties[${index}].name`)}>
              {(d, i) => <input id={`party-${index}-name`} value={party.name} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => setParty(index, { name: e.currentTarget.value })} />}
            </Field>
            <Field id={`party-${index}-role`} label={`Party ${index + 1} role`} errors={errors.get(`parties[${index}].role`)}>
              {(d) => (
                <select id={`party-${index}-role`} value={party.role} aria-describedby={d} onChange={(e) => setParty(index, { role: e.currentTarget.value })}>
                  {PARTY_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {words(r)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="button" class="link" onClick={() => setForm({ ...form, parties: form.parties.filter((_, i) => i !== index) })}>
              Remove party {index + 1}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setForm({ ...form, parties: [...form.parties, { name: '', role: 'other' }] })}>
          Add a party
        </button>
      </fieldset>
      <button type="submit" disabled={busy}>
        Open the deal
      </button>
      <ProblemMessage problem={problem} />
      <UnplacedErrors errors={unplacedErrors(errors, placed)} />
      <p aria-live="polite" class="done">
        {opened}
      </p>
    </form>
  );
}

function UnplacedErrors({ errors }: { errors: { field: string; message: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="field-error">
      {errors.map((e) => (
        <li key={e.field + e.message}>
          {e.field}: {e.message}
        </li>
      ))}
    </ul>
  );
}

function RecordClaimForm({ session, dealId: initialDeal }: { session: Session; dealId: string | null }) {
  const [dealId, setDealId] = useState(initialDeal ?? '');
  const [form, setForm] = useState<ClaimForm>(emptyClaimForm());
  const [problem, setProblem] = useState<Problem | null>(null);
  const [recorded, setRecorded] = useState<{ claimId: string; dealId: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // the first hundred deals, and the one named in the URL when it is not among them
  const deals = useLoad(async () => {
    const page = await session.api.get<Page<DealState>>('/deals', { limit: 100 });
    if (initialDeal && !page.items.some((deal) => deal.id === initialDeal)) {
      page.items.unshift(await session.api.get<DealState>(`/deals/${encodeURIComponent(initialDeal)}`));
    }
    return page;
  }, [initialDeal]);
  const claims = useLoad(
    async () => (dealId ? (await session.api.get<Page<Claim>>(`/deals/${encodeURIComponent(dealId)}/claims`)).items : []),
    [dealId],
  );
  const errors = errorsByField(problem);
  const placed = new Set<string>();
  const err = (field: string) => {
    placed.add(field);
    return errors.get(field);
  };
  const set = (change: Partial<ClaimForm>) => setForm({ ...form, ...change });
  const setDate = (change: Partial<ClaimForm['date']>) => set({ date: { ...form.date, ...change } });
  const setSource = (index: number, change: Partial<ClaimForm['sources'][number]>) =>
    set({ sources: form.sources.map((s, i) => (i === index ? { ...s, ...change } : s)) });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setRecorded(null);
    try {
      const result = await session.api.post<{ claimId: string; dealId: string }>(`/deals/${encodeURIComponent(dealId)}/claims`, claimRequestBody(form));
      setRecorded(result);
      setForm(emptyClaimForm());
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const text = (id: string, label: string, field: string, value: string, onInput: (e: Input) => void, options: { hint?: string; type?: string; required?: boolean } = {}) => (
    <Field id={id} label={label} errors={err(field)} hint={options.hint}>
      {(d, i) => <input id={id} type={options.type ?? 'text'} value={value} required={options.required} aria-describedby={d} aria-invalid={i || undefined} onInput={onInput} />}
    </Field>
  );
  const select = (id: string, label: string, field: string, value: string, choices: readonly string[], onChange: (e: Input) => void) => (
    <Field id={id} label={label} errors={err(field)}>
      {(d, i) => (
        <select id={id} value={value} aria-describedby={d} aria-invalid={i || undefined} onChange={onChange}>
          {choices.map((c) => (
            <option key={c} value={c}>
              {words(c)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const { precision } = form.date;
  return (
    <form onSubmit={submit} aria-labelledby="record-claim-heading" class="panel" noValidate>
      <h2 id="record-claim-heading">Record a claim</h2>
      <Field id="claim-deal" label="Deal" errors={errors.get('dealId')}>
        {(d) => (
          <select id="claim-deal" value={dealId} required aria-describedby={d} onChange={(e) => setDealId(e.currentTarget.value)}>
            <option value="">choose a deal</option>
            {(deals.data?.items ?? []).map((deal) => (
              <option key={deal.id} value={deal.id}>
                {deal.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      {select('claim-kind', 'Kind', 'kind', form.kind, CLAIM_KINDS, (e) => set({ kind: e.currentTarget.value }))}
      <Field id="claim-statement" label="Statement" errors={err('statement')}>
        {(d, i) => (
          <textarea id="claim-statement" rows={3} value={form.statement} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => set({ statement: e.currentTarget.value })} />
        )}
      </Field>
      <fieldset class={errors.get('occurredAt') ? 'invalid' : ''} aria-describedby={errors.get('occurredAt') ? 'occurred-at-error' : undefined}>
        <legend>When it happened</legend>
        <div class="row">
          {select('date-precision', 'Precision', 'occurredAt.precision', precision, PRECISIONS, (e) => setDate({ precision: e.currentTarget.value as Precision }))}
          {text('date-year', 'Year', 'occurredAt.year', form.date.year, (e) => setDate({ year: e.currentTarget.value }), { hint: 'YYYY' })}
          {precision === 'half' ? select('date-half', 'Half', 'occurredAt.half', form.date.half ?? '', ['', '1', '2'], (e) => setDate({ half: e.currentTarget.value })) : null}
          {precision === 'quarter'
            ? select('date-quarter', 'Quarter', 'occurredAt.quarter', form.date.quarter ?? '', ['', '1', '2', '3', '4'], (e) => setDate({ quarter: e.currentTarget.value }))
            : null}
          {precision === 'month' || precision === 'day' ? text('date-month', 'Month', 'occurredAt.month', form.date.month ?? '', (e) => setDate({ month: e.currentTarget.value }), { hint: '1 to 12' }) : null}
          {precision === 'day' ? text('date-day', 'Day', 'occurredAt.day', form.date.day ?? '', (e) => setDate({ day: e.currentTarget.value }), { hint: '1 to 31' }) : null}
        </div>
        {errors.get('occurredAt') ? (
          <small id="occurred-at-error" class="field-error" data-field-error>
            {err('occurredAt')!.join('; ')}
          </small>
        ) : null}
      </fieldset>
      {KINDS_WITH_AMOUNT.has(form.kind) ? (
        <fieldset>
          <legend>Amount</legend>
          <div class="row">
            {text('amount-value', 'Value', 'amount.value', form.amountValue, (e) => set({ amountValue: e.currentTarget.value }), { hint: 'digits, e.g. 715000000' })}
            {text('amount-currency', 'Currency', 'amount.currency', form.currency, (e) => set({ currency: e.currentTarget.value }), { hint: 'ISO 4217, e.g. USD' })}
            {select('amount-qualifier', 'Qualifier', 'amount.qualifier', form.qualifier, QUALIFIERS, (e) => set({ qualifier: e.currentTarget.value }))}
          </div>
          {errors.get('amount') ? <p class="field-error">{err('amount')!.join('; ')}</p> : null}
        </fieldset>
      ) : null}
      {text('claim-party', 'Party (optional)', 'party', form.party, (e) => set({ party: e.currentTarget.value }), { hint: 'whose valuation or funding, or who acted' })}
      {form.kind === 'agreement_reached' ? select('agreement-level', 'Agreement level', 'agreementLevel', form.agreementLevel, AGREEMENT_LEVELS, (e) => set({ agreementLevel: e.currentTarget.value })) : null}
      {form.kind === 'regulatory_action'
        ? select('regulatory-outcome', 'Regulatory outcome', 'regulatoryOutcome', form.regulatoryOutcome, REGULATORY_OUTCOMES, (e) => set({ regulatoryOutcome: e.currentTarget.value }))
        : null}
      {form.kind === 'denial' ? (
        <Field id="contradicts" label="Contradicts the claim" errors={err('contradicts')}>
          {(d, i) => (
            <select id="contradicts" value={form.contradicts} aria-describedby={d} aria-invalid={i || undefined} onChange={(e) => set({ contradicts: e.currentTarget.value })}>
              <option value="">choose a claim</option>
              {(claims.data ?? []).map((c) => (
                <option key={c.claimId} value={c.claimId}>
                  {words(c.kind)} ({c.occurredAt}): {c.statement.slice(0, 60)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {errors.get('sources') ? <p class="field-error">{err('sources')!.join('; ')}</p> : null}
      {form.sources.map((source, index) => {
        const at = `sources[${index}]`;
        const id = `source-${index}`;
        return (
          <fieldset key={index} class="source-form">
            <legend>Source {index + 1}</legend>
            {text(`${id}-outlet`, 'Outlet that first reported it', `${at}.outlet`, source.outlet, (e) => setSource(index, { outlet: e.currentTarget.value }))}
            {text(`${id}-published`, 'Published on', `${at}.publishedAt`, source.publishedAt, (e) => setSource(index, { publishedAt: e.currentTarget.value }), { hint: 'YYYY-MM-DD' })}
            {text(`${id}-url`, 'URL (optional)', `${at}.url`, source.url, (e) => setSource(index, { url: e.currentTarget.value }), { type: 'url' })}
            {text(`${id}-title`, 'Title (optional)', `${at}.title`, source.title, (e) => setSource(index, { title: e.currentTarget.value }))}
            {text(`${id}-author`, 'Author (optional)', `${at}.author`, source.author, (e) => setSource(index, { author: e.currentTarget.value }))}
            {text(`${id}-quote`, 'Quote (optional)', `${at}.quote`, source.quote, (e) => setSource(index, { quote: e.currentTarget.value }))}
            {source.via.map((relay, r) => (
              <fieldset key={r} class="relay">
                <legend>
                  Relay {r + 1} of source {index + 1} {r === 0 ? '(nearest to us)' : ''}
                </legend>
                {text(`${id}-via-${r}-outlet`, 'Relaying outlet', `${at}.via[${r}].outlet`, relay.outlet, (e) =>
                  setSource(index, { via: source.via.map((v, j) => (j === r ? { ...v, outlet: e.currentTarget.value } : v)) }),
                )}
                {text(`${id}-via-${r}-url`, 'Relay URL (optional)', `${at}.via[${r}].url`, relay.url, (e) =>
                  setSource(index, { via: source.via.map((v, j) => (j === r ? { ...v, url: e.currentTarget.value } : v)) }),
                )}
                <button type="button" class="link" onClick={() => setSource(index, { via: source.via.filter((_, j) => j !== r) })}>
                  Remove relay {r + 1}
                </button>
              </fieldset>
            ))}
            <button type="button" onClick={() => setSource(index, { via: [...source.via, emptyRelay()] })}>
              Add a relay to source {index + 1}
            </button>
            {form.sources.length > 1 ? (
              <button type="button" class="link" onClick={() => set({ sources: form.sources.filter((_, i) => i !== index) })}>
                Remove source {index + 1}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <button type="button" onClick={() => set({ sources: [...form.sources, emptySource()] })}>
        Add a source
      </button>
      <div class="actions">
        <button type="submit" disabled={busy || !dealId}>
          Record the claim
        </button>
      </div>
      <ProblemMessage problem={problem} />
      <UnplacedErrors errors={unplacedErrors(errors, placed)} />
      <p aria-live="polite" class="done">
        {recorded ? (
          <>
            Claim recorded. <a href={`#/deals/${recorded.dealId}`}>Open the deal</a> or <a href={`#/claims/${recorded.claimId}`}>the claim's audit trail</a>.
          </>
        ) : null}
      </p>
    </form>
  );
}
