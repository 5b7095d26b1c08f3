import type { Claim, DealState, TimelineEntry } from './api';
import { partialDateRange } from './partial-date';

/** A stretch of valid time during which the deal stood in one status. */
export interface StatusBand {
  status: string;
  from: number;
  to: number;
  /** The claim that set it, when the band comes from the valid-time timeline. */
  claimId?: string;
}

/** The deal's status from a day on, as the API derived it for one `validAt` (and the replay's `knownAt`). */
export interface StatusStep {
  from: number;
  status: string;
}

/** An amount placed on valid time: a price or an offer, as one claim reported it. */
export interface AmountPoint {
  x: number;
  y: number;
  claimId: string;
  kind: string;
  occurredAt: string;
  label: string;
  verdict: string;
  counts: boolean;
  inConflict: boolean;
}

/** Where an open conflict sits on valid time: at the later of its two claims. */
export interface ConflictMark {
  x: number;
  claimIds: [string, string];
  reason: string;
}

export interface ChartData {
  bands: StatusBand[];
  prices: AmountPoint[];
  offers: AmountPoint[];
  conflicts: ConflictMark[];
  min: number;
  max: number;
  currency: string | null;
}

export const PRICE_KINDS = new Set(['agreement_reached', 'deal_announced', 'terms_revised', 'deal_completed']);
export const OFFER_KINDS = new Set(['offer_made', 'talks_reported']);

export interface ChartOptions {
  /** Only claims recorded at or before this instant are drawn (the "known at" replay). */
  knownAt?: string | null;
  /** Each claim's verdict as it stood at knownAt (see verdictsKnownAt). */
  verdicts?: Map<string, string>;
  /**
   * The status at each day a known claim starts, as the API gave it for
   * knownAt (see statusDays): the replay's bands come from these, since what
   * counted then may differ from what counts now.
   */
  statusSteps?: StatusStep[];
}

/**
 * Shapes what the API answered into what the chart draws. Status bands follow
 * the `status` changes of the valid-time timeline (the API's own fold); price
 * and offer points are the claims that carry an amount; conflicts come from the
 * deal's state. Nothing here decides what counts: the API did.
 */
export function buildChartData(entries: TimelineEntry[], claims: Claim[], state: DealState, options: ChartOptions = {}): ChartData {
  const known = (recordedAt: string) => !options.knownAt || recordedAt <= options.knownAt;
  const claimsById = new Map(claims.map((claim) => [claim.claimId, claim]));
  const conflictIds = new Set(state.conflicts.flatMap((conflict) => conflict.claimIds));
  let min = Infinity;
  let max = -Infinity;
  const widen = (range: { start: number; end: number }) => {
    min = Math.min(min, range.start);
    max = Math.max(max, range.end);
  };

  const bands: StatusBand[] = [];
  for (const entry of entries) {
    if (!entry.claimId || !entry.occurredAt || !known(entry.recordedAt)) continue;
    const range = partialDateRange(entry.occurredAt);
    if (!range) continue;
    widen(range);
    const change = entry.changes.find((c) => c.field === 'status');
    if (options.statusSteps || !change || typeof change.to !== 'string') continue;
    const last = bands.at(-1);
    if (last) last.to = range.start;
    bands.push({ status: change.to, from: range.start, to: range.end, claimId: entry.claimId });
  }

  const prices: AmountPoint[] = [];
  const offers: AmountPoint[] = [];
  const currencies = new Set<string>();
  for (const claim of claims) {
    if (!claim.amount || !known(claim.recordedAt)) continue;
    const target = PRICE_KINDS.has(claim.kind) ? prices : OFFER_KINDS.has(claim.kind) ? offers : null;
    const range = partialDateRange(claim.occurredAt);
    const value = Number(claim.amount.value);
    if (!target || !range || !Number.isFinite(value)) continue;
    widen(range);
    currencies.add(claim.amount.currency);
    const verdict = options.verdicts?.get(claim.claimId) ?? claim.verdict;
    target.push({
      x: range.start,
      y: value,
      claimId: claim.claimId,
      kind: claim.kind,
      occurredAt: claim.occurredAt,
      label: `${formatMoney(claim.amount.value, claim.amount.currency, claim.amount.qualifier)} (${claim.kind.replaceAll('_', ' ')}, ${claim.occurredAt}, ${verdict})`,
      verdict,
      counts: verdict !== 'retracted' && verdict !== 'false',
      inConflict: conflictIds.has(claim.claimId),
    });
  }

  const conflicts: ConflictMark[] = [];
  for (const conflict of state.conflicts) {
    const starts = conflict.claimIds
      .map((id) => claimsById.get(id))
      .filter((claim): claim is Claim => claim !== undefined)
      .map((claim) => partialDateRange(claim.occurredAt)?.start)
      .filter((start): start is number => start !== undefined);
    if (starts.length > 0) conflicts.push({ x: Math.max(...starts), claimIds: conflict.claimIds, reason: conflict.reason });
  }

  // the replay's bands: each status holds from its step until the status changes
  let open = null as StatusBand | null;
  for (const step of [...(options.statusSteps ?? [])].sort((a, b) => a.from - b.from)) {
    if (step.status === (open?.status ?? 'unknown')) continue;
    if (open) open.to = step.from;
    open = step.status === 'unknown' ? null : { status: step.status, from: step.from, to: step.from };
    if (open) bands.push(open);
  }

  if (!Number.isFinite(min)) return { bands, prices, offers, conflicts, min: 0, max: 0, currency: null };
  // the last status holds until the end of the drawn span
  const last = options.statusSteps ? open : bands.at(-1);
  if (last) last.to = Math.max(last.to, max);
  return { bands, prices, offers, conflicts, min, max, currency: currencies.size === 1 ? [...currencies][0] : null };
}

/**
 * The days on which the claims known at the replayed time start (`YYYY-MM-DD`),
 * in order: asking the API for the state at each of them, as a day-precision
 * `validAt`, gives the status in force from that day on.
 */
export function statusDays(claims: Claim[], verdicts: Map<string, string>): string[] {
  const days = new Set<string>();
  for (const claim of claims) {
    const range = verdicts.has(claim.claimId) ? partialDateRange(claim.occurredAt) : null;
    if (range) days.add(new Date(range.start).toISOString().slice(0, 10));
  }
  return [...days].sort();
}

/**
 * Each claim's verdict as the newsroom knew it at `knownAt`, from the
 * recorded-time timeline, where every entry carries the claim's verdict after
 * that event. Claims recorded later are absent.
 */
export function verdictsKnownAt(recorded: TimelineEntry[], knownAt: string | null): Map<string, string> {
  const verdicts = new Map<string, string>();
  for (const entry of recorded) {
    if (knownAt && entry.recordedAt > knownAt) break;
    if (entry.claimId && entry.verdict) verdicts.set(entry.claimId, entry.verdict);
  }
  return verdicts;
}

/** `715000000 USD` as `USD 715,000,000`, with its qualifier in words. */
export function formatMoney(value: string, currency: string, qualifier = 'exact'): string {
  const [whole, fraction] = value.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${currency} ${grouped}${fraction ? `.${fraction}` : ''}`;
  const prefix: Record<string, string> = { approximate: 'about ', at_least: 'at least ', at_most: 'at most ' };
  return `${prefix[qualifier] ?? ''}${text}`;
}
