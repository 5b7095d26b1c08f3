import { Command } from '@nestjs/cqrs';
import type { CorrectClaim } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class CorrectClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly dealId: string,
    readonly claimId: string,
    readonly input: Omit<CorrectClaim, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
