import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { Viewer, visibilityClass } from '@kessetsu/auth';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { HubTrigger } from '../pubsub/hub-events.js';
import { AsyncQueue } from './async-queue.js';
import { AuditService, ReadRecord, isAuditedRead } from '../audit/audit.service.js';
import { closableIterator } from './closable-iterator.js';
import { WakeablePump } from './wakeable-pump.js';

const PUMP_BATCH = 1000;
const REPLAY_PAGE = 500;

/** What a live feed of commit-ordered records needs to know about its records. */
export interface OrderedFeedSource<TRecord, TEvent, TFilter> {
  /** Feed name, for metrics. */
  readonly name: string;
  /** The PubSub notice that new records were committed. */
  readonly trigger: HubTrigger;
  /** The last position a notice announces, when it says (a notice this feed has already passed needs no read). */
  noticedPosition?(notice: unknown): bigint | null;
  /** A notice of a commit this process will `offer` itself, which the pump need not act on. */
  isOwnNotice?(notice: unknown): boolean;
  /** The records a notice carries, when it carries all of its commit's (they are offered, not read back). */
  noticedRecords?(notice: unknown): TRecord[] | null;
  positionOf(record: TRecord): bigint;
  maxPosition(): Promise<bigint>;
  /** Every record committed after a position, in order (the pump filters per subscriber). */
  committedAfter(position: bigint, limit: number): Promise<TRecord[]>;
  /** The records after a position that this viewer may see and the filter admits, in order. */
  replay(viewer: Viewer, filter: TFilter, afterPosition: bigint, limit: number): Promise<TRecord[]>;
  /** Loads what presenting these records needs. */
  prepare(records: readonly TRecord[]): Promise<void>;
  /**
   * The event for one viewer, or null when the access policy or the filter exclude it.
   * `shaped` is shared by all subscribers of one record, to shape each variant once.
   */
  eventFor(viewer: Viewer, filter: TFilter, record: TRecord, shaped: Map<string, TEvent>): TEvent | null;
  /** What the audit log of restricted reads needs of a record, and the record type it names. */
  readRecord(record: TRecord): ReadRecord;
  readonly auditTarget: string;
}

export interface OrderedFeedOptions {
  pubsub: PubSubEngine;
  audit: AuditService;
  metrics: MetricsService;
  logger: Logger;
  pollMs: number;
  maxBacklog: number;
}

/** A record's event for one audience, shared by its subscribers' queues (nobody changes it). */
interface Entry<TEvent> {
  position: bigint;
  /** What the subscriber's iterator hands over, made once rather than once per subscriber. */
  result: IteratorYieldResult<TEvent>;
}

interface Subscriber<TEvent, TFilter> {
  viewer: Viewer;
  filter: TFilter;
  /** Subscribers with the same key get the same event for every record (visibility class and filter). */
  audienceKey: string;
  queue: AsyncQueue<Entry<TEvent>>;
}

/**
 * A live feed over records whose positions follow commit order (see write-lock.ts).
 * The database is the source of truth: a PubSub notice, or failing that a poll,
 * wakes the pump, which reads everything committed past its high-water mark and
 * hands each record to the subscribers allowed to see it. A subscriber given a
 * position first replays from the database, then continues live, skipping positions
 * it already delivered: no gap, no duplicate. The access policy and the filter are
 * asked once per record and audience (visibility class and filter), not once per
 * subscriber: thousands of NOCs fall into a few dozen audiences.
 */
export class OrderedFeed<TRecord, TEvent, TFilter> {
  private readonly subscribers = new Set<Subscriber<TEvent, TFilter>>();
  private highWater = 0n;
  /** Records just committed, offered before they are read back (see offer). */
  private offered: TRecord[] = [];
  private readonly pump: WakeablePump;

  constructor(
    private readonly source: OrderedFeedSource<TRecord, TEvent, TFilter>,
    private readonly options: OrderedFeedOptions,
  ) {
    this.pump = new WakeablePump((noticed) => this.deliverCommitted(noticed), {
      name: source.name,
      pubsub: options.pubsub,
      trigger: source.trigger,
      isPassed: (notice) => {
        if (source.isOwnNotice?.(notice)) return true;
        const records = source.noticedRecords?.(notice);
        if (records) {
          this.offer(records);
          return true;
        }
        const position = source.noticedPosition?.(notice) ?? null;
        return position !== null && position <= this.highWater;
      },
      pollMs: options.pollMs,
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    this.highWater = await this.source.maxPosition();
    await this.pump.start();
  }

  async stop(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.queue.end();
    await this.pump.stop();
  }

  subscribe(viewer: Viewer, filter: TFilter, afterPosition?: bigint): AsyncIterableIterator<TEvent> {
    const { name } = this.source;
    const subscriber: Subscriber<TEvent, TFilter> = {
      viewer,
      filter,
      audienceKey: `${visibilityClass(viewer)}\n${JSON.stringify(filter ?? null)}`,
      queue: new AsyncQueue<Entry<TEvent>>(this.options.maxBacklog, () =>
        this.options.logger.warn({ feed: name, orgId: viewer.orgId }, 'live subscriber fell too far behind; ending its feed so it resumes'),
      ),
    };
    this.subscribers.add(subscriber);
    this.options.metrics.liveSubscribers.inc({ feed: name });
    let position = afterPosition ?? this.highWater;
    let replaying = afterPosition !== undefined;
    let replayed: TRecord[] = [];
    let replayExhausted = false;
    let closed = false;

    const close = (): IteratorResult<TEvent> => {
      if (!closed) {
        closed = true;
        subscriber.queue.end();
        this.subscribers.delete(subscriber);
        this.options.metrics.liveSubscribers.dec({ feed: name });
      }
      return { value: undefined, done: true };
    };

    const nextReplayed = async (): Promise<IteratorResult<TEvent> | null> => {
      while (replaying && !closed) {
        const record = replayed.shift();
        if (record !== undefined) {
          position = this.source.positionOf(record);
          const event = this.source.eventFor(viewer, filter, record, new Map());
          if (event) return { value: event, done: false };
          continue;
        }
        if (replayExhausted) {
          replaying = false;
          break;
        }
        replayed = await this.source.replay(viewer, filter, position, REPLAY_PAGE);
        await this.source.prepare(replayed);
        for (const record of replayed) this.options.audit.recordLiveRead(this.source.auditTarget, viewer, this.source.readRecord(record));
        replayExhausted = replayed.length < REPLAY_PAGE;
      }
      return null;
    };

    /** The entry's event if it is past what this subscriber has had (replay and live may overlap). */
    const passes = (entry: Entry<TEvent>): IteratorResult<TEvent> | undefined => {
      if (entry.position <= position) return undefined;
      position = entry.position;
      return entry.result;
    };

    return closableIterator(
      async () => {
        if (closed) return { value: undefined, done: true };
        // Checked here so that live events (all but the first few) skip a promise each.
        if (replaying) {
          const fromReplay = await nextReplayed();
          if (fromReplay) return fromReplay;
        }
        for (;;) {
          const entry = await subscriber.queue.next();
          if (entry.done || closed) return close();
          const result = passes(entry.value);
          if (result) return result;
        }
      },
      close,
      () => {
        if (closed || replaying) return undefined;
        for (let entry = subscriber.queue.poll(); entry !== undefined; entry = subscriber.queue.poll()) {
          const result = passes(entry);
          if (result) return result;
        }
        return undefined;
      },
    );
  }

  /**
   * Records just committed: by this process, or by another whose notice carried them.
   * When they directly follow what the feed has delivered, nothing else can have
   * committed in between (positions follow commit order), so they are delivered without
   * a read-back; otherwise the pump reads from the database as usual.
   */
  offer(records: readonly TRecord[]): void {
    this.offered.push(...records);
    this.offered.sort((a, b) => (this.source.positionOf(a) < this.source.positionOf(b) ? -1 : 1));
    this.pump.wake(false);
  }

  /** The offered records if they continue the delivered positions without a gap; null to read from the database. */
  private takeOffered(): TRecord[] | null {
    const offered = this.offered.filter((record) => this.source.positionOf(record) > this.highWater);
    this.offered = [];
    const continues = offered.length > 0 && offered.every((record, index) => this.source.positionOf(record) === this.highWater + BigInt(index + 1));
    return continues ? offered : null;
  }

  /** `noticed`: a notice or the poll asked for this run, so others may have committed too and the database is read. */
  private async deliverCommitted(noticed: boolean): Promise<void> {
    if (this.subscribers.size === 0) {
      // Nobody to deliver to: the mark only follows the commits. Offered records say where
      // they end without a query; a bare notice or the poll means others may have committed.
      const offeredLast = this.offered.at(-1);
      this.offered = [];
      if (noticed || offeredLast === undefined) this.highWater = await this.source.maxPosition();
      else if (this.source.positionOf(offeredLast) > this.highWater) this.highWater = this.source.positionOf(offeredLast);
      return;
    }
    const offered = this.takeOffered();
    if (offered) await this.deliver(offered);
    if (offered && !noticed) return;
    for (;;) {
      const records = await this.source.committedAfter(this.highWater, PUMP_BATCH);
      if (records.length === 0) return;
      await this.deliver(records);
      if (records.length < PUMP_BATCH) return;
    }
  }

  private async deliver(records: readonly TRecord[]): Promise<void> {
    await this.source.prepare(records);
    for (const record of records) {
      const position = this.source.positionOf(record);
      const shaped = new Map<string, TEvent>();
      const decided = new Map<string, Entry<TEvent> | null>();
      const read = this.source.readRecord(record);
      const audited = isAuditedRead(read.tlp);
      for (const subscriber of this.subscribers) {
        let entry = decided.get(subscriber.audienceKey);
        if (entry === undefined) {
          const event = this.source.eventFor(subscriber.viewer, subscriber.filter, record, shaped);
          entry = event ? { position, result: { value: event, done: false } } : null;
          decided.set(subscriber.audienceKey, entry);
        }
        if (!entry) continue;
        subscriber.queue.push(entry);
        if (audited) this.options.audit.recordLiveRead(this.source.auditTarget, subscriber.viewer, read);
      }
      this.highWater = position;
    }
  }
}
