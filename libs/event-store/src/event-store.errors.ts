/** The stream was not at the version the writer expected: someone else appended first. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly streamId: string,
    readonly expected: number | 'any' | 'no_stream',
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected === 0 ? 'no_stream' : expected}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An idempotency key came back with a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency-key-reused';
  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used for a different request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}
