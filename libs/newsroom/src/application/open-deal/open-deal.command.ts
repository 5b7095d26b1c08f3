import { Command } from '@nestjs/cqrs';
import type { OpenDeal } from '../../domain';
import type { CommandContext } from '../command-context';

export class OpenDealCommand extends Command<{ id: string; version: number }> {
  constructor(
    readonly dealId: string,
    readonly deal: Omit<OpenDeal, 'type' | 'dealId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
