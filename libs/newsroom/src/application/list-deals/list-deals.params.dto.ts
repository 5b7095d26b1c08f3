import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { DEAL_KINDS, DEAL_STATUSES, type DealKind, type DealStatus } from '../../domain/deal.events';
import { PageParams } from '@app/platform';

export class ListDealsParams extends PageParams {
  @ApiPropertyOptional({ enum: [...DEAL_STATUSES] })
  @IsOptional()
  @IsIn(DEAL_STATUSES)
  status?: DealStatus;

  @ApiPropertyOptional({ example: 'Twitter', description: 'A party name (case-insensitive).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: [...DEAL_KINDS] })
  @IsOptional()
  @IsIn(DEAL_KINDS)
  kind?: DealKind;

  @ApiPropertyOptional({ example: 'Instagram', description: 'Text in the title.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}
