import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ClaimWriteResult } from '../claim-write.result';
import { DealCommandService } from '../deal-command.service';
import { RecordClaimCommand } from './record-claim.command';

/** Recording a claim does not depend on the claims it raced with, so a lost race is retried. */
@CommandHandler(RecordClaimCommand)
export class RecordClaimHandler implements ICommandHandler<RecordClaimCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, claimId, claim, context }: RecordClaimCommand): Promise<ClaimWriteResult> {
    const outcome = await this.deals.execute(dealId, { type: 'RecordClaim', claimId, ...claim }, context, true);
    const [recorded] = outcome.events;
    return { claimId: recorded.type === 'ClaimRecorded' ? recorded.data.claimId : claimId, dealId: outcome.dealId, version: outcome.version };
  }
}
