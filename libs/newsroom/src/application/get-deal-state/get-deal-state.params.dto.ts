import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsPartialDate } from '../../http/validators';

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
