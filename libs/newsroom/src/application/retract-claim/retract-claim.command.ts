import { Command } from '@nestjs/cqrs';
import type { RetractClaim } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class RetractClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    /** Null: the deal holding the claim. */
    readonly dealId: string | null,
    readonly claimId: string,
    readonly input: Omit<RetractClaim, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
