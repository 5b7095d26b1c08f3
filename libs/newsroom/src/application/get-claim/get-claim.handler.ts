import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { actorOf, claimRecordOf, claimView, ClaimNotFoundError, type ClaimFacts } from '../../domain';
import { actorNames, claimActorIds, namedClaim, namedEvent } from '../actor-names';
import { dealStreamId } from '../command-context';
import { recordedDealEvent } from '../deal-events';
import { GetClaimQuery, type ClaimDetail } from './get-claim.query';

@QueryHandler(GetClaimQuery)
export class GetClaimHandler implements IQueryHandler<GetClaimQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ claimId }: GetClaimQuery): Promise<ClaimDetail> {
    const rows: { deal_id: string; versions: number[]; record: ClaimFacts }[] = await this.dataSource.query(
      'select deal_id, versions, record from deal_claims where claim_id = $1',
      [claimId],
    );
    if (rows.length === 0) throw new ClaimNotFoundError(claimId);
    const { deal_id: dealId, versions, record } = rows[0];
    const events = await this.store.readStream(dealStreamId(dealId), { fromVersion: versions[0], toVersion: versions[versions.length - 1] });
    const history = events.filter((event) => versions.includes(event.version)).map(recordedDealEvent);
    const { history: _, ...claim } = claimView(claimRecordOf(record), []);
    const nameOf = await actorNames(this.dataSource, [...claimActorIds(claim), ...history.map(actorOf)]);
    return { ...namedClaim(claim, nameOf), history: history.map((event) => namedEvent(event, nameOf)) };
  }
}
