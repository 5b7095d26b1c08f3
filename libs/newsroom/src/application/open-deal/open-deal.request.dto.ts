import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length, ValidateNested } from 'class-validator';
import { DEAL_KINDS, PARTY_ROLES, type DealKind, type PartyRole } from '../../domain/deal.events';

export class PartyRequest {
  @ApiProperty({ example: 'Twitter' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: [...PARTY_ROLES], example: 'bidder' })
  @IsIn(PARTY_ROLES)
  role!: PartyRole;
}

export class OpenDealRequest {
  @ApiProperty({ example: 'Twitter / Clubhouse' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiProperty({ enum: [...DEAL_KINDS], example: 'acquisition' })
  @IsIn(DEAL_KINDS)
  kind!: DealKind;

  @ApiProperty({
    type: [PartyRequest],
    example: [
      { name: 'Twitter', role: 'bidder' },
      { name: 'Clubhouse', role: 'target' },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PartyRequest)
  parties!: PartyRequest[];
}
