import { Module, OnModuleInit } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { registerProblemMapper } from '@app/platform';
import { AddSourceHandler } from './application/add-source/add-source.handler';
import { CorrectClaimHandler } from './application/correct-claim/correct-claim.handler';
import { DealCommandService } from './application/deal-command.service';
import { GiveVerdictHandler } from './application/give-verdict/give-verdict.handler';
import { OpenDealHandler } from './application/open-deal/open-deal.handler';
import { RecordClaimHandler } from './application/record-claim/record-claim.handler';
import { RetractClaimHandler } from './application/retract-claim/retract-claim.handler';
import { NdjsonImporter } from './demo/ndjson-importer';
import { registerDealUpcasters } from './domain/deal.upcasters';
import { newsroomProblemMapper } from './http/newsroom-problem.mapper';
import { DealEventCache } from './projections/deal-event.cache';
import { DealProjectionRebuilder } from './projections/deal-projection.rebuilder';
import { DealReadModel } from './projections/deal-read.model';
import { DealStateProjection } from './projections/deal-state.projection';

const COMMAND_HANDLERS = [
  OpenDealHandler,
  RecordClaimHandler,
  AddSourceHandler,
  GiveVerdictHandler,
  RetractClaimHandler,
  CorrectClaimHandler,
];

@Module({
  providers: [DealCommandService, DealStateProjection, DealEventCache, DealReadModel, DealProjectionRebuilder, NdjsonImporter, ...COMMAND_HANDLERS],
  exports: [DealCommandService, DealStateProjection, DealEventCache, DealReadModel, DealProjectionRebuilder, NdjsonImporter],
})
export class NewsroomModule implements OnModuleInit {
  constructor(
    private readonly store: EventStore,
    private readonly dealStates: DealStateProjection,
  ) {}

  onModuleInit(): void {
    registerProblemMapper(newsroomProblemMapper);
    registerDealUpcasters(this.store.upcasters);
    this.store.useInlineProjection(this.dealStates);
  }
}
