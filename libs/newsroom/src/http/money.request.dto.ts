import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MONEY_QUALIFIERS, type MoneyQualifier } from '../domain/money';
import { IsCurrencyCode, IsDecimalString } from './validators';

export class MoneyRequest {
  @ApiProperty({ example: '4000000000', description: 'A decimal string, never a number.' })
  @IsDecimalString()
  value!: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217' })
  @IsCurrencyCode()
  currency!: string;

  @ApiPropertyOptional({ enum: [...MONEY_QUALIFIERS], default: 'exact', example: 'exact' })
  @IsOptional()
  @IsIn(MONEY_QUALIFIERS)
  qualifier?: MoneyQualifier;
}
