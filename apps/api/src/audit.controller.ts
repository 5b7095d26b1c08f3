import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { ApiProblem } from '@app/platform';
import { AuditEventPageResponse, AuditReportResponse, AuditService, GetAuditTrailQuery, PageParams, uuid } from '@app/newsroom';
import { QueryBus } from '@nestjs/cqrs';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly audit: AuditService,
  ) {}

  @Get('deals/:dealId')
  @ApiOperation({ summary: 'A deal’s raw events with their hashes' })
  @ApiOkResponse({
    description: '{ items, nextCursor }: the deal’s raw events in version order, with actor, recordedAt, position and hash.',
    type: AuditEventPageResponse,
  })
  @ApiProblem(404, 'No deal has this id.')
  async deal(@Param('dealId', uuid) dealId: string, @Query() page: PageParams) {
    return this.queries.execute(new GetAuditTrailQuery(dealId, page));
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the log: hash chains, checkpoints and projections' })
  @Roles('admin', 'fact_checker')
  @ApiOkResponse({
    description:
      'Every hash chain recomputed, every checkpoint checked and the log against the newest, every deal folded: ' +
      '{ ok, checked, checkpoint, broken: [{streamId?, position?, checkpointId?, reason}], drift: [{dealId, fields}] }.',
    type: AuditReportResponse,
  })
  async verify() {
    return this.audit.verify();
  }
}
