import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { SourceRequest } from '../../http/source.request.dto';

export class AddSourceRequest {
  @ApiProperty({ type: SourceRequest })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceRequest)
  source!: SourceRequest;
}
