import { Command } from '@nestjs/cqrs';
import type { GiveVerdict } from '../../domain';
import type { ClaimWriteResult } from '../claim-write.result';
import type { CommandContext } from '../command-context';

export class GiveVerdictCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly dealId: string,
    readonly claimId: string,
    readonly input: Omit<GiveVerdict, 'type' | 'claimId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
