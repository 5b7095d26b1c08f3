import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ClaimWriteResult } from '../claim-write.result';
import { DealCommandService } from '../deal-command.service';
import { AddSourceCommand } from './add-source.command';

@CommandHandler(AddSourceCommand)
export class AddSourceHandler implements ICommandHandler<AddSourceCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, claimId, input, context }: AddSourceCommand): Promise<ClaimWriteResult> {
    const outcome = await this.deals.execute(dealId, { type: 'AddSource', claimId, ...input }, context, false);
    return { claimId, dealId: outcome.dealId, version: outcome.version };
  }
}
