import { canonicalInstant, endOfDayInstant } from './calendar.util';
import {
  PARTY_KINDS,
  type AgreementLevel,
  type ClaimKind,
  type ClaimRecorded,
  type ClaimVerdictState,
  type DealEvent,
  type RecordedDealEvent,
  type RegulatoryOutcome,
  type Verdict,
} from './deal.events';
import type { DealHeader } from './deal.state';
import { InvalidValueError } from './domain.error';
import { toComparable, type ComparableMoney, type Money } from './money';
import { PartialDate, PRECISION_RANK, validAtCutoff } from './partial-date';
import { earliestPublishedAt, outletKey, type Source } from './source';

export interface VerdictRecord {
  readonly verdict: Verdict;
  readonly rationale: string;
  readonly evidence: readonly Source[];
  readonly claimRevision: number;
  readonly givenBy: string;
  readonly recordedAt: string;
  readonly position: number;
}

export interface RetractionRecord {
  readonly reason: string;
  readonly retractedBy: string;
  readonly recordedAt: string;
  readonly position: number;
}

/**
 * A claim as the read side sees it after replaying its events, with the keys
 * the fold orders and groups it by. Once sealed a record is not changed: the
 * incremental timeline makes a new one per event, so sorted arrays holding
 * the old one stay valid until they are updated.
 */
export interface ClaimRecord {
  readonly claimId: string;
  readonly dealId: string;
  readonly kind: ClaimKind;
  readonly statement: string;
  readonly occurredAt: string;
  readonly amount: Money | null;
  readonly party: string | null;
  readonly agreementLevel: AgreementLevel | null;
  readonly regulatoryOutcome: RegulatoryOutcome | null;
  readonly contradicts: string | null;
  readonly sources: readonly Source[];
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly position: number;
  readonly version: number;
  readonly revision: number;
  /** The keys that corrected it, in order, each once. */
  readonly correctedBy: readonly string[];
  readonly latestVerdict: VerdictRecord | null;
  readonly retraction: RetractionRecord | null;
  // Derived -----------------------------------------------------------------
  readonly verdict: ClaimVerdictState;
  /** 2.3(1): not retracted, and the current verdict is not `false`. */
  readonly counts: boolean;
  /** First day of `occurredAt`. */
  readonly start: string;
  /** Earliest source publication, canonical UTC instant ('~' when unknown). */
  readonly earliestPublishedAt: string;
  /** The order of 2.3(2) as one string: start, precision, publishedAt, position. */
  readonly orderKey: string;
  readonly comparableAmount: ComparableMoney | null;
  readonly partyKey: string | null;
}

const NO_INSTANT = '~'.repeat(30);
/**
 * `parse` memoised by its input, up to `max` entries (then forgotten all at
 * once): folds meet the same dates, instants and parties again and again, and
 * parsing one costs far more than looking it up. Deterministic: the domain
 * stays pure.
 */
function memoised<T>(parse: (value: string) => T, max: number): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    if (cache.has(value)) return cache.get(value) as T;
    const parsed = parse(value);
    if (cache.size >= max) cache.clear();
    cache.set(value, parsed);
    return parsed;
  };
}

/** Parses a stored partial date. */
export const storedPartialDate = memoised((value) => PartialDate.parse(value, 'occurredAt'), 50_000);

/** {@link canonicalInstant} of a stored value (recording times, publication dates). */
const storedInstant = memoised(canonicalInstant, 100_000);

/** The key parties are grouped by (valuations, funding): as outlets are. */
export const partyKey = memoised(outletKey, 50_000);

function verdictStateOf(retraction: RetractionRecord | null, verdict: VerdictRecord | null, revision: number): ClaimVerdictState {
  if (retraction !== null) return 'retracted';
  if (verdict !== null && verdict.claimRevision === revision) return verdict.verdict;
  return 'unreviewed';
}

/**
 * A record while events are applied to it. Replays mutate one draft per
 * claim and seal it once (derived fields computed in place), so a fold
 * allocates about one object per claim, not one per event. Every draft is
 * created with all fields in the same order: one hidden class, fast loads.
 */
type Draft = { -readonly [K in keyof ClaimRecord]: ClaimRecord[K] };

/** What a claim says and who recorded it: its recording's data, or a stored record (null fields possibly missing). */
type ClaimFields = Pick<ClaimFacts, 'statement' | 'occurredAt' | 'amount' | 'party' | 'agreementLevel' | 'regulatoryOutcome' | 'contradicts' | 'sources' | 'recordedBy'>;

/** Where and when a claim was recorded. */
interface RecordedAt {
  readonly recordedAt: string;
  readonly position: number;
  readonly version: number;
}

/** How far a claim has been revised and reviewed. */
interface ReviewState {
  readonly revision: number;
  readonly correctedBy: readonly string[];
  readonly latestVerdict: VerdictRecord | null;
  readonly retraction: RetractionRecord | null;
}

const FIRST_REVISION: ReviewState = { revision: 1, correctedBy: [], latestVerdict: null, retraction: null };

/**
 * A draft from a claim's fields, the fields the others give computed here
 * (earliest publication, scaled amount, party key) and those `seal` computes
 * left for it.
 */
function draftFrom(identity: Pick<ClaimFacts, 'claimId' | 'dealId' | 'kind'>, fields: ClaimFields, at: RecordedAt, review: ReviewState): Draft {
  const amount = fields.amount ?? null;
  const party = fields.party ?? null;
  return {
    claimId: identity.claimId,
    dealId: identity.dealId,
    kind: identity.kind,
    statement: fields.statement,
    occurredAt: fields.occurredAt,
    amount,
    party,
    agreementLevel: fields.agreementLevel ?? null,
    regulatoryOutcome: fields.regulatoryOutcome ?? null,
    contradicts: fields.contradicts ?? null,
    sources: fields.sources,
    recordedBy: fields.recordedBy,
    recordedAt: at.recordedAt,
    position: at.position,
    version: at.version,
    revision: review.revision,
    correctedBy: review.correctedBy,
    latestVerdict: review.latestVerdict,
    retraction: review.retraction,
    verdict: 'unreviewed',
    counts: true,
    start: '',
    earliestPublishedAt: earliestPublishedAt(fields.sources, storedInstant) ?? NO_INSTANT,
    orderKey: '',
    comparableAmount: amount === null ? null : toComparable(amount),
    partyKey: party === null ? null : partyKey(party),
  };
}

function newDraft(data: ClaimRecorded['data'], event: RecordedAt): Draft {
  return draftFrom(data, data, event, FIRST_REVISION);
}

/** The record's fields that may be null. */
export type NullableClaimField = { [K in keyof ClaimRecord]-?: null extends ClaimRecord[K] ? K : never }[keyof ClaimRecord];

/** The record's fields computed from the others (by `seal`, or from the sources, party and amount). */
export type DerivedClaimField = 'verdict' | 'counts' | 'start' | 'earliestPublishedAt' | 'orderKey' | 'comparableAmount' | 'partyKey';

/**
 * What a claim's events established: its record less the derived fields,
 * null fields possibly missing (they read as null). Plain JSON, so read
 * models keep it as is and {@link claimRecordOf} derives the rest again.
 */
export type ClaimFacts = Omit<ClaimRecord, DerivedClaimField | NullableClaimField> &
  Partial<Pick<ClaimRecord, Exclude<NullableClaimField, DerivedClaimField>>>;

function draftOf(record: ClaimRecord): Draft {
  return {
    claimId: record.claimId,
    dealId: record.dealId,
    kind: record.kind,
    statement: record.statement,
    occurredAt: record.occurredAt,
    amount: record.amount,
    party: record.party,
    agreementLevel: record.agreementLevel,
    regulatoryOutcome: record.regulatoryOutcome,
    contradicts: record.contradicts,
    sources: record.sources,
    recordedBy: record.recordedBy,
    recordedAt: record.recordedAt,
    position: record.position,
    version: record.version,
    revision: record.revision,
    correctedBy: record.correctedBy,
    latestVerdict: record.latestVerdict,
    retraction: record.retraction,
    verdict: record.verdict,
    counts: record.counts,
    start: record.start,
    earliestPublishedAt: record.earliestPublishedAt,
    orderKey: record.orderKey,
    comparableAmount: record.comparableAmount,
    partyKey: record.partyKey,
  };
}

/** Applies one more event about this claim (not `ClaimRecorded`, not `DealOpened`). */
function applyToDraft(draft: Draft, event: RecordedDealEvent): void {
  switch (event.type) {
    case 'DealOpened':
    case 'ClaimRecorded':
      return;
    case 'ClaimSourceAdded': {
      draft.sources = [...draft.sources, event.data.source];
      const published = storedInstant(event.data.source.publishedAt);
      if (published !== null && published < draft.earliestPublishedAt) draft.earliestPublishedAt = published;
      return;
    }
    case 'ClaimCorrected': {
      const changes = event.data.changes;
      if (changes.kind !== undefined) draft.kind = changes.kind;
      if (changes.statement !== undefined) draft.statement = changes.statement;
      if (changes.occurredAt !== undefined) draft.occurredAt = changes.occurredAt;
      if (changes.amount !== undefined) {
        draft.amount = changes.amount;
        draft.comparableAmount = changes.amount === null ? null : toComparable(changes.amount);
      }
      if (changes.party !== undefined) {
        draft.party = changes.party;
        draft.partyKey = changes.party === null ? null : partyKey(changes.party);
      }
      if (changes.agreementLevel !== undefined) draft.agreementLevel = changes.agreementLevel;
      if (changes.regulatoryOutcome !== undefined) draft.regulatoryOutcome = changes.regulatoryOutcome;
      if (changes.contradicts !== undefined) draft.contradicts = changes.contradicts;
      draft.revision = event.data.revision;
      if (!draft.correctedBy.includes(event.data.correctedBy)) draft.correctedBy = [...draft.correctedBy, event.data.correctedBy];
      return;
    }
    case 'VerdictGiven':
      draft.latestVerdict = {
        verdict: event.data.verdict,
        rationale: event.data.rationale,
        evidence: event.data.evidence ?? [],
        claimRevision: event.data.claimRevision,
        givenBy: event.data.givenBy,
        recordedAt: event.recordedAt,
        position: event.position,
      };
      return;
    case 'ClaimRetracted':
      draft.retraction = {
        reason: event.data.reason,
        retractedBy: event.data.retractedBy,
        recordedAt: event.recordedAt,
        position: event.position,
      };
      return;
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown deal event: ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Computes the derived fields in place; the draft is then a finished record. */
function seal(draft: Draft): ClaimRecord {
  const verdict = verdictStateOf(draft.retraction, draft.latestVerdict, draft.revision);
  const date = storedPartialDate(draft.occurredAt);
  draft.verdict = verdict;
  draft.counts = verdict !== 'retracted' && verdict !== 'false';
  draft.start = date.start;
  draft.orderKey = `${date.start}${PRECISION_RANK[date.precision]}${draft.earliestPublishedAt}${`${draft.position}`.padStart(16, '0')}`;
  return draft;
}

export function newClaimRecord(data: ClaimRecorded['data'], event: { recordedAt: string; position: number; version: number }): ClaimRecord {
  return seal(newDraft(data, event));
}

/** The record from its facts, its derived fields computed again. */
export function claimRecordOf(facts: ClaimFacts): ClaimRecord {
  const at = { recordedAt: facts.recordedAt, position: facts.position, version: facts.version };
  const review = {
    revision: facts.revision,
    correctedBy: facts.correctedBy ?? [],
    latestVerdict: facts.latestVerdict ?? null,
    retraction: facts.retraction ?? null,
  };
  return seal(draftFrom(facts, facts, at, review));
}

/** The facts of a record: what {@link claimRecordOf} needs to make it again. */
export function claimFactsOf(record: ClaimRecord): ClaimFacts {
  const { verdict: _v, counts: _c, start: _s, earliestPublishedAt: _e, orderKey: _o, comparableAmount: _a, partyKey: _p, ...facts } = record;
  return facts;
}

/** The record after one more event about this claim (a new object; the old one is untouched). */
export function nextClaimRecord(record: ClaimRecord, event: RecordedDealEvent): ClaimRecord {
  const draft = draftOf(record);
  applyToDraft(draft, event);
  return seal(draft);
}

/** The events in position order, sorting a copy only when needed. */
export function byPosition(events: readonly RecordedDealEvent[]): readonly RecordedDealEvent[] {
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as RecordedDealEvent).position < (events[i - 1] as RecordedDealEvent).position) {
      return [...events].sort((a, b) => a.position - b.position);
    }
  }
  return events;
}

/** A bitemporal cut (DESIGN 2.3(3)); both ends optional. */
export interface DealCut {
  /** Valid time: keep claims whose occurredAt starts on or before it (see `validAtCutoff`). */
  readonly validAt?: string;
  /** Recorded time: keep events recorded at or before it. */
  readonly knownAt?: string;
}

export interface ParsedCut {
  readonly validAt: string | null;
  readonly knownAt: string | null;
  /** Last ISO day kept by validAt. */
  readonly validUntil: string | null;
  /** Last canonical instant kept by knownAt. */
  readonly knownUntil: string | null;
}

/**
 * `knownAt` is an ISO timestamp, or a partial date standing for the end of
 * its period (`knownAt=2024-03-01` keeps everything recorded that UTC day),
 * like validAt. Throws {@link InvalidValueError} for anything else.
 */
export function parseCut(cut: DealCut = {}): ParsedCut {
  const validAt = cut.validAt ?? null;
  const knownAt = cut.knownAt ?? null;
  let knownUntil: string | null = null;
  if (knownAt !== null) {
    const date = typeof knownAt === 'string' ? PartialDate.tryParse(knownAt) : null;
    knownUntil = date ? endOfDayInstant(date.end) : typeof knownAt === 'string' ? canonicalInstant(knownAt) : null;
    if (knownUntil === null) throw new InvalidValueError('knownAt', 'must be an ISO 8601 timestamp or a date');
  }
  return { validAt, knownAt, validUntil: validAt === null ? null : validAtCutoff(validAt, 'validAt'), knownUntil };
}

/** The claims whose occurredAt starts on or before the validAt cut. */
export function inValidScope(claims: Iterable<ClaimRecord>, cut: ParsedCut): ClaimRecord[] {
  const until = cut.validUntil;
  const kept: ClaimRecord[] = [];
  for (const claim of claims) {
    if (until === null || claim.start <= until) kept.push(claim);
  }
  return kept;
}

export function recordedInstant(event: RecordedDealEvent): string {
  const instant = storedInstant(event.recordedAt);
  if (instant === null) throw new Error(`Event at position ${event.position} has an invalid recordedAt: ${event.recordedAt}`);
  return instant;
}

export interface ReplayedDeal {
  readonly header: DealHeader | null;
  /** In recording order. */
  readonly claims: Map<string, ClaimRecord>;
  readonly version: number;
  readonly lastRecordedAt: string | null;
  /** Every event about each claim, when asked for. */
  readonly history: Map<string, RecordedDealEvent[]> | null;
}

/**
 * Replays events (any order; sorted by position here) up to the knownAt cut
 * into claim records.
 */
export function replayDeal(events: readonly RecordedDealEvent[], knownUntil: string | null, withHistory = false): ReplayedDeal {
  const drafts = new Map<string, Draft>();
  const history = withHistory ? new Map<string, RecordedDealEvent[]>() : null;
  let header: DealHeader | null = null;
  let version = 0;
  let lastRecordedAt: string | null = null;
  for (const event of byPosition(events)) {
    if (knownUntil !== null && recordedInstant(event) > knownUntil) continue;
    if (event.version > version) version = event.version;
    lastRecordedAt = event.recordedAt;
    if (event.type === 'DealOpened') {
      header = dealHeaderOf(event);
      continue;
    }
    const claimId = event.data.claimId;
    if (event.type === 'ClaimRecorded') {
      drafts.set(claimId, newDraft(event.data, event));
    } else {
      const draft = drafts.get(claimId);
      if (draft === undefined) continue;
      applyToDraft(draft, event);
    }
    if (history !== null) {
      const list = history.get(claimId);
      if (list) list.push(event);
      else history.set(claimId, [event]);
    }
  }
  for (const draft of drafts.values()) seal(draft);
  return { header, claims: drafts, version, lastRecordedAt, history };
}

export function dealHeaderOf(event: DealEvent & { type: 'DealOpened' }): DealHeader {
  const { dealId, title, kind, parties } = event.data;
  return { dealId, title, kind, parties };
}

export function isPartyKind(kind: ClaimKind): boolean {
  return PARTY_KINDS.includes(kind);
}
