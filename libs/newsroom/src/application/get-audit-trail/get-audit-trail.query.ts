import { Query } from '@nestjs/cqrs';
import type { Page } from '../read-page';

/** One stored event of a deal as the audit trail shows it: who did what, when, and its place in the hash chain. */
export interface AuditEvent {
  position: number;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  actor: { keyId: unknown; roles: unknown };
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
