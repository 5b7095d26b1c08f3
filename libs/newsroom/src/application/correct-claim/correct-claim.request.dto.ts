import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, Length, ValidateIf, ValidateNested } from 'class-validator';
import { AGREEMENT_LEVELS, CLAIM_KINDS, REGULATORY_OUTCOMES, type AgreementLevel, type ClaimKind, type RegulatoryOutcome } from '../../domain/deal.events';
import { MoneyRequest } from '../../http/money.request.dto';
import { HasSomeField, IsPartialDate } from '../../http/validators';

export class ClaimChangesRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  statement?: string;

  @ApiPropertyOptional({ example: '2012-Q2' })
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

  @ApiPropertyOptional({ enum: [...CLAIM_KINDS] })
  @IsOptional()
  @IsIn(CLAIM_KINDS)
  kind?: ClaimKind;

  @ApiPropertyOptional({ enum: [...AGREEMENT_LEVELS], nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsIn(AGREEMENT_LEVELS)
  agreementLevel?: AgreementLevel | null;

  @ApiPropertyOptional({ enum: [...REGULATORY_OUTCOMES], nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsIn(REGULATORY_OUTCOMES)
  regulatoryOutcome?: RegulatoryOutcome | null;
}

export class CorrectClaimRequest {
  @ApiProperty({ type: ClaimChangesRequest, example: { occurredAt: '2012-Q2' } })
  @IsDefined()
  @IsObject()
  @HasSomeField()
  @ValidateNested()
  @Type(() => ClaimChangesRequest)
  changes!: ClaimChangesRequest;

  @ApiProperty({ example: 'The article dates it both “the following month” (April) and “courant mai”: the quarter covers both.' })
  @IsString()
  @Length(1, 5000)
  reason!: string;
}
