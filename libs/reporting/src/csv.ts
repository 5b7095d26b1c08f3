import type { DealStateView } from '@app/newsroom';

export const DEAL_CSV_COLUMNS = [
  'id',
  'title',
  'kind',
  'parties',
  'status',
  'statusSince',
  'priceValue',
  'priceCurrency',
  'priceQualifier',
  'offers',
  'conflicts',
  'claims',
  'unreviewed',
  'confirmed',
  'disputed',
  'false',
  'unverifiable',
  'retracted',
  'contestedStatus',
  'contestedPrice',
  'version',
  'lastRecordedAt',
] as const;

/** RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function dealCsvRow(deal: DealStateView): string {
  const c = deal.claimCounts;
  return [
    deal.id,
    deal.title,
    deal.kind,
    deal.parties.map((p) => `${p.name} (${p.role})`).join('; '),
    deal.status,
    deal.statusSince,
    deal.price?.value,
    deal.price?.currency,
    deal.price?.qualifier,
    deal.offers.length,
    deal.conflicts.length,
    c.total,
    c.unreviewed,
    c.confirmed,
    c.disputed,
    c.false,
    c.unverifiable,
    c.retracted,
    deal.contested.status,
    deal.contested.price,
    deal.version,
    deal.lastRecordedAt,
  ]
    .map(csvField)
    .join(',');
}
