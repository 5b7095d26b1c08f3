import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { InlineProjection, StoredEvent } from '@app/event-store';
import { ClaimNotFoundError } from '../domain';
import { dealIdOfStream } from '../application/command-context';

/** Which deal each claim belongs to, so /claims/{id} routes can find the deal's stream. */
@Injectable()
export class ClaimLocatorProjection implements InlineProjection {
  readonly name = 'claim-locator';

  constructor(private readonly dataSource: DataSource) {}

  async apply(manager: EntityManager, events: StoredEvent[]): Promise<void> {
    const recorded = events.filter((e) => e.type === 'ClaimRecorded');
    if (recorded.length === 0) return;
    await manager.query(
      `insert into claim_locator (claim_id, deal_id)
       select * from unnest($1::uuid[], $2::uuid[]) on conflict (claim_id) do nothing`,
      [recorded.map((e) => e.data.claimId), recorded.map((e) => dealIdOfStream(e.streamId))],
    );
  }

  /** The deal of a claim; a ClaimNotFoundError (404) when no deal has it. */
  async dealOf(claimId: string): Promise<string> {
    const rows: { deal_id: string }[] = await this.dataSource.query('select deal_id from claim_locator where claim_id = $1', [
      claimId,
    ]);
    if (rows.length === 0) throw new ClaimNotFoundError(claimId);
    return rows[0].deal_id;
  }
}
