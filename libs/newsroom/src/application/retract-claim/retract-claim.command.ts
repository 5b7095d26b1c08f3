import { Command } from '@nestjs/cqrs';
import type { RetractClaim } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class RetractClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly dealId: string,
    readonly claimId: string,
    readonly input: Omit<RetractClaim, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
