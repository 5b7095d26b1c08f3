import { Command } from '@nestjs/cqrs';
import type { AddSource } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class AddSourceCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly dealId: string,
    readonly claimId: string,
    readonly input: Omit<AddSource, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
