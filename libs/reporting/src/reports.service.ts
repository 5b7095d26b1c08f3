import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import {
  claimRecordOf,
  DEAL_STATUSES,
  GetClaimQuery,
  ListDealsQuery,
  statusAtValidTime,
  type ClaimFacts,
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
    private readonly queries: QueryBus,
  ) {}

  /** Per first-reporting outlet: its claims and how they fared. */
  async outlets(): Promise<OutletReport[]> {
    // outlet keys and spellings are the ones the claims projection wrote (the domain's outletKey)
    const rows: Record<string, string>[] = await this.dataSource.query(`
      select mode() within group (order by o.name) as outlet,
             count(*) as claims,
             count(*) filter (where c.verdict = 'unreviewed') as unreviewed,
             count(*) filter (where c.verdict = 'confirmed') as confirmed,
             count(*) filter (where c.verdict = 'disputed') as disputed,
             count(*) filter (where c.verdict = 'false') as "false",
             count(*) filter (where c.verdict = 'unverifiable') as unverifiable,
             count(*) filter (where c.verdict = 'retracted') as retracted
        from deal_claims c cross join lateral unnest(c.outlet_keys, c.outlet_names) as o(key, name)
       group by o.key
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
      const page = await this.queries.execute(new ListDealsQuery({ limit: pageSize, cursor }));
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * How many deals stand in each status at a valid time, as the newsroom knows
   * them now (every status is listed, zeros included).
   */
  async statuses(validAt?: string): Promise<Record<DealStatus, number>> {
    const counts = Object.fromEntries(DEAL_STATUSES.map((status) => [status, 0])) as Record<DealStatus, number>;
    if (validAt === undefined) {
      const rows: { status: DealStatus; deals: string }[] = await this.dataSource.query('select status, count(*) as deals from deals group by status');
      for (const row of rows) counts[row.status] = Number(row.deals);
      return counts;
    }
    // each deal's status at that time, from the claims that can set it
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page: { deal_id: string; records: ClaimFacts[] }[] = await this.dataSource.query(
        `select d.deal_id, coalesce((select json_agg(c.record) from deal_claims c where c.deal_id = d.deal_id and c.relevant), '[]') as records
           from deals d where d.deal_id > $1 order by d.deal_id limit 500`,
        [after],
      );
      for (const deal of page) counts[statusAtValidTime(deal.records.map(claimRecordOf), validAt)]++;
      if (page.length < 500) return counts;
      after = (page[page.length - 1] as { deal_id: string }).deal_id;
    }
  }

  /**
   * schema.org ClaimReview (JSON-LD) of the claim's verdict, with only
   * schema.org properties. A verdict that no longer applies is not published:
   * a claim corrected after it, or retracted, answers 404 until judged again.
   * `url` is where the review is read: `{baseUrl}/claims/{id}/claim-review`.
   */
  async claimReview(claimId: string, publisher: { baseUrl: string; name: string }): Promise<Record<string, unknown>> {
    const claim = await this.queries.execute(new GetClaimQuery(claimId));
    const verdict = claim.latestVerdict;
    if (claim.retraction) {
      throw new ProblemError(404, 'claim-retracted', 'Not Found', `claim ${claimId} is retracted: no review of it is published`);
    }
    if (!verdict) {
      throw new ProblemError(404, 'no-verdict', 'Not Found', `claim ${claimId} has no verdict yet`);
    }
    if (verdict.claimRevision !== claim.revision) {
      throw new ProblemError(
        404,
        'verdict-outdated',
        'Not Found',
        `claim ${claimId} was corrected after its verdict: no review is published until it is judged again`,
      );
    }
    const firstSource = claim.sources[0];
    return {
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: `${publisher.baseUrl}/claims/${claim.claimId}/claim-review`,
      identifier: claim.claimId,
      datePublished: verdict.recordedAt,
      claimReviewed: claim.statement,
      reviewBody: verdict.rationale,
      author: { '@type': 'Organization', name: publisher.name },
      reviewRating: { '@type': 'Rating', bestRating: 5, worstRating: 1, ...RATINGS[verdict.verdict] },
      itemReviewed: {
        '@type': 'Claim',
        datePublished: firstSource.publishedAt,
        // who made the claim: the outlet that first reported it
        author: { '@type': 'Organization', name: firstSource.outlet },
        appearance: claim.sources.map((s) => ({
          '@type': 'CreativeWork',
          ...(s.url ? { url: s.url } : {}),
          ...(s.title ? { headline: s.title } : {}),
          datePublished: s.publishedAt,
          publisher: { '@type': 'Organization', name: s.outlet },
        })),
      },
    };
  }
}
