import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, AppConfig } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { uuid, ValidAtParams } from '@app/newsroom';
import { ClaimReviewResponse, DEAL_CSV_COLUMNS, dealCsvRow, OutletPageResponse, ReportsService, StatusCountsResponse } from '@app/reporting';

export class DealExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format: 'csv' | 'ndjson' = 'ndjson';
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {}

  @Get('reports/outlets')
  @ApiOperation({ summary: 'Claims and verdicts per first-reporting outlet' })
  @ApiOkResponse({ description: '{ items: per outlet, its claims, each verdict count, retracted, shareConfirmed }', type: OutletPageResponse })
  async outlets() {
    return { items: await this.reports.outlets(), nextCursor: null };
  }

  @Get('reports/deals')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOperation({ summary: 'Export every deal’s current state (NDJSON or CSV)' })
  @ApiOkResponse({
    description: 'Every deal’s current state, streamed: one deal state (as GET /deals/{dealId}) per NDJSON line, or one CSV row per deal.',
    content: {
      'application/x-ndjson': { schema: { type: 'string' }, example: '{"id":"0b6f4a52-6c1e-5d7a-9b3e-2f4c8d1a7e60","title":"Twitter / Clubhouse","status":"talks_ended"}\n' },
      'text/csv': { schema: { type: 'string' }, example: `${DEAL_CSV_COLUMNS.join(',')}\r\n` },
    },
  })
  async deals(@Query() query: DealExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const deals = this.reports.deals();
    const lines =
      query.format === 'csv'
        ? (async function* () {
            yield `${DEAL_CSV_COLUMNS.join(',')}\r\n`;
            for await (const deal of deals) yield `${dealCsvRow(deal)}\r\n`;
          })()
        : (async function* () {
            for await (const deal of deals) yield `${JSON.stringify(deal)}\n`;
          })();
    await reply
      .header('content-type', query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="deals.${query.format}"`)
      .send(Readable.from(lines));
  }

  @Get('reports/statuses')
  @ApiOperation({ summary: 'How many deals stand in each status at a date' })
  @ApiOkResponse({ description: '{ validAt, statuses: { status: number of deals } }', type: StatusCountsResponse })
  async statuses(@Query() query: ValidAtParams) {
    return { validAt: query.validAt ?? null, statuses: await this.reports.statuses(query.validAt) };
  }

  @Get('claims/:claimId/claim-review')
  @ApiProduces('application/ld+json')
  @ApiOperation({ summary: 'schema.org ClaimReview of a claim’s verdict (JSON-LD)' })
  @ApiOkResponse({
    description: 'schema.org ClaimReview of the verdict that applies to the claim now.',
    content: { 'application/ld+json': { schema: { $ref: getSchemaPath(ClaimReviewResponse) } } },
  })
  @ApiExtraModels(ClaimReviewResponse)
  @ApiProblem(404, 'No claim has this id (not-found); no verdict yet (no-verdict); corrected after its verdict (verdict-outdated); retracted (claim-retracted).')
  async claimReview(@Param('claimId', uuid) claimId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const baseUrl = this.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`;
    const review = await this.reports.claimReview(claimId, { baseUrl, name: this.config.NEWSROOM_NAME });
    void reply.header('content-type', 'application/ld+json; charset=utf-8');
    return review;
  }
}
