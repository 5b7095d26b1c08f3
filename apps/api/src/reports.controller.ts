import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { uuid, ValidAtParams } from '@app/newsroom';
import { DEAL_CSV_COLUMNS, dealCsvRow, ReportsService } from '@app/reporting';

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
  @ApiOkResponse({ description: '{ items: per outlet, its claims, each verdict count, retracted, shareConfirmed }' })
  async outlets() {
    return { items: await this.reports.outlets(), nextCursor: null };
  }

  @Get('reports/deals')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'Every deal’s current state, streamed as NDJSON or CSV.' })
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
  @ApiOkResponse({ description: '{ validAt, statuses: { status: number of deals } }' })
  async statuses(@Query() query: ValidAtParams) {
    return { validAt: query.validAt ?? null, statuses: await this.reports.statuses(query.validAt) };
  }

  @Get('claims/:claimId/claim-review')
  @ApiProduces('application/ld+json')
  @ApiOkResponse({ description: 'schema.org ClaimReview of the latest verdict; 404 when the claim has none.' })
  async claimReview(@Param('claimId', uuid) claimId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const baseUrl = this.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`;
    const review = await this.reports.claimReview(claimId, { baseUrl, name: this.config.NEWSROOM_NAME });
    void reply.header('content-type', 'application/ld+json; charset=utf-8');
    return review;
  }
}
