import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class TimelineParams {
  @ApiPropertyOptional({ enum: ['valid', 'recorded'], default: 'valid' })
  @IsOptional()
  @IsIn(['valid', 'recorded'])
  axis: 'valid' | 'recorded' = 'valid';
}
