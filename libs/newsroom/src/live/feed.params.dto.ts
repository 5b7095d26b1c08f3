import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CLAIM_KINDS, type ClaimKind } from '../domain/deal.events';

/** A feed id: the global position of an event, or 0 for the start of the log. */
export const FEED_POSITION = /^\d{1,15}$/;

/** The filters of `GET /feed` and where to resume; `Last-Event-ID`, when sent, wins over `after`. */
export class FeedParams {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the events of this deal.' })
  @IsOptional()
  @IsUUID()
  dealId?: string;

  @ApiPropertyOptional({ example: 'Twitter', description: 'Only the events of deals with this party (case-insensitive).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  party?: string;

  @ApiPropertyOptional({ enum: [...CLAIM_KINDS], description: 'Only the events about claims of this kind.' })
  @IsOptional()
  @IsIn(CLAIM_KINDS)
  kind?: ClaimKind;

  @ApiPropertyOptional({ example: '1234', description: 'Resume after the event with this id (0: from the start of the log).' })
  @IsOptional()
  @Matches(FEED_POSITION, { message: 'after must be the id of a feed event (a non-negative integer)' })
  after?: string;
}
