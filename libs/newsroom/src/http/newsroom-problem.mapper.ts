import { IdempotencyKeyReusedError, WrongExpectedVersionError } from '@app/event-store';
import { ProblemError, ProblemMapper } from '@app/platform';
import { DomainError, InvalidValueError } from '../domain';

const STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;
const TITLE = { not_found: 'Not Found', conflict: 'Conflict', invalid: 'Bad Request' } as const;

/** Domain rules and store conflicts as problem documents: each rule its own problem type. */
export const newsroomProblemMapper: ProblemMapper = (error, { ifMatch }) => {
  if (error instanceof InvalidValueError) {
    return new ProblemError(400, 'validation-failed', 'Bad Request', error.message, [...error.errors]);
  }
  if (error instanceof DomainError) {
    const field = (error as { field?: unknown }).field;
    const errors = typeof field === 'string' && field !== '' ? [{ field, message: error.message }] : undefined;
    return new ProblemError(STATUS[error.kind], error.code, TITLE[error.kind], error.message, errors);
  }
  if (error instanceof WrongExpectedVersionError) {
    return ifMatch
      ? new ProblemError(412, 'version-mismatch', 'Precondition Failed', error.message, undefined, { currentVersion: error.actual })
      : new ProblemError(409, 'concurrent-modification', 'Conflict', error.message);
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return new ProblemError(422, 'idempotency-key-reused', 'Unprocessable Content', error.message);
  }
  return undefined;
};
