import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ClaimWriteResult } from '../claim-write.result';
import { DealCommandService } from '../deal-command.service';
import { RetractClaimCommand } from './retract-claim.command';

@CommandHandler(RetractClaimCommand)
export class RetractClaimHandler implements ICommandHandler<RetractClaimCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, claimId, input, context }: RetractClaimCommand): Promise<ClaimWriteResult> {
    const outcome = await this.deals.execute(dealId, { type: 'RetractClaim', claimId, ...input }, context, false);
    return { claimId, dealId: outcome.dealId, version: outcome.version };
  }
}
