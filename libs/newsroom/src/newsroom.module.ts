import { Module, OnModuleInit } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { registerProblemMapper } from '@app/platform';
import { AddSourceHandler } from './application/add-source/add-source.handler';
import { CorrectClaimHandler } from './application/correct-claim/correct-claim.handler';
import { DealCommandService } from './application/deal-command.service';
import { OpenDealController } from './application/open-deal/open-deal.controller';
import { RecordClaimController } from './application/record-claim/record-claim.controller';
import { AddSourceController } from './application/add-source/add-source.controller';
import { GiveVerdictController } from './application/give-verdict/give-verdict.controller';
import { RetractClaimController } from './application/retract-claim/retract-claim.controller';
import { CorrectClaimController } from './application/correct-claim/correct-claim.controller';
import { ListDealsController } from './application/list-deals/list-deals.controller';
import { GetDealStateController } from './application/get-deal-state/get-deal-state.controller';
import { GetDealTimelineController } from './application/get-deal-timeline/get-deal-timeline.controller';
import { ListClaimsController } from './application/list-claims/list-claims.controller';
import { GetClaimController } from './application/get-claim/get-claim.controller';
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

/** One controller per route, beside its command or query: what the route does is in its folder. */
const CONTROLLERS = [
  OpenDealController,
  RecordClaimController,
  AddSourceController,
  GiveVerdictController,
  RetractClaimController,
  CorrectClaimController,
  ListDealsController,
  GetDealStateController,
  GetDealTimelineController,
  ListClaimsController,
  GetClaimController,
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
  controllers: CONTROLLERS,
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
