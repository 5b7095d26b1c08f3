import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ClaimWriteResult } from '../claim-write.result';
import { DealCommandService } from '../deal-command.service';
import { GiveVerdictCommand } from './give-verdict.command';

@CommandHandler(GiveVerdictCommand)
export class GiveVerdictHandler implements ICommandHandler<GiveVerdictCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, claimId, input, context }: GiveVerdictCommand): Promise<ClaimWriteResult> {
    const outcome = await this.deals.execute(dealId, { type: 'GiveVerdict', claimId, ...input }, context, false);
    return { claimId, dealId: outcome.dealId, version: outcome.version };
  }
}
