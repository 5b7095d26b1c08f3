import type { ServerResponse } from 'node:http';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventStore, Pause, START, type Checkpoint } from '@app/event-store';
import { AppConfig } from '@app/platform';
import { LiveDatabase } from './live-database';
import { compareCheckpoints, feedItemsOf, matches, type CompiledFilter, type FeedItem } from './feed-events';
import { LOG_CHANNEL, LogSignals } from './log-signals';

/** Events read per query, by the tail and by a client catching up. */
const BATCH = 500;
/** The first look again after a wake-up, in milliseconds. */
const FIRST_QUICK_LOOK_MS = 10;
/** How long the tail lets appends gather after a wake-up, so each client gets a burst in one write. */
const GATHER_MS = 50;
/** How long a cut-off client has to take what is buffered before its connection is closed. */
const CUT_OFF_GRACE_MS = 10_000;

/**
 * One client of `GET /feed`: where it stands in the log, what it asked for,
 * and its response stream. Everything written goes through `send`, so the
 * last `id:` it got and its cursor never disagree.
 */
class FeedClient {
  closed = false;
  /** The last `id:` written: the client's Last-Event-ID. */
  private lastId = 0;
  private closedWaiters: (() => void)[] = [];

  constructor(
    private readonly out: ServerResponse,
    readonly filter: CompiledFilter,
    public cursor: Checkpoint,
  ) {
    out.on('close', () => {
      this.closed = true;
      for (const done of this.closedWaiters.splice(0)) done();
    });
  }

  /** Writes the items after the cursor that match, then moves the cursor to `upTo`. */
  send(items: readonly FeedItem[], upTo: Checkpoint): void {
    if (this.closed) return;
    let text = '';
    for (const item of items) {
      if (compareCheckpoints(item.checkpoint, this.cursor) <= 0) continue;
      if (matches(item, this.filter)) {
        text += `id: ${item.event.position}\ndata: ${item.json}\n\n`;
        this.lastId = item.event.position;
      }
    }
    if (compareCheckpoints(upTo, this.cursor) > 0) this.cursor = upTo;
    if (text) this.out.write(text);
  }

  comment(text: string): void {
    if (!this.closed) this.out.write(`: ${text}\n\n`);
  }

  /**
   * A comment that also moves the client's Last-Event-ID up to its cursor: an
   * `id:` without data dispatches nothing, so a filtered client that saw no
   * event for long resumes from here rather than reading the skipped events again.
   */
  heartbeat(): void {
    if (this.closed) return;
    const progress = this.cursor.position !== this.lastId && this.cursor.position > 0;
    if (progress) this.lastId = this.cursor.position;
    this.out.write(`${progress ? `id: ${this.cursor.position}\n` : ''}: heartbeat\n\n`);
  }

  /** Bytes written that the client has not taken yet. */
  get unread(): number {
    return this.out.writableLength;
  }

  /** Resolves once the client has taken what was written, or has gone. */
  drained(): Promise<void> {
    if (this.closed || !this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((done) => {
      this.closedWaiters.push(done);
      this.out.once('drain', () => done());
    });
  }

  /** Ends the stream with a last comment saying where to resume. */
  end(reason: string): void {
    if (this.closed) return;
    this.out.end(`: ${reason}; resume with Last-Event-ID: ${this.cursor.position}\n\n`);
    const timer = setTimeout(() => this.out.destroy(), CUT_OFF_GRACE_MS);
    timer.unref();
    this.out.once('close', () => clearTimeout(timer));
    this.closed = true;
  }
}

/**
 * The live feed of this process. One tail reads the global log in its gap-safe
 * order (EventStore.readAll) and hands each batch to the clients that are up
 * to date; a client resuming from an earlier place first reads the log itself,
 * at the pace it takes the events, then joins them. Notifications wake the
 * tail, a timer makes it look anyway.
 *
 * A live client that leaves more than FEED_MAX_BUFFER_BYTES unread is cut off
 * with a comment naming the position to resume after, rather than buffered.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveFeed');
  private readonly clients = new Set<FeedClient>();
  private readonly live = new Set<FeedClient>();
  private head: Checkpoint = START;
  private loop?: Promise<void>;
  private stopping = false;
  /** A wake-up that comes while the tail reads makes it look again at once. */
  private readonly pause = new Pause();
  /**
   * Milliseconds to the next look after a wake-up, doubling up to LIVE_POLL_MS:
   * an event announced may still sit above the oldest running transaction
   * (which need not announce anything when it ends), so the tail looks again soon.
   */
  private quickly = 0;
  private heartbeat?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly database: LiveDatabase,
    private readonly signals: LogSignals,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.database.following) return;
    this.head = await this.readableEnd();
    this.unsubscribe = this.signals.on((signal) => {
      if (signal !== LOG_CHANNEL) return;
      this.quickly = FIRST_QUICK_LOOK_MS;
      this.pause.signal();
    });
    this.loop = this.run();
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.heartbeat();
    }, this.config.FEED_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    this.pause.signal();
    await this.loop;
    for (const client of this.clients) client.end('the server is shutting down');
    this.clients.clear();
    this.live.clear();
  }

  /** Feed connections open on this process. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Where the tail stands: the last event it handed out. */
  get checkpoint(): Checkpoint {
    return this.head;
  }

  /**
   * Where a client starts: after the event at `position` in the log's order
   * (null when no event has it), or, without a position, after every event
   * readable now, which the tail may not have reached yet.
   */
  async startAfter(position: number | undefined): Promise<Checkpoint | null> {
    if (position === undefined) return this.readableEnd();
    if (position === 0) return START;
    const rows: { tx_id: string }[] = await this.database.dataSource.query(
      'select tx_id::text as tx_id from es_events where position = $1',
      [position],
    );
    return rows.length ? { txId: rows[0].tx_id, position } : null;
  }

  /**
   * Streams the feed to `out` from after `start` until the client goes away
   * or is cut off.
   */
  async serve(out: ServerResponse, start: Checkpoint, filter: CompiledFilter): Promise<void> {
    const client = new FeedClient(out, filter, start);
    this.clients.add(client);
    out.once('close', () => {
      this.clients.delete(client);
      this.live.delete(client);
    });
    client.comment('connected');
    try {
      // catching up reads the log at the client's pace; it joins the tail once it has reached it
      while (!client.closed && !this.stopping && compareCheckpoints(client.cursor, this.head) < 0) {
        const { events, checkpoint } = await this.store.readAll(client.cursor, BATCH, this.database.dataSource.manager);
        const items = await feedItemsOf(events, this.database.dataSource);
        client.send(items, checkpoint);
        // the tail read later than this query did: look again
        if (events.length === 0) await delay(FIRST_QUICK_LOOK_MS);
        await client.drained();
      }
      if (!client.closed && !this.stopping) this.live.add(client);
    } catch (error) {
      this.logger.warn(`a feed client could not catch up: ${String(error)}`);
      client.end('the feed failed');
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.live.size === 0) {
          // nobody to hand events to: the tail only keeps up with the log's readable end
          const end = await this.readableEnd();
          if (this.live.size === 0) {
            if (compareCheckpoints(end, this.head) > 0) this.head = end;
            await this.pause.wait(this.nextLook());
            continue;
          }
        }
        const { events, checkpoint } = await this.store.readAll(this.head, BATCH, this.database.dataSource.manager);
        if (events.length > 0) {
          const items = await feedItemsOf(events, this.database.dataSource);
          if (this.stopping) break;
          // handing out and moving the head happen together, so a client joining in between misses nothing
          for (const client of this.live) {
            client.send(items, checkpoint);
            if (client.unread > this.config.FEED_MAX_BUFFER_BYTES) {
              this.live.delete(client);
              client.end('too slow: the feed is cut off');
            }
          }
          this.head = checkpoint;
        }
        if (events.length < BATCH) {
          await this.pause.wait(this.nextLook());
          if (this.live.size > 0 && !this.stopping) await delay(GATHER_MS);
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`reading the log failed, retrying: ${String(error)}`);
        await this.pause.wait(1000);
      }
    }
  }

  private nextLook(): number {
    if (this.quickly === 0) return this.config.LIVE_POLL_MS;
    const wait = this.quickly;
    this.quickly = wait * 2 < this.config.LIVE_POLL_MS ? wait * 2 : 0;
    return wait;
  }

  /** The last event below the oldest running transaction: where a reader starting now begins. */
  private async readableEnd(): Promise<Checkpoint> {
    const rows: { tx_id: string; position: string }[] = await this.database.dataSource.query(
      `select tx_id::text as tx_id, position from es_events
        where tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by es_events.tx_id desc, es_events.position desc limit 1`,
    );
    return rows.length ? { txId: rows[0].tx_id, position: Number(rows[0].position) } : START;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
