import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { EventStore } from '@app/event-store';
import { DealReadModel, PageQuery } from '@app/newsroom';
import { uuid } from './deals.controller';
import { jsonChunksBody } from './json-chunks';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly reads: DealReadModel,
    private readonly store: EventStore,
  ) {}

  @Get('deals/:dealId')
  @ApiOkResponse({ description: '{ items, nextCursor }: the deal’s raw events in version order, with actor, recordedAt, position and hash.' })
  async deal(@Param('dealId', uuid) dealId: string, @Query() page: PageQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    // already JSON: sent as the read model writes it
    return jsonChunksBody(reply, await this.reads.auditTrailJson(dealId, page));
  }

  @Get('verify')
  @Roles('admin', 'fact_checker')
  @ApiOkResponse({ description: 'Every hash chain recomputed: { ok, checked, broken: [{streamId, version, position, reason}] }.' })
  async verify() {
    return this.store.verify();
  }
}
