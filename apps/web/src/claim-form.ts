import type { FieldError, Problem } from './api';
import { formatPartialDate, type DateParts } from './partial-date';

// the vocabulary is the domain's own (DESIGN 2.1), bundled from its source
export {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  DEAL_KINDS,
  DEAL_STATUSES,
  PARTY_ROLES,
  REGULATORY_OUTCOMES,
  VERDICTS,
} from '../../../libs/newsroom/src/domain/deal.events';
export { MONEY_QUALIFIERS as QUALIFIERS } from '../../../libs/newsroom/src/domain/money';

/** Kinds whose amount the form asks for. */
export const KINDS_WITH_AMOUNT = new Set([
  'talks_reported',
  'offer_made',
  'agreement_reached',
  'deal_announced',
  'terms_revised',
  'deal_completed',
  'valuation_reported',
  'funding_raised',
]);

export interface RelayForm {
  outlet: string;
  url: string;
  publishedAt: string;
}

export interface SourceForm {
  outlet: string;
  url: string;
  title: string;
  publishedAt: string;
  author: string;
  quote: string;
  via: RelayForm[];
}

/** The claim form as the page holds it: every field a string, as typed. */
export interface ClaimForm {
  kind: string;
  statement: string;
  date: DateParts;
  amountValue: string;
  currency: string;
  qualifier: string;
  party: string;
  agreementLevel: string;
  regulatoryOutcome: string;
  contradicts: string;
  sources: SourceForm[];
}

export function emptySource(): SourceForm {
  return { outlet: '', url: '', title: '', publishedAt: '', author: '', quote: '', via: [] };
}

export function emptyRelay(): RelayForm {
  return { outlet: '', url: '', publishedAt: '' };
}

export function emptyClaimForm(): ClaimForm {
  return {
    kind: 'statement',
    statement: '',
    date: { precision: 'month', year: '', month: '' },
    amountValue: '',
    currency: 'USD',
    qualifier: 'exact',
    party: '',
    agreementLevel: 'verbal',
    regulatoryOutcome: 'review',
    contradicts: '',
    sources: [emptySource()],
  };
}

/** Leaves out what the user left empty, so optional fields are absent rather than blank. */
function optional<T extends Record<string, string>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [name, value] of Object.entries(fields) as [keyof T, string][]) {
    const trimmed = value.trim();
    if (trimmed) out[name] = trimmed as T[keyof T];
  }
  return out;
}

/**
 * The body of `POST /deals/{id}/claims` for what the form holds. Fields that
 * do not apply to the kind are left out; the API checks the rest and answers
 * with field errors named by the same paths the form uses.
 */
export function claimRequestBody(form: ClaimForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: form.kind,
    statement: form.statement.trim(),
    occurredAt: formatPartialDate(form.date),
  };
  if (KINDS_WITH_AMOUNT.has(form.kind) && form.amountValue.trim()) {
    body.amount = { value: form.amountValue.trim().replaceAll(',', ''), currency: form.currency.trim().toUpperCase(), qualifier: form.qualifier };
  }
  if (form.party.trim()) body.party = form.party.trim();
  if (form.kind === 'agreement_reached') body.agreementLevel = form.agreementLevel;
  if (form.kind === 'regulatory_action') body.regulatoryOutcome = form.regulatoryOutcome;
  if (form.kind === 'denial' && form.contradicts) body.contradicts = form.contradicts;
  body.sources = form.sources.map((source) => {
    const { via, ...fields } = source;
    const relays = via.map((relay) => ({ outlet: relay.outlet.trim(), ...optional({ url: relay.url, publishedAt: relay.publishedAt }) }));
    return { outlet: source.outlet.trim(), ...optional({ ...fields, outlet: '' }), ...(relays.length ? { via: relays } : {}) };
  });
  return body;
}

export interface DealForm {
  title: string;
  kind: string;
  parties: { name: string; role: string }[];
}

/** The body of `POST /deals`: parties left without a name are dropped. */
export function dealRequestBody(form: DealForm): Record<string, unknown> {
  return {
    title: form.title.trim(),
    kind: form.kind,
    parties: form.parties.filter((party) => party.name.trim()).map((party) => ({ name: party.name.trim(), role: party.role })),
  };
}

/** The API's field errors by field path (`sources[0].via[1].outlet`), so each shows beside its field. */
export function errorsByField(problem: Problem | null): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const error of problem?.errors ?? ([] as FieldError[])) {
    byField.set(error.field, [...(byField.get(error.field) ?? []), error.message]);
  }
  return byField;
}

/** Field errors the form has no field for: shown in the summary instead of being lost. */
export function unplacedErrors(byField: Map<string, string[]>, placed: Set<string>): FieldError[] {
  return [...byField].filter(([field]) => !placed.has(field)).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
}
