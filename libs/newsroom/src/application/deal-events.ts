import { EventStore, type StoredEvent } from '@app/event-store';
import { parseCut, type DealCut } from '../domain/claim.record';
import type { RecordedDealEvent } from '../domain/deal.events';
import { dealStreamId } from './command-context';

/**
 * The deal's events for a fold, in version order. With a knownAt cut only
 * those recorded up to it are read (recorded time never goes backwards in a
 * stream); the fold applies the exact cut, and reports a cut that does not parse.
 */
export async function readDealEvents(store: EventStore, dealId: string, cut: DealCut = {}): Promise<RecordedDealEvent[]> {
  return (await store.readStreamData(dealStreamId(dealId), { recordedUpTo: recordedUpTo(cut) })) as unknown as RecordedDealEvent[];
}

export function recordedDealEvent(event: StoredEvent): RecordedDealEvent {
  return {
    type: event.type,
    data: event.data,
    position: event.position,
    version: event.version,
    recordedAt: event.recordedAt.toISOString(),
  } as unknown as RecordedDealEvent;
}

/** A millisecond past the knownAt cut, or undefined when there is none or it does not parse. */
function recordedUpTo(cut: DealCut): Date | undefined {
  let knownUntil: string | null;
  try {
    knownUntil = parseCut({ knownAt: cut.knownAt }).knownUntil;
  } catch {
    return undefined;
  }
  if (knownUntil === null) return undefined;
  const instant = Date.parse(`${knownUntil.slice(0, 23)}Z`);
  // outside what PostgreSQL timestamps hold, the fold alone applies the cut
  return instant >= Date.UTC(1970, 0, 1) && instant <= Date.UTC(9999, 11, 31) ? new Date(instant + 1) : undefined;
}
