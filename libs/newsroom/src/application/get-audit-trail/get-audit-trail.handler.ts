import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError } from '../../domain';
import { actorNames } from '../actor-names';
import { dealStreamId } from '../command-context';
import { decodeCursor, pageOf, type Page } from '../read-page';
import { GetAuditTrailQuery, type AuditEvent } from './get-audit-trail.query';

@QueryHandler(GetAuditTrailQuery)
export class GetAuditTrailHandler implements IQueryHandler<GetAuditTrailQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ dealId, page }: GetAuditTrailQuery): Promise<Page<AuditEvent>> {
    const after = decodeCursor(page.cursor);
    const streamId = dealStreamId(dealId);
    const events = await this.store.readStream(streamId, { fromVersion: after + 1, toVersion: after + page.limit + 1 });
    if (events.length === 0 && (await this.store.streamVersion(streamId)) === 0) throw new DealNotFoundError(dealId);
    const nameOf = await actorNames(this.dataSource, events.map((e) => e.metadata.actorId));
    return pageOf(
      events,
      page.limit,
      (e) => {
        const keyId = e.metadata.actorId ?? null;
        return {
          position: e.position,
          version: e.version,
          type: e.type,
          schemaVersion: e.schemaVersion,
          data: e.data,
          actor: { keyId, keyName: typeof keyId === 'string' ? nameOf(keyId) : null, roles: e.metadata.actorRoles ?? [] },
          metadata: e.metadata,
          recordedAt: e.recordedAt.toISOString(),
          hash: e.hash,
        };
      },
      (e) => e.version,
    );
  }
}
