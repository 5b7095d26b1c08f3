import { Query } from '@nestjs/cqrs';
import type { Page } from '../read-page';

/** One stored event of a deal as the audit trail shows it: who did what, when, and its place in the hash chain. */
export interface AuditEvent {
  position: number;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  /** The key that wrote the event, with its name (null without a key id in the metadata). */
  actor: { keyId: unknown; keyName: string | null; roles: unknown };
  metadata: unknown;
  recordedAt: string;
  hash: string;
}

/** `GET /audit/deals/{id}`: the deal's raw events in version order. */
export class GetAuditTrailQuery extends Query<Page<AuditEvent>> {
  constructor(
    readonly dealId: string,
    readonly page: { limit: number; cursor?: string },
  ) {
    super();
  }
}
