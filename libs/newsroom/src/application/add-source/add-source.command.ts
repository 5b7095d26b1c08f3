import { Command } from '@nestjs/cqrs';
import type { AddSource } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class AddSourceCommand extends Command<ClaimWriteResult> {
  constructor(
    /** Null: the deal holding the claim. */
    readonly dealId: string | null,
    readonly claimId: string,
    readonly input: Omit<AddSource, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
