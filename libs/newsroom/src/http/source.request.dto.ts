import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUrl, Length, Matches, ValidateNested } from 'class-validator';
import { IsFullDateOrTimestamp } from './validators';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class RelayRequest {
  @ApiProperty({ example: 'The Verge' })
  @IsString()
  @Length(1, 200)
  outlet!: string;

  @ApiPropertyOptional({ example: 'https://news.example.com/relayed-story' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({ example: '2021-01-01' })
  @IsOptional()
  @IsFullDateOrTimestamp()
  publishedAt?: string;
}

/** Where a claim comes from: the outlet that first reported it, and the relays that brought it to us. */
export class SourceRequest {
  @ApiProperty({ example: 'Bloomberg', description: 'The outlet that first reported it.' })
  @IsString()
  @Length(1, 200)
  outlet!: string;

  @ApiPropertyOptional({ example: 'https://news.example.com/first-story' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({ example: 'Instagram a failli passer chez Twitter' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  title?: string;

  @ApiProperty({ example: '2021-01-01', description: 'A full date or an ISO 8601 timestamp.' })
  @IsFullDateOrTimestamp()
  publishedAt!: string;

  @ApiPropertyOptional({ example: 'the byline, as printed' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  author?: string;

  @ApiPropertyOptional({
    example: "Twitter aurait proposé à ses fondateurs la somme rondelette de 4 milliards de dollars",
  })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  quote?: string;

  @ApiPropertyOptional({ example: 'fr' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { message: 'language must be a language tag such as en or fr-FR' })
  language?: string;

  @ApiPropertyOptional({
    type: [RelayRequest],
    description: 'The outlets that relayed it to us, nearest first.',
    example: [{ outlet: 'unknown French site (seed 001)' }, { outlet: 'The Verge' }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RelayRequest)
  via?: RelayRequest[];
}
