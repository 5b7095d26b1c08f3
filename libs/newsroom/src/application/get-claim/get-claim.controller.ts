import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuid } from '../../http/command-context.decorator';
import { GetClaimQuery } from './get-claim.query';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class GetClaimController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':claimId')
  @ApiOkResponse({ description: 'The claim, its sources, its verdict and every event about it.' })
  async get(@Param('claimId', uuid) claimId: string) {
    return this.queries.execute(new GetClaimQuery(claimId));
  }
}
