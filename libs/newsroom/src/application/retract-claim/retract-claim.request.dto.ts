import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RetractClaimRequest {
  @ApiProperty({ example: 'Misread the article: the $4B is a valuation, not funds raised.' })
  @IsString()
  @Length(1, 5000)
  reason!: string;
}
