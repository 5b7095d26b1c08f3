import { Command } from '@nestjs/cqrs';
import type { RecordClaim } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class RecordClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly dealId: string,
    readonly claimId: string,
    readonly claim: Omit<RecordClaim, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
