import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { Viewer, disclosureFor, viewerTokens } from '@kessetsu/auth';
import { AuditService, ReadRecord } from '../audit/audit.service.js';
import { HubConfig } from '../config/hub-config.js';
import { encodeCursor } from '../common/cursor.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { OrderedFeed, OrderedFeedSource } from '../live/ordered-feed.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HUB_PUBSUB, HubTrigger, SignalsCommittedEvent, noticedPosition } from '../pubsub/hub-events.js';
import { PostgresPubSub } from '../pubsub/postgres-pubsub.js';
import type { SignalFilter } from './dto/signal-filter.input.js';
import { signalMatchesFilter } from './signal-filter.js';
import { SignalFeedEvent } from './signal.model.js';
import { SignalPresenter } from './signal-presenter.js';
import { SignalStore } from './signal-store.js';
import { SIGNAL_FEED, StoredSignal, signalReadRecord, storedSignalsFromJson } from './stored-signal.js';

type Filter = SignalFilter | null | undefined;

/** A notice of this feed's trigger, whose fields are checked where they are read. */
const signalsNotice = (notice: unknown): Partial<SignalsCommittedEvent> => (notice ?? {}) as Partial<SignalsCommittedEvent>;

/** The live signal feed of this process (see OrderedFeed for the delivery guarantees). */
@Injectable()
export class SignalFeedService implements OnModuleInit, OnApplicationShutdown, OrderedFeedSource<StoredSignal, SignalFeedEvent, Filter> {
  readonly name = SIGNAL_FEED;
  readonly trigger = HubTrigger.SIGNALS_COMMITTED;
  readonly auditTarget = 'signal';
  private readonly feed: OrderedFeed<StoredSignal, SignalFeedEvent, Filter>;
  /** This process, as the signals' notices name it (Postgres engine only). */
  private readonly processId: string | null;

  constructor(
    private readonly store: SignalStore,
    private readonly presenter: SignalPresenter,
    audit: AuditService,
    metrics: MetricsService,
    config: HubConfig,
    @Inject(HUB_PUBSUB) pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.processId = pubsub instanceof PostgresPubSub ? pubsub.processId : null;
    this.feed = new OrderedFeed(this, {
      pubsub,
      audit,
      metrics,
      logger,
      pollMs: config.HUB_FEED_POLL_MS,
      maxBacklog: config.HUB_FEED_MAX_BACKLOG,
    });
  }

  onModuleInit(): Promise<void> {
    return this.feed.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.feed.stop();
  }

  subscribe(viewer: Viewer, filter: Filter, afterSequence?: bigint): AsyncIterableIterator<SignalFeedEvent> {
    return this.feed.subscribe(viewer, filter, afterSequence);
  }

  /** Signals this process has just committed (see OrderedFeed.offer). */
  offer(signals: readonly StoredSignal[]): void {
    this.feed.offer(signals);
  }

  noticedPosition(notice: unknown): bigint | null {
    return noticedPosition(notice, 'maxSequence');
  }

  /**
   * A notice of this process's own commit, sent by Postgres as it commits: the writer offers
   * the same signals once the commit is answered (a read-back started by the notice would
   * race that offer and lose, costing a query and the delay of its answer).
   */
  isOwnNotice(notice: unknown): boolean {
    return this.processId !== null && signalsNotice(notice).committedBy === this.processId;
  }

  /** Another process's commit of a few signals sends them with its notice (SignalWriter). */
  noticedRecords(notice: unknown): StoredSignal[] | null {
    return storedSignalsFromJson(signalsNotice(notice).signals);
  }

  positionOf(signal: StoredSignal): bigint {
    return signal.sequence;
  }

  maxPosition(): Promise<bigint> {
    return this.store.maxSequence();
  }

  committedAfter(sequence: bigint, limit: number): Promise<StoredSignal[]> {
    return this.store.committedAfter(sequence, limit);
  }

  replay(viewer: Viewer, filter: Filter, afterSequence: bigint, limit: number): Promise<StoredSignal[]> {
    return this.store.page({ audienceTokens: viewerTokens(viewer), filter, afterSequence, limit, newestFirst: false });
  }

  prepare(signals: readonly StoredSignal[]): Promise<void> {
    return this.presenter.prepare(signals);
  }

  readRecord(signal: StoredSignal): ReadRecord {
    return signalReadRecord(signal);
  }

  /** Shapes each signal at most once per disclosure level. */
  eventFor(viewer: Viewer, filter: Filter, signal: StoredSignal, shaped: Map<string, SignalFeedEvent>): SignalFeedEvent | null {
    const disclosure = disclosureFor(viewer, { tlp: signal.tlp, publisherOrgId: signal.orgId, recipientOrgIds: signal.recipientOrgIds });
    if (!disclosure || !signalMatchesFilter(signal, filter)) return null;
    const key = `${disclosure.identity}:${disclosure.rawText}`;
    let event = shaped.get(key);
    if (!event) {
      event = { cursor: encodeCursor(SIGNAL_FEED, signal.sequence), signal: this.presenter.shape(signal, disclosure) };
      shaped.set(key, event);
    }
    return event;
  }
}
