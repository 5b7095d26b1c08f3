import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ClaimWriteResult } from '../claim-write.result';
import { DealCommandService } from '../deal-command.service';
import { CorrectClaimCommand } from './correct-claim.command';

@CommandHandler(CorrectClaimCommand)
export class CorrectClaimHandler implements ICommandHandler<CorrectClaimCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, claimId, input, context }: CorrectClaimCommand): Promise<ClaimWriteResult> {
    const outcome = await this.deals.execute(dealId, { type: 'CorrectClaim', claimId, ...input }, context, false);
    return { claimId, dealId: outcome.dealId, version: outcome.version };
  }
}
