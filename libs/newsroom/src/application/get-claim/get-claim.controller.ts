import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '@app/platform';
import { ClaimResponse } from '../../http/responses.dto';
import { uuid } from '../../http/command-context.decorator';
import { GetClaimQuery } from './get-claim.query';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class GetClaimController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':claimId')
  @ApiOperation({ summary: 'Read a claim with its sources, verdict and history' })
  @ApiOkResponse({ description: 'The claim, its sources, its verdict and every event about it.', type: ClaimResponse })
  @ApiProblem(404, 'No claim has this id.')
  async get(@Param('claimId', uuid) claimId: string) {
    return this.queries.execute(new GetClaimQuery(claimId));
  }
}
