import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEAL_STATUSES } from '@app/newsroom';

export class OutletReportResponse {
  @ApiProperty({ example: 'Bloomberg', description: 'The first-reporting outlet.' })
  outlet!: string;

  @ApiProperty({ example: 2 }) claims!: number;
  @ApiProperty({ example: 1 }) unreviewed!: number;
  @ApiProperty({ example: 1 }) confirmed!: number;
  @ApiProperty({ example: 0 }) disputed!: number;
  @ApiProperty({ example: 0 }) false!: number;
  @ApiProperty({ example: 0 }) unverifiable!: number;
  @ApiProperty({ example: 0 }) retracted!: number;

  @ApiProperty({ type: Number, nullable: true, example: 1, description: 'Confirmed among the claims with a verdict; null before any verdict.' })
  shareConfirmed!: number | null;
}

export class OutletPageResponse {
  @ApiProperty({ type: [OutletReportResponse] })
  items!: OutletReportResponse[];

  @ApiProperty({ type: String, nullable: true, example: null })
  nextCursor!: string | null;
}

export class StatusCountsResponse {
  @ApiProperty({ type: String, nullable: true, example: '2012-05' })
  validAt!: string | null;

  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(DEAL_STATUSES.map((status) => [status, { type: 'integer' }])),
    required: [...DEAL_STATUSES],
    example: { unknown: 0, rumored: 0, in_talks: 1, offer_made: 0, agreed: 1, announced: 1, completed: 0, talks_ended: 0, abandoned: 0 },
    description: 'How many deals stand in each status at validAt.',
  })
  statuses!: Record<string, number>;
}

export class OrganizationResponse {
  @ApiProperty({ enum: ['Organization'] })
  '@type'!: string;

  @ApiProperty({ example: 'Bloomberg' })
  name!: string;
}

export class RatingResponse {
  @ApiProperty({ enum: ['Rating'] })
  '@type'!: string;

  @ApiPropertyOptional({ example: 5, description: 'Absent for unverifiable.' })
  ratingValue?: number;

  @ApiProperty({ example: 5 })
  bestRating!: number;

  @ApiProperty({ example: 1 })
  worstRating!: number;

  @ApiProperty({ enum: ['Confirmed', 'Disputed', 'False', 'Unverifiable'], example: 'Confirmed' })
  alternateName!: string;
}

export class AppearanceResponse {
  @ApiProperty({ enum: ['CreativeWork'] })
  '@type'!: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  headline?: string;

  @ApiProperty({ example: '2021' })
  datePublished!: string;

  @ApiProperty({ type: OrganizationResponse })
  publisher!: OrganizationResponse;
}

export class ReviewedClaimResponse {
  @ApiProperty({ enum: ['Claim'] })
  '@type'!: string;

  @ApiProperty({ example: '2021', description: 'When the first source published it.' })
  datePublished!: string;

  @ApiProperty({ type: OrganizationResponse, description: 'The outlet that first reported the claim.' })
  author!: OrganizationResponse;

  @ApiProperty({ type: [AppearanceResponse] })
  appearance!: AppearanceResponse[];
}

/** schema.org ClaimReview (JSON-LD), with the properties Google's fact-check markup reads. */
export class ClaimReviewResponse {
  @ApiProperty({ enum: ['https://schema.org'] })
  '@context'!: string;

  @ApiProperty({ enum: ['ClaimReview'] })
  '@type'!: string;

  @ApiProperty({ example: 'http://localhost:3000/claims/5e2d7c1a-3b4f-5a6e-8d9c-1f0a2b3c4d5e/claim-review' })
  url!: string;

  @ApiProperty({ format: 'uuid', description: 'The claim id.' })
  identifier!: string;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z', description: 'When the verdict was given.' })
  datePublished!: string;

  @ApiProperty({ example: 'Twitter offered about $4 billion to acquire Clubhouse.' })
  claimReviewed!: string;

  @ApiProperty({ example: 'Relayed by The Verge from Bloomberg; not confirmed by either company.' })
  reviewBody!: string;

  @ApiProperty({ type: OrganizationResponse })
  author!: OrganizationResponse;

  @ApiProperty({ type: RatingResponse })
  reviewRating!: RatingResponse;

  @ApiProperty({ type: ReviewedClaimResponse })
  itemReviewed!: ReviewedClaimResponse;
}
