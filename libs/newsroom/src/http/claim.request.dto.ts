import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type AgreementLevel,
  type ClaimKind,
  type RegulatoryOutcome,
  type Verdict,
} from '../domain/deal.events';
import { MoneyRequest } from './money.request.dto';
import { SourceRequest } from './source.request.dto';
import { HasSomeField, IsPartialDate } from './validators';

export class RecordClaimRequest {
  @ApiProperty({ enum: CLAIM_KINDS, example: 'offer_made' })
  @IsIn(CLAIM_KINDS)
  kind!: ClaimKind;

  @ApiProperty({ example: 'Twitter offered about $4B to buy Clubhouse.' })
  @IsString()
  @Length(1, 5000)
  statement!: string;

  @ApiProperty({ example: '2021-03', description: 'When it happened: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or YYYY-MM-DD.' })
  @IsPartialDate()
  occurredAt!: string;

  @ApiPropertyOptional({ type: MoneyRequest, example: { value: '4000000000', currency: 'USD', qualifier: 'approximate' } })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyRequest)
  amount?: MoneyRequest;

  @ApiPropertyOptional({ example: 'Clubhouse', description: 'The party a valuation or funding claim is about.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: AGREEMENT_LEVELS, description: 'For agreement_reached.' })
  @IsOptional()
  @IsIn(AGREEMENT_LEVELS)
  agreementLevel?: AgreementLevel;

  @ApiPropertyOptional({ enum: REGULATORY_OUTCOMES, description: 'For regulatory_action.' })
  @IsOptional()
  @IsIn(REGULATORY_OUTCOMES)
  regulatoryOutcome?: RegulatoryOutcome;

  @ApiPropertyOptional({ format: 'uuid', description: 'For a denial: the claim of the same deal it contradicts.' })
  @IsOptional()
  @IsUUID()
  contradicts?: string;

  @ApiProperty({ type: [SourceRequest] })
  @IsArray()
  @ArrayMinSize(1, { message: 'sources must list at least one source' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SourceRequest)
  sources!: SourceRequest[];
}

export class AddSourceRequest {
  @ApiProperty({ type: SourceRequest })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceRequest)
  source!: SourceRequest;
}

export class GiveVerdictRequest {
  @ApiProperty({ enum: VERDICTS, example: 'confirmed' })
  @IsIn(VERDICTS)
  verdict!: Verdict;

  @ApiProperty({ example: 'Facebook’s 10-Q filing gives the closing price.' })
  @IsString()
  @Length(1, 5000)
  rationale!: string;

  @ApiPropertyOptional({ type: [SourceRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SourceRequest)
  evidence?: SourceRequest[];
}

export class RetractClaimRequest {
  @ApiProperty({ example: 'Misread the article: the $4B is a valuation, not funds raised.' })
  @IsString()
  @Length(1, 5000)
  reason!: string;
}

export class ClaimChangesRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  statement?: string;

  @ApiPropertyOptional({ example: '2012-04' })
  @IsOptional()
  @IsPartialDate()
  occurredAt?: string;

  @ApiPropertyOptional({ type: MoneyRequest, nullable: true, description: 'null removes the amount.' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @ValidateNested()
  @Type(() => MoneyRequest)
  amount?: MoneyRequest | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @Length(1, 200)
  party?: string | null;

  @ApiPropertyOptional({ enum: CLAIM_KINDS })
  @IsOptional()
  @IsIn(CLAIM_KINDS)
  kind?: ClaimKind;

  @ApiPropertyOptional({ enum: AGREEMENT_LEVELS, nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsIn(AGREEMENT_LEVELS)
  agreementLevel?: AgreementLevel | null;

  @ApiPropertyOptional({ enum: REGULATORY_OUTCOMES, nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsIn(REGULATORY_OUTCOMES)
  regulatoryOutcome?: RegulatoryOutcome | null;
}

export class CorrectClaimRequest {
  @ApiProperty({ type: ClaimChangesRequest, example: { occurredAt: '2012-04' } })
  @IsDefined()
  @IsObject()
  @HasSomeField()
  @ValidateNested()
  @Type(() => ClaimChangesRequest)
  changes!: ClaimChangesRequest;

  @ApiProperty({ example: 'The deal was announced on 9 April 2012, not in May.' })
  @IsString()
  @Length(1, 5000)
  reason!: string;
}
