import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { CLAIM_VERDICT_STATES, type ClaimVerdictState } from '../../domain/deal.events';
import { PageParams } from '@app/platform';

export class ListClaimsParams extends PageParams {
  @ApiPropertyOptional({ enum: [...CLAIM_VERDICT_STATES], example: 'unreviewed' })
  @IsOptional()
  @IsIn(CLAIM_VERDICT_STATES)
  verdict?: ClaimVerdictState;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  dealId?: string;

  @ApiPropertyOptional({ example: 'Bloomberg', description: 'First-reporting outlet (case-insensitive).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  outlet?: string;
}
