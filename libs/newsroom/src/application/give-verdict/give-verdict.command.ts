import { Command } from '@nestjs/cqrs';
import type { GiveVerdict } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class GiveVerdictCommand extends Command<ClaimWriteResult> {
  constructor(
    /** Null: the deal holding the claim. */
    readonly dealId: string | null,
    readonly claimId: string,
    readonly input: Omit<GiveVerdict, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
