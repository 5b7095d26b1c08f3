import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { CLAIM_VERDICT_STATES, DEAL_KINDS, DEAL_STATUSES, type ClaimVerdictState, type DealKind, type DealStatus } from '../domain/deal.events';
import { IsPartialDate } from './validators';

/** `limit` and `cursor` of a list that answers `{ items, nextCursor }`. */
export class PageParams {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export class ListDealsParams extends PageParams {
  @ApiPropertyOptional({ enum: DEAL_STATUSES })
  @IsOptional()
  @IsIn(DEAL_STATUSES)
  status?: DealStatus;

  @ApiPropertyOptional({ example: 'Twitter', description: 'A party name (case-insensitive).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: DEAL_KINDS })
  @IsOptional()
  @IsIn(DEAL_KINDS)
  kind?: DealKind;

  @ApiPropertyOptional({ example: 'Instagram', description: 'Text in the title.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class ListClaimsParams extends PageParams {
  @ApiPropertyOptional({ enum: CLAIM_VERDICT_STATES, example: 'unreviewed' })
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

/** `validAt` alone: what `GET /reports/statuses` takes (it counts the current projection, so no `knownAt`). */
export class ValidAtParams {
  @ApiPropertyOptional({ example: '2012-05-01', description: 'Valid time: claims that started on or before it.' })
  @IsOptional()
  @IsPartialDate()
  validAt?: string;
}

export class DealStateParams extends ValidAtParams {
  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'Recorded time: only what the newsroom had recorded then (a timestamp, or a date meaning its end).',
  })
  @IsOptional()
  @IsString()
  @Length(4, 40)
  knownAt?: string;
}

export class TimelineParams {
  @ApiPropertyOptional({ enum: ['valid', 'recorded'], default: 'valid' })
  @IsOptional()
  @IsIn(['valid', 'recorded'])
  axis: 'valid' | 'recorded' = 'valid';
}
