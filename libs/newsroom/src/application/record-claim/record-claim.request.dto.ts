import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { AGREEMENT_LEVELS, CLAIM_KINDS, REGULATORY_OUTCOMES, type AgreementLevel, type ClaimKind, type RegulatoryOutcome } from '../../domain/deal.events';
import { MoneyRequest } from '../../http/money.request.dto';
import { SourceRequest } from '../../http/source.request.dto';
import { IsPartialDate } from '../../http/validators';

export class RecordClaimRequest {
  @ApiProperty({ enum: [...CLAIM_KINDS], example: 'offer_made' })
  @IsIn(CLAIM_KINDS)
  kind!: ClaimKind;

  @ApiProperty({ example: 'According to Bloomberg, Twitter offered Clubhouse’s founders $4 billion to acquire the app.' })
  @IsString()
  @Length(1, 5000)
  statement!: string;

  @ApiProperty({ example: '2021', description: 'When it happened: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or YYYY-MM-DD.' })
  @IsPartialDate()
  occurredAt!: string;

  @ApiPropertyOptional({ type: MoneyRequest, example: { value: '4000000000', currency: 'USD', qualifier: 'exact' } })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyRequest)
  amount?: MoneyRequest;

  @ApiPropertyOptional({ example: 'Clubhouse', description: 'The party a valuation or funding claim is about.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: [...AGREEMENT_LEVELS], description: 'For agreement_reached.' })
  @IsOptional()
  @IsIn(AGREEMENT_LEVELS)
  agreementLevel?: AgreementLevel;

  @ApiPropertyOptional({ enum: [...REGULATORY_OUTCOMES], description: 'For regulatory_action.' })
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
