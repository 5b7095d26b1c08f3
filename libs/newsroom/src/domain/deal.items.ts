import type { ClaimRecord } from './claim.record';
import { slotKey } from './deal.derivation';
import type {
  ConflictView,
  DealStateView,
  FundingRoundView,
  FundingView,
  OfferView,
  RegulatoryView,
  ValuationView,
} from './deal.views';

/**
 * The deal state split for storage: a head (the scalars) and one item per
 * element of its lists, so that an event rewrites only the items it touched
 * and a long deal's state is never rewritten whole.
 */

export const STATE_LIST_FIELDS = ['offers', 'valuations', 'funding', 'regulatory', 'conflicts'] as const;
export type StateListField = (typeof STATE_LIST_FIELDS)[number];

export type DealStateHead = Omit<DealStateView, StateListField>;

/**
 * One list element. `key` is its slot's item key (a claim id, a party key, a
 * conflict key); `sortKey` orders the items of a field as DESIGN 2.5 lists
 * them, compared by UTF-16 code units.
 */
export interface StateItem {
  readonly field: StateListField;
  readonly key: string;
  readonly sortKey: string;
  readonly item: unknown;
}

/** What an item's place needs of a claim. */
export type RecordOf = (claimId: string) => Pick<ClaimRecord, 'orderKey' | 'partyKey'> | undefined;

/** Below every character of the keys it joins, so joined keys compare field by field. */
const JOIN = '\u0001';

/** Each list field with the start of its slots' keys (the slot key of an empty item key). */
const LIST_SLOT_PREFIXES = STATE_LIST_FIELDS.map((field) => ({ field, prefix: slotKey(field) }));

/**
 * Field and item key of a list slot; null for a scalar slot. Scalars are most
 * of the slots an event touches: they are told apart without a string made.
 */
export function listSlot(slot: string): { field: StateListField; key: string } | null {
  for (const { field, prefix } of LIST_SLOT_PREFIXES) {
    if (slot.startsWith(prefix)) return { field, key: slot.slice(prefix.length) };
  }
  return null;
}

/**
 * Where an item goes in its list: offers and regulatory actions in 2.3 order
 * of their claim, valuations by party, funding rounds by party then 2.3
 * order, conflicts by the 2.3 order of their first claim, then of their
 * second, then by reason (as `deriveDealState` sorts them).
 */
export function itemSortKey(field: StateListField, key: string, item: unknown, recordOf: RecordOf): string {
  const orderKey = (claimId: string): string => {
    const record = recordOf(claimId);
    if (record === undefined) throw new Error(`the ${field} item ${key} names claim ${claimId}, which the state does not hold`);
    return record.orderKey;
  };
  switch (field) {
    case 'offers':
    case 'regulatory':
      return orderKey(key);
    case 'valuations':
      return key;
    case 'funding':
      return `${recordOf(key)?.partyKey ?? ''}${JOIN}${orderKey(key)}`;
    case 'conflicts': {
      const conflict = item as ConflictView;
      return `${orderKey(conflict.claimIds[0])}${JOIN}${orderKey(conflict.claimIds[1])}${JOIN}${conflict.reason}`;
    }
    default: {
      const unexpected: never = field;
      throw new Error(`Unknown list field: ${String(unexpected)}`);
    }
  }
}

/** An item as the reader needs it: no key. */
export type PlacedItem = Omit<StateItem, 'key'>;

function bySortKey(a: PlacedItem, b: PlacedItem): number {
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}

/** The state of DESIGN 2.5 from its head and its items (in any order). */
export function assembleDealState(head: DealStateHead, items: readonly PlacedItem[]): DealStateView {
  const lists: Record<StateListField, PlacedItem[]> = { offers: [], valuations: [], funding: [], regulatory: [], conflicts: [] };
  for (const item of items) lists[item.field].push(item);
  for (const list of Object.values(lists)) list.sort(bySortKey);
  const funding: FundingView[] = [];
  let group: { partyKey: string; view: { party: string; rounds: FundingRoundView[] } } | null = null;
  for (const { sortKey, item } of lists.funding) {
    const partyKey = sortKey.slice(0, sortKey.indexOf(JOIN));
    const round = item as FundingRoundView;
    if (group === null || group.partyKey !== partyKey) {
      group = { partyKey, view: { party: round.party, rounds: [] } };
      funding.push(group.view);
    }
    group.view.rounds.push(round);
  }
  // field by field, in the order of DESIGN 2.5
  return {
    id: head.id,
    title: head.title,
    kind: head.kind,
    parties: head.parties,
    version: head.version,
    status: head.status,
    statusSince: head.statusSince,
    price: head.price,
    offers: lists.offers.map((i) => i.item as OfferView),
    valuations: lists.valuations.map((i) => i.item as ValuationView),
    funding,
    regulatory: lists.regulatory.map((i) => i.item as RegulatoryView),
    conflicts: lists.conflicts.map((i) => i.item as ConflictView),
    claimCounts: head.claimCounts,
    contested: head.contested,
    lastRecordedAt: head.lastRecordedAt,
    asOf: head.asOf,
  };
}

