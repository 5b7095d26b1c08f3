import { EventStore1732240000000 } from './1732240000000-event-store';
import { ApiKeys1732240100000 } from './1732240100000-api-keys';
import { HttpIdempotency1732240200000 } from './1732240200000-http-idempotency';
import { DealProjections1732240300000 } from './1732240300000-deal-projections';
import { DealStateItems1732240400000 } from './1732240400000-deal-state-items';
import { CompactTimeline1732240500000 } from './1732240500000-compact-timeline';
import { ClaimVersions1732240600000 } from './1732240600000-claim-versions';
import { LeanClaimRecords1732240700000 } from './1732240700000-lean-claim-records';
import { ProjectionDocumentsAsText1732240800000 } from './1732240800000-projection-documents-as-text';
import { LeanTimelineEntries1732240900000 } from './1732240900000-lean-timeline-entries';
import { ClaimRecordsWithoutDerivedFields1732241000000 } from './1732241000000-claim-records-without-derived-fields';

/** Every migration, in order. The app and the migration CLI both run this list. */
export const migrations = [
  EventStore1732240000000,
  ApiKeys1732240100000,
  HttpIdempotency1732240200000,
  DealProjections1732240300000,
  DealStateItems1732240400000,
  CompactTimeline1732240500000,
  ClaimVersions1732240600000,
  LeanClaimRecords1732240700000,
  ProjectionDocumentsAsText1732240800000,
  LeanTimelineEntries1732240900000,
  ClaimRecordsWithoutDerivedFields1732241000000,
];
