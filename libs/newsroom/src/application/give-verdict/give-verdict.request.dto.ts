import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { VERDICTS, type Verdict } from '../../domain/deal.events';
import { SourceRequest } from '../../http/source.request.dto';

export class GiveVerdictRequest {
  @ApiProperty({ enum: [...VERDICTS], example: 'confirmed' })
  @IsIn(VERDICTS)
  verdict!: Verdict;

  @ApiProperty({ example: 'A single report (Bloomberg), in the conditional; neither company confirms it.' })
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
