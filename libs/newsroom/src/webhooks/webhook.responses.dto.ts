import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The shapes of the webhook routes, for the OpenAPI document. */

export class WebhookFilterResponse {
  @ApiPropertyOptional({ format: 'uuid' })
  dealId?: string;

  @ApiPropertyOptional({ example: 'Twitter' })
  party?: string;

  @ApiPropertyOptional({ example: 'acquisition' })
  kind?: string;

  @ApiPropertyOptional({ type: [String], example: ['VerdictGiven'] })
  types?: string[];
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'https://chat.example.com/hooks/deals' })
  url!: string;

  @ApiProperty({ type: WebhookFilterResponse })
  filter!: WebhookFilterResponse;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z' })
  createdAt!: string;

  @ApiProperty({ example: 0, description: 'Deliveries not made yet.' })
  pending!: number;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] })
  items!: WebhookResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class CreatedWebhookResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'https://chat.example.com/hooks/deals' })
  url!: string;

  @ApiProperty({ type: WebhookFilterResponse })
  filter!: WebhookFilterResponse;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z' })
  createdAt!: string;

  @ApiProperty({ description: 'Deliveries are signed with it (Standard Webhooks); shown this once.' })
  secret!: string;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 12 }) position!: number;
  @ApiProperty({ example: 'ClaimRecorded' }) type!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) firstAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 200 }) lastResponseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) deliveredAt!: string | null;
}

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] })
  items!: DeliveryResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
