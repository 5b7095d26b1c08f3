import { Module, OnModuleInit } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { registerProblemMapper } from '@app/platform';
import { AddSourceHandler } from './application/add-source/add-source.handler';
import { CorrectClaimHandler } from './application/correct-claim/correct-claim.handler';
import { DealCommandService } from './application/deal-command.service';
import { GetAuditTrailHandler } from './application/get-audit-trail/get-audit-trail.handler';
import { GetClaimHandler } from './application/get-claim/get-claim.handler';
import { GetDealStateHandler } from './application/get-deal-state/get-deal-state.handler';
import { GetDealTimelineHandler } from './application/get-deal-timeline/get-deal-timeline.handler';
import { GiveVerdictHandler } from './application/give-verdict/give-verdict.handler';
import { ListClaimsHandler } from './application/list-claims/list-claims.handler';
import { ListDealsHandler } from './application/list-deals/list-deals.handler';
import { OpenDealHandler } from './application/open-deal/open-deal.handler';
import { RecordClaimHandler } from './application/record-claim/record-claim.handler';
import { RetractClaimHandler } from './application/retract-claim/retract-claim.handler';
import { NdjsonImporter } from './demo/ndjson-importer';
import { registerDealUpcasters } from './domain/deal.upcasters';
import { newsroomProblemMapper } from './http/newsroom-problem.mapper';
import { DealProjectionRebuilder } from './projections/deal-projection.rebuilder';

const COMMAND_HANDLERS = [
  OpenDealHandler,
  RecordClaimHandler,
  AddSourceHandler,
  GiveVerdictHandler,
  RetractClaimHandler,
  CorrectClaimHandler,
];

const QUERY_HANDLERS = [
  GetDealStateHandler,
  ListDealsHandler,
  GetDealTimelineHandler,
  ListClaimsHandler,
  GetClaimHandler,
  GetAuditTrailHandler,
];

@Module({
  providers: [DealCommandService, DealProjectionRebuilder, NdjsonImporter, ...COMMAND_HANDLERS, ...QUERY_HANDLERS],
  exports: [DealCommandService, DealProjectionRebuilder, NdjsonImporter],
})
export class NewsroomModule implements OnModuleInit {
  constructor(private readonly store: EventStore) {}

  onModuleInit(): void {
    registerProblemMapper(newsroomProblemMapper);
    registerDealUpcasters(this.store.upcasters);
  }
}
