import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DealReadModel,
  STATUS_SET_BY_KIND,
  validAtCutoff,
  type ClaimView,
  type DealStateView,
  type DealStatus,
} from '@app/newsroom';
import { ProblemError } from '@app/platform';

export interface OutletReport {
  outlet: string;
  claims: number;
  unreviewed: number;
  confirmed: number;
  disputed: number;
  false: number;
  unverifiable: number;
  retracted: number;
  /** Confirmed among the claims with a verdict (not retracted); null before any verdict. */
  shareConfirmed: number | null;
}

const STATUS_KINDS = Object.entries(STATUS_SET_BY_KIND).filter(([, status]) => status !== null);

const RATINGS = {
  confirmed: { ratingValue: 5, alternateName: 'Confirmed' },
  disputed: { ratingValue: 3, alternateName: 'Disputed' },
  false: { ratingValue: 1, alternateName: 'False' },
  unverifiable: { alternateName: 'Unverifiable' },
} as const;

/** Reports for dashboards and exports, read from the deal read models. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: DealReadModel,
  ) {}

  /** Per first-reporting outlet: its claims and how they fared. */
  async outlets(): Promise<OutletReport[]> {
    const rows: Record<string, string>[] = await this.dataSource.query(`
      select mode() within group (order by src.outlet) as outlet,
             count(distinct c.claim_id) as claims,
             count(distinct c.claim_id) filter (where c.verdict = 'unreviewed') as unreviewed,
             count(distinct c.claim_id) filter (where c.verdict = 'confirmed') as confirmed,
             count(distinct c.claim_id) filter (where c.verdict = 'disputed') as disputed,
             count(distinct c.claim_id) filter (where c.verdict = 'false') as "false",
             count(distinct c.claim_id) filter (where c.verdict = 'unverifiable') as unverifiable,
             count(distinct c.claim_id) filter (where c.verdict = 'retracted') as retracted
        from deal_claims c
        cross join lateral (
          select distinct s->>'outlet' as outlet,
                 regexp_replace(lower(normalize(s->>'outlet', NFKC)), '\\s+', '', 'g') as key
            from json_array_elements(c.record::json->'sources') s
        ) src
       group by src.key
       order by claims desc, outlet`);
    return rows.map((r) => {
      const n = (field: string) => Number(r[field]);
      const reviewed = n('confirmed') + n('disputed') + n('false') + n('unverifiable');
      return {
        outlet: r.outlet,
        claims: n('claims'),
        unreviewed: n('unreviewed'),
        confirmed: n('confirmed'),
        disputed: n('disputed'),
        false: n('false'),
        unverifiable: n('unverifiable'),
        retracted: n('retracted'),
        shareConfirmed: reviewed === 0 ? null : Math.round((n('confirmed') / reviewed) * 1000) / 1000,
      };
    });
  }

  /** Every deal's current state, page by page, oldest deal first. */
  async *deals(pageSize = 500): AsyncGenerator<DealStateView> {
    let cursor: string | undefined;
    do {
      const page = await this.reads.deals({ limit: pageSize, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * How many deals stand in each status at a valid time, as the newsroom knows
   * them now (every status is listed, zeros included).
   */
  async statuses(validAt?: string): Promise<Record<DealStatus, number>> {
    const until = validAt === undefined ? null : validAtCutoff(validAt, 'validAt');
    const rows: { kind: string; deals: string }[] = await this.dataSource.query(
      `select kind, count(*) as deals from (
         select distinct on (deal_id) deal_id, kind
           from deal_claims
          where relevant and kind = any($1) and ($2::text is null or start <= $2)
          order by deal_id, order_key desc
       ) last group by kind`,
      [STATUS_KINDS.map(([kind]) => kind), until],
    );
    const [{ total }]: { total: string }[] = await this.dataSource.query('select count(*) as total from deal_states');
    const counts = Object.fromEntries(
      ['unknown', 'rumored', 'in_talks', 'offer_made', 'agreed', 'announced', 'completed', 'talks_ended', 'abandoned'].map((s) => [s, 0]),
    ) as Record<DealStatus, number>;
    let known = 0;
    for (const row of rows) {
      const status = STATUS_SET_BY_KIND[row.kind as keyof typeof STATUS_SET_BY_KIND];
      if (status) {
        counts[status] += Number(row.deals);
        known += Number(row.deals);
      }
    }
    counts.unknown = Number(total) - known;
    return counts;
  }

  /** schema.org ClaimReview (JSON-LD) of the claim's latest verdict. */
  async claimReview(claimId: string): Promise<Record<string, unknown>> {
    const claim: ClaimView = await this.reads.claim(claimId);
    const verdict = claim.latestVerdict;
    if (!verdict) {
      throw new ProblemError(404, 'no-verdict', 'Not Found', `claim ${claimId} has no verdict yet`);
    }
    const firstSource = claim.sources[0];
    return {
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      identifier: claim.claimId,
      datePublished: verdict.recordedAt,
      claimReviewed: claim.statement,
      reviewBody: verdict.rationale,
      author: { '@type': 'Organization', name: 'Newsroom fact-check desk', identifier: verdict.givenBy },
      reviewRating: { '@type': 'Rating', bestRating: 5, worstRating: 1, ...RATINGS[verdict.verdict] },
      itemReviewed: {
        '@type': 'Claim',
        datePublished: firstSource?.publishedAt,
        author: firstSource ? { '@type': 'Organization', name: firstSource.outlet } : undefined,
        appearance: claim.sources.map((s) => ({
          '@type': 'CreativeWork',
          ...(s.url ? { url: s.url } : {}),
          ...(s.title ? { headline: s.title } : {}),
          datePublished: s.publishedAt,
          publisher: { '@type': 'Organization', name: s.outlet },
        })),
      },
      // this newsroom's own fields: the review may predate a correction or a retraction
      stale: verdict.claimRevision !== claim.revision,
      retracted: claim.retraction !== null,
    };
  }
}
