import { Inject, Injectable, Optional } from '@nestjs/common';
import type { RecordedDealEvent } from '../domain/deal.events';

/**
 * Events held across all deals by default. Parsed events of the benchmark's
 * deals take about 0.8 KB of heap each: some 8 MB for a 10,000-event deal,
 * some 200 MB when the cache is full.
 */
export const DEFAULT_DEAL_EVENT_CACHE_EVENTS = 250_000;

/** Injection token for another bound on the events held (tests use a small one to see eviction). */
export const DEAL_EVENT_CACHE_EVENTS = Symbol('DEAL_EVENT_CACHE_EVENTS');

/**
 * Each deal's events as folds read them (parsed and upcast), kept in this
 * process so an as-of read fetches only what was appended since. Events are
 * never changed once written and a stream's versions run from 1 without
 * gaps, so what is held for a stream is always its versions 1..n: readers
 * ask the store for the stream's head and fetch only the versions after n
 * (which keeps several API processes right without any signal between them).
 *
 * The arrays handed out are never changed (a longer prefix replaces a shorter
 * one), so a reader may keep one across awaits. Bounded by the events held,
 * least recently used deals evicted first; a stream longer than the bound is
 * not kept.
 */
@Injectable()
export class DealEventCache {
  /** In use order: least recently used first. */
  private readonly streams = new Map<string, readonly RecordedDealEvent[]>();
  private held = 0;

  constructor(@Optional() @Inject(DEAL_EVENT_CACHE_EVENTS) readonly maxEvents: number = DEFAULT_DEAL_EVENT_CACHE_EVENTS) {}

  /** The stream's versions 1..n held here (empty when none), now the most recently used. */
  get(streamId: string): readonly RecordedDealEvent[] {
    const events = this.streams.get(streamId);
    if (events === undefined) return [];
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    return events;
  }

  /**
   * Keeps `events`, the stream's versions 1..n, unless as much or more of it
   * is held already (a concurrent read got further).
   */
  put(streamId: string, events: readonly RecordedDealEvent[]): void {
    const current = this.streams.get(streamId);
    if (current !== undefined && current.length >= events.length) return;
    if (events.length > this.maxEvents) {
      this.forget(streamId);
      return;
    }
    this.forget(streamId);
    this.streams.set(streamId, events);
    this.held += events.length;
    for (const [oldest, held] of this.streams) {
      if (this.held <= this.maxEvents) break;
      this.streams.delete(oldest);
      this.held -= held.length;
    }
  }

  /** Drops what is held for the stream (it no longer matches the store). */
  forget(streamId: string): void {
    const current = this.streams.get(streamId);
    if (current === undefined) return;
    this.streams.delete(streamId);
    this.held -= current.length;
  }

  /** Events held across all streams. */
  get size(): number {
    return this.held;
  }

  has(streamId: string): boolean {
    return this.streams.has(streamId);
  }
}
