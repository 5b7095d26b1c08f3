import type { DataSource } from 'typeorm';
import { actorOf, type ClaimView, type RecordedDealEvent, type VerdictView } from '../domain';

/**
 * Who did something, by name: events keep the acting key's id, and the reads
 * look its name up in api_keys, so a revoked key keeps its name. Every field
 * holding a key id gets a sibling with the key's name (`actorId`/`actorName`,
 * `recordedBy`/`recordedByName`, `keyId`/`keyName` …).
 *
 * An id without a key row still gets a name: an id that is not a UUID was
 * written by a tool rather than through a key (a test, the bench seed) and is
 * its own name; a UUID without a row is an `unknown key`.
 */

/** The name of a UUID that no key has (a key row deleted by hand, events from another database). */
export const UNKNOWN_KEY_NAME = 'unknown key';

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * SQL selecting `(id, name)` for the actor ids of `ids`, a relation of one
 * text column: each id once with its name. An id that is not a UUID is never
 * cast, so it cannot fail the query.
 */
export function actorNamesSql(ids: string): string {
  const isUuid = `a.id ~* '${UUID_PATTERN}'`;
  return `select a.id, coalesce(k.name, case when ${isUuid} then '${UNKNOWN_KEY_NAME}' else a.id end) as name
            from ${ids} as a (id) left join api_keys k on k.id = case when ${isUuid} then a.id::uuid end`;
}

export type NameOf = (id: string) => string;

/** The names of the actor ids (anything but a string is passed over), in one query. */
export async function actorNames(db: Pick<DataSource, 'query'>, ids: Iterable<unknown>): Promise<NameOf> {
  const distinct = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))];
  const names = new Map<string, string>();
  if (distinct.length > 0) {
    const rows: { id: string; name: string }[] = await db.query(actorNamesSql('unnest($1::text[])'), [distinct]);
    for (const row of rows) names.set(row.id, row.name);
  }
  return (id) => names.get(id) ?? UNKNOWN_KEY_NAME;
}

type ClaimFields = Omit<ClaimView, 'history'>;

/** A claim as the API shows it, each actor's name beside its id. */
export type NamedClaim = Omit<ClaimFields, 'latestVerdict' | 'retraction'> & {
  readonly recordedByName: string;
  readonly latestVerdict: (VerdictView & { readonly givenByName: string }) | null;
  readonly retraction: (NonNullable<ClaimView['retraction']> & { readonly retractedByName: string }) | null;
};

/** An event of a claim's history with who did it. */
export type NamedDealEvent = RecordedDealEvent & { readonly actorId: string; readonly actorName: string };

/** The key ids a claim names. */
export function claimActorIds(claim: ClaimFields): string[] {
  const ids = [claim.recordedBy];
  if (claim.latestVerdict) ids.push(claim.latestVerdict.givenBy);
  if (claim.retraction) ids.push(claim.retraction.retractedBy);
  return ids;
}

export function namedClaim(claim: ClaimFields, nameOf: NameOf): NamedClaim {
  const { latestVerdict: verdict, retraction } = claim;
  return {
    ...claim,
    recordedByName: nameOf(claim.recordedBy),
    latestVerdict: verdict && { ...verdict, givenByName: nameOf(verdict.givenBy) },
    retraction: retraction && { ...retraction, retractedByName: nameOf(retraction.retractedBy) },
  };
}

export function namedEvent(event: RecordedDealEvent, nameOf: NameOf): NamedDealEvent {
  const actorId = actorOf(event);
  return { ...event, actorId, actorName: nameOf(actorId) };
}
