import { ProblemError } from '@app/platform';

/** `If-Match` named a version the deal is no longer (or not yet) at. */
export class DealVersionMismatchError extends ProblemError {
  constructor(dealId: string, expected: number, actual: number) {
    super(412, 'version-mismatch', 'Precondition Failed', `deal ${dealId} is at version ${actual}, not ${expected}`, undefined, {
      currentVersion: actual,
    });
  }
}

/** Another writer changed the deal between our read and our write, and the command cannot be retried blindly. */
export class ConcurrentModificationError extends ProblemError {
  constructor(dealId: string) {
    super(409, 'concurrent-modification', 'Conflict', `deal ${dealId} was changed by another request; read it again and retry`);
  }
}
