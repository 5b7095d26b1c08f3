import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { CLAIM_KINDS, DEAL_EVENT_TYPES, type ClaimKind, type DealEventType } from '../domain/deal.events';

/** Which events a webhook receives; every field given must match, as the feed's filters do. */
export class WebhookFilterRequest {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  dealId?: string;

  @ApiPropertyOptional({ example: 'Twitter', description: 'A party name of the deal (case-insensitive).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: [...CLAIM_KINDS], description: 'The kind of the claim the event is about.' })
  @IsOptional()
  @IsIn(CLAIM_KINDS)
  kind?: ClaimKind;

  @ApiPropertyOptional({ enum: [...DEAL_EVENT_TYPES], isArray: true, description: 'Event types; all when left out.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DEAL_EVENT_TYPES.length)
  @IsIn(DEAL_EVENT_TYPES, { each: true })
  types?: DealEventType[];
}

export class CreateWebhookRequest {
  @ApiProperty({ example: 'https://chat.example.com/hooks/deals', description: 'An http or https URL on a public address.' })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiPropertyOptional({ type: WebhookFilterRequest })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookFilterRequest)
  filter?: WebhookFilterRequest;
}
