import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { NULL_SCHEMA } from '@app/platform';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  CLAIM_VERDICT_STATES,
  DEAL_EVENT_TYPES,
  DEAL_KINDS,
  DEAL_STATUSES,
  PARTY_ROLES,
  REGULATORY_OUTCOMES,
  VERDICTS,
} from '../domain/deal.events';
import { CHANGE_FIELDS, CONFLICT_REASONS } from '../domain/deal.views';
import { MONEY_QUALIFIERS } from '../domain/money';

/**
 * The read shapes of DESIGN 2.5 as OpenAPI schemas. The handlers return the
 * domain's views; these classes only describe them, with examples taken from
 * the seed stories (Twitter and Clubhouse, Facebook and Instagram).
 */

const DEAL_ID = '0b6f4a52-6c1e-5d7a-9b3e-2f4c8d1a7e60';
const CLAIM_ID = '5e2d7c1a-3b4f-5a6e-8d9c-1f0a2b3c4d5e';
const OTHER_CLAIM_ID = '7a1b2c3d-4e5f-5061-8273-8495a6b7c8d9';
const KEY_ID = '3c9e1f7a-2b4d-4e6f-8a1c-5d7e9f0b2a4c';
/** Every key id shown has its key's name beside it. */
export const KEY_NAME =
  'The name of that API key, looked up when read (a revoked key keeps its name); "unknown key" for a UUID no key has, the id itself for one that is not a UUID.';
const ANY_VALUE = {
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }, { ...NULL_SCHEMA, enum: [null] }],
} as ApiPropertyOptions;

export class DealWrittenResponse {
  @ApiProperty({ format: 'uuid', example: DEAL_ID })
  id!: string;

  @ApiProperty({ example: 1, description: 'The deal’s version: the number of its events.' })
  version!: number;
}

export class ClaimWrittenResponse {
  @ApiProperty({ format: 'uuid', example: CLAIM_ID })
  claimId!: string;

  @ApiProperty({ format: 'uuid', example: DEAL_ID })
  dealId!: string;

  @ApiProperty({ example: 2, description: 'The deal’s new version.' })
  version!: number;
}

export class MoneyResponse {
  @ApiProperty({ example: '4000000000', description: 'A decimal string, never a number.' })
  value!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ enum: [...MONEY_QUALIFIERS], example: 'exact' })
  qualifier!: string;
}

export class PartyResponse {
  @ApiProperty({ example: 'Clubhouse' })
  name!: string;

  @ApiProperty({ enum: [...PARTY_ROLES], example: 'target' })
  role!: string;
}

export class RelayResponse {
  @ApiProperty({ example: 'The Verge' })
  outlet!: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  publishedAt?: string;
}

export class SourceResponse {
  @ApiProperty({ example: 'Bloomberg', description: 'The outlet that first reported it.' })
  outlet!: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  title?: string;

  @ApiProperty({ example: '2021', description: 'A full date or timestamp; the demo data gives what the seed article gives.' })
  publishedAt!: string;

  @ApiPropertyOptional()
  author?: string;

  @ApiPropertyOptional({ example: 'Twitter aurait proposé à ses fondateurs la somme rondelette de 4 milliards de dollars' })
  quote?: string;

  @ApiPropertyOptional({ example: 'fr' })
  language?: string;

  @ApiPropertyOptional({ type: [RelayResponse], description: 'The outlets that relayed it to us, nearest first.' })
  via?: RelayResponse[];
}

export class PriceResponse extends MoneyResponse {
  @ApiProperty({ format: 'uuid', example: CLAIM_ID })
  claimId!: string;

  @ApiProperty({ enum: [...CLAIM_KINDS], example: 'deal_completed' })
  kind!: string;

  @ApiProperty({ example: '2012-09' })
  occurredAt!: string;
}

export class OfferResponse extends MoneyResponse {
  @ApiProperty({ format: 'uuid', example: CLAIM_ID })
  claimId!: string;

  @ApiProperty({ enum: [...CLAIM_KINDS], example: 'offer_made' })
  kind!: string;

  @ApiProperty({ example: '2021' })
  occurredAt!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Twitter' })
  party!: string | null;

  @ApiProperty({ description: 'The claim’s verdict is disputed.' })
  contested!: boolean;
}

export class ValuationResponse extends MoneyResponse {
  @ApiProperty({ example: 'Clubhouse' })
  party!: string;

  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ example: '2021' })
  occurredAt!: string;

  @ApiProperty()
  contested!: boolean;
}

export class FundingRoundResponse {
  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ example: 'Sphere' })
  party!: string;

  @ApiProperty({ example: '2021' })
  occurredAt!: string;

  @ApiProperty({ type: MoneyResponse, nullable: true, description: 'null: an undisclosed amount.' })
  amount!: MoneyResponse | null;

  @ApiProperty()
  contested!: boolean;
}

export class FundingResponse {
  @ApiProperty({ example: 'Sphere' })
  party!: string;

  @ApiProperty({ type: [FundingRoundResponse] })
  rounds!: FundingRoundResponse[];
}

export class RegulatoryResponse {
  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ enum: [...REGULATORY_OUTCOMES] })
  outcome!: string;

  @ApiProperty({ example: '2012' })
  occurredAt!: string;

  @ApiProperty({ type: String, nullable: true })
  party!: string | null;

  @ApiProperty()
  statement!: string;

  @ApiProperty()
  contested!: boolean;
}

export class ConflictResponse {
  @ApiProperty({ type: [String], example: [CLAIM_ID, OTHER_CLAIM_ID], minItems: 2, maxItems: 2 })
  claimIds!: string[];

  @ApiProperty({ enum: [...CONFLICT_REASONS], example: 'amount_mismatch' })
  reason!: string;
}

export class ClaimCountsResponse {
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 1 }) unreviewed!: number;
  @ApiProperty({ example: 1 }) confirmed!: number;
  @ApiProperty({ example: 1 }) disputed!: number;
  @ApiProperty({ example: 0 }) false!: number;
  @ApiProperty({ example: 0 }) unverifiable!: number;
  @ApiProperty({ example: 0 }) retracted!: number;
}

export class ContestedResponse {
  @ApiProperty({ description: 'Every claim supporting the status is disputed.' })
  status!: boolean;

  @ApiProperty({ description: 'Every claim supporting the price is disputed.' })
  price!: boolean;
}

export class AsOfResponse {
  @ApiProperty({ type: String, nullable: true, example: null })
  validAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  knownAt!: string | null;
}

/** A deal's state (DESIGN 2.5). */
export class DealStateResponse {
  @ApiProperty({ format: 'uuid', example: DEAL_ID })
  id!: string;

  @ApiProperty({ example: 'Twitter / Clubhouse' })
  title!: string;

  @ApiProperty({ enum: [...DEAL_KINDS], example: 'acquisition' })
  kind!: string;

  @ApiProperty({ type: [PartyResponse], example: [{ name: 'Twitter', role: 'bidder' }, { name: 'Clubhouse', role: 'target' }] })
  parties!: PartyResponse[];

  @ApiProperty({ example: 4 })
  version!: number;

  @ApiProperty({ enum: [...DEAL_STATUSES], example: 'talks_ended' })
  status!: string;

  @ApiProperty({ type: String, nullable: true, example: '2021' })
  statusSince!: string | null;

  @ApiProperty({ type: PriceResponse, nullable: true })
  price!: PriceResponse | null;

  @ApiProperty({ type: [OfferResponse] })
  offers!: OfferResponse[];

  @ApiProperty({ type: [ValuationResponse] })
  valuations!: ValuationResponse[];

  @ApiProperty({ type: [FundingResponse] })
  funding!: FundingResponse[];

  @ApiProperty({ type: [RegulatoryResponse] })
  regulatory!: RegulatoryResponse[];

  @ApiProperty({ type: [ConflictResponse] })
  conflicts!: ConflictResponse[];

  @ApiProperty({ type: ClaimCountsResponse })
  claimCounts!: ClaimCountsResponse;

  @ApiProperty({ type: ContestedResponse })
  contested!: ContestedResponse;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-02T04:11:32.693Z' })
  lastRecordedAt!: string | null;

  @ApiProperty({ type: AsOfResponse })
  asOf!: AsOfResponse;
}

export class DealPageResponse {
  @ApiProperty({ type: [DealStateResponse] })
  items!: DealStateResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last one.' })
  nextCursor!: string | null;
}

export class StateChangeResponse {
  @ApiProperty({ enum: [...CHANGE_FIELDS], example: 'status' })
  field!: string;

  @ApiProperty({ ...ANY_VALUE, example: 'in_talks' })
  from!: unknown;

  @ApiProperty({ ...ANY_VALUE, example: 'talks_ended' })
  to!: unknown;
}

export class TimelineEntryResponse {
  @ApiProperty({ enum: [...DEAL_EVENT_TYPES], example: 'ClaimRecorded' })
  eventType!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null for DealOpened.' })
  claimId!: string | null;

  @ApiProperty({ enum: [...CLAIM_KINDS], nullable: true, example: 'talks_ended' })
  kind!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2021' })
  occurredAt!: string | null;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z' })
  recordedAt!: string;

  @ApiProperty({ example: 12 })
  position!: number;

  @ApiProperty({ example: 3 })
  version!: number;

  @ApiProperty({ format: 'uuid', example: KEY_ID, description: 'The id of the API key that wrote the event.' })
  actorId!: string;

  @ApiProperty({ example: 'demo editor', description: KEY_NAME })
  actorName!: string;

  @ApiProperty({ type: [SourceResponse] })
  sources!: SourceResponse[];

  @ApiProperty({ enum: [...CLAIM_VERDICT_STATES], nullable: true, example: 'unreviewed' })
  verdict!: string | null;

  @ApiProperty({ type: [StateChangeResponse] })
  changes!: StateChangeResponse[];
}

export class TimelineResponse {
  @ApiProperty({ type: [TimelineEntryResponse] })
  entries!: TimelineEntryResponse[];
}

export class VerdictResponse {
  @ApiProperty({ enum: [...VERDICTS], example: 'confirmed' })
  verdict!: string;

  @ApiProperty({ example: 'Two outlets relay the same Bloomberg report.' })
  rationale!: string;

  @ApiProperty({ type: [SourceResponse] })
  evidence!: SourceResponse[];

  @ApiProperty({ example: 1, description: 'The claim revision judged; older than the claim’s revision: a correction outdated it.' })
  claimRevision!: number;

  @ApiProperty({ format: 'uuid', example: KEY_ID })
  givenBy!: string;

  @ApiProperty({ example: 'demo fact_checker', description: KEY_NAME })
  givenByName!: string;

  @ApiProperty()
  recordedAt!: string;

  @ApiProperty()
  position!: number;
}

export class RetractionResponse {
  @ApiProperty({ example: 'not what the source says' })
  reason!: string;

  @ApiProperty({ format: 'uuid' })
  retractedBy!: string;

  @ApiProperty({ example: 'demo editor', description: KEY_NAME })
  retractedByName!: string;

  @ApiProperty()
  recordedAt!: string;
}

export class ClaimEventResponse {
  @ApiProperty({ enum: [...DEAL_EVENT_TYPES], example: 'VerdictGiven' })
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as stored.' })
  data!: Record<string, unknown>;

  @ApiProperty({ format: 'uuid', example: KEY_ID, description: 'The id of the API key that wrote the event (its recordedBy, givenBy … in data).' })
  actorId!: string;

  @ApiProperty({ example: 'demo fact_checker', description: KEY_NAME })
  actorName!: string;

  @ApiProperty()
  position!: number;

  @ApiProperty()
  version!: number;

  @ApiProperty()
  recordedAt!: string;
}

/** A claim as listed: its facts, sources and standing, without its event history. */
export class ClaimSummaryResponse {
  @ApiProperty({ format: 'uuid', example: CLAIM_ID })
  claimId!: string;

  @ApiProperty({ format: 'uuid', example: DEAL_ID })
  dealId!: string;

  @ApiProperty({ enum: [...CLAIM_KINDS], example: 'offer_made' })
  kind!: string;

  @ApiProperty({ example: 'Twitter offered about $4 billion to acquire Clubhouse.' })
  statement!: string;

  @ApiProperty({ example: '2021' })
  occurredAt!: string;

  @ApiProperty({ type: MoneyResponse, nullable: true })
  amount!: MoneyResponse | null;

  @ApiProperty({ type: String, nullable: true, example: 'Twitter' })
  party!: string | null;

  @ApiProperty({ enum: [...AGREEMENT_LEVELS], nullable: true, example: null })
  agreementLevel!: string | null;

  @ApiProperty({ enum: [...REGULATORY_OUTCOMES], nullable: true, example: null })
  regulatoryOutcome!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  contradicts!: string | null;

  @ApiProperty({ example: 1, description: 'Each correction makes a new revision.' })
  revision!: number;

  @ApiProperty({ enum: [...CLAIM_VERDICT_STATES], example: 'unreviewed', description: 'The current standing (DESIGN 2.1).' })
  verdict!: string;

  @ApiProperty({ type: VerdictResponse, nullable: true, description: 'The latest verdict, even one a later correction outdated.' })
  latestVerdict!: VerdictResponse | null;

  @ApiProperty({ type: RetractionResponse, nullable: true })
  retraction!: RetractionResponse | null;

  @ApiProperty({ description: 'Whether the claim counts in the deal state (DESIGN 2.3 rule 1).' })
  counts!: boolean;

  @ApiProperty({ type: [SourceResponse] })
  sources!: SourceResponse[];

  @ApiProperty({ example: 1, description: 'Distinct first-reporting outlets: relays of one story count once.' })
  independentSources!: number;

  @ApiProperty({ format: 'uuid', example: KEY_ID })
  recordedBy!: string;

  @ApiProperty({ example: 'demo editor', description: KEY_NAME })
  recordedByName!: string;

  @ApiProperty()
  recordedAt!: string;

  @ApiProperty()
  position!: number;
}

/** A claim with every event about it. */
export class ClaimResponse extends ClaimSummaryResponse {
  @ApiProperty({ type: [ClaimEventResponse] })
  history!: ClaimEventResponse[];
}

export class ClaimPageResponse {
  @ApiProperty({ type: [ClaimSummaryResponse] })
  items!: ClaimSummaryResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
