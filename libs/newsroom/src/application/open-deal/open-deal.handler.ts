import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DealCommandService } from '../deal-command.service';
import { OpenDealCommand } from './open-deal.command';

@CommandHandler(OpenDealCommand)
export class OpenDealHandler implements ICommandHandler<OpenDealCommand> {
  constructor(private readonly deals: DealCommandService) {}

  async execute({ dealId, deal, context }: OpenDealCommand): Promise<{ id: string; version: number }> {
    const outcome = await this.deals.execute(dealId, { type: 'OpenDeal', dealId, ...deal }, context, false);
    const [opened] = outcome.events;
    // a replayed request answers with the deal its first request opened
    return { id: opened.type === 'DealOpened' ? opened.data.dealId : dealId, version: outcome.version };
  }
}
