/** Who sends a command and how: the acting key, the client's preconditions and idempotency key. */
export interface CommandContext {
  actor: { keyId: string; roles: readonly string[] };
  /** `If-Match`: the deal version the client saw. Set, the command is never retried and a stale version is a 412. */
  expectedVersion?: number;
  idempotency?: { key: string; requestHash: string };
  correlationId?: string;
  /** Told when the idempotency key already wrote and the first result is given again. */
  onReplay?: () => void;
}

export const dealStreamId = (dealId: string) => `deal-${dealId}`;
export const dealIdOfStream = (streamId: string) => streamId.slice('deal-'.length);
