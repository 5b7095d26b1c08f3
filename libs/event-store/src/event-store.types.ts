export type JsonObject = { [key: string]: unknown };

/** `'any'`: append whatever the version; `'no_stream'`: the stream must not exist; n: it must be at n. */
export type ExpectedVersion = number | 'any' | 'no_stream';

export interface NewEvent {
  type: string;
  data: JsonObject;
  /** Schema version of `data`; 1 when omitted. */
  schemaVersion?: number;
  metadata?: JsonObject;
}

export interface StoredEvent<Data = JsonObject> {
  position: number;
  txId: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: JsonObject;
  recordedAt: Date;
  hash: string;
}

/** An event as a fold reads it: what it says, where it stands, when it was recorded (ISO, milliseconds). */
export interface EventData {
  type: string;
  data: JsonObject;
  position: number;
  version: number;
  recordedAt: string;
}

export interface AppendOptions {
  /** Metadata merged into every event's own metadata (actor, correlation and causation ids). */
  metadata?: JsonObject;
  /**
   * A key already stored makes the append return the first append's result and
   * write nothing. The key is durable: it lives in the database.
   */
  idempotencyKey?: string;
  /** Fingerprint of the request behind the key: the same key with another fingerprint is refused. */
  requestHash?: string;
  /** The positions (one per event) and recording instant reserved with {@link RESERVE_COLUMNS} before deciding. */
  reserved?: Reservation;
  /** Writes made by the append's own statement (inline projections), skipped when the append is a replay. */
  alsoWrite?: InlineWrite;
}

/**
 * A write run in the append's statement: data-modifying CTEs (comma-separated)
 * whose parameters are numbered from `firstParameter`. They must select from
 * the CTE `fresh`, which has one row unless the append replays an idempotency key.
 */
export type InlineWrite = (firstParameter: number) => { ctes: string; parameters: unknown[] };

export interface Reservation {
  positions: number[];
  /** An ISO instant with milliseconds. */
  recordedAt: string;
}

/**
 * Select-list columns reserving one position and the recording instant for an
 * append that follows (`reserved_position`, `reserved_at`), so a writer can
 * project its event before the append and send both in one statement.
 */
export const RESERVE_COLUMNS = `nextval('es_events_position_seq') as reserved_position,
  to_char(date_trunc('milliseconds', clock_timestamp()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as reserved_at`;

export interface AppendResult {
  streamId: string;
  /** Version of the first event this append wrote (or, for a duplicate, the first append wrote). */
  fromVersion: number;
  /** The stream's version after the append: pass it as the next expected version. */
  toVersion: number;
  positions: number[];
  recordedAt: Date;
  /** True when the idempotency key was already used: nothing was written. */
  duplicate: boolean;
}

/** A reader's place in the global log: events are ordered by (txId, position). */
export interface Checkpoint {
  txId: string;
  position: number;
}

export const START: Checkpoint = Object.freeze({ txId: '0', position: 0 });

export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
  /** Only events recorded at or before this instant (the newsroom's knowledge at that time). */
  recordedUpTo?: Date;
}

export interface ReadAllResult {
  events: StoredEvent[];
  /** Where the next read starts; unchanged when nothing was read. */
  checkpoint: Checkpoint;
}

export interface BrokenLink {
  streamId: string;
  version: number;
  position: number;
  /** `head_missing`: events of a stream that has no head row. */
  reason: 'hash_mismatch' | 'version_gap' | 'head_mismatch' | 'head_missing';
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  streams: number;
  broken: BrokenLink[];
}
