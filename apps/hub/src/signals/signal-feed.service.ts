import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { Disclosure, Viewer, disclosureFor, viewerTokens } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { encodeCursor } from '../common/cursor.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { AsyncQueue } from '../live/async-queue.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HUB_PUBSUB, HubTrigger } from '../pubsub/hub-events.js';
import type { SignalFilter } from './dto/signal-filter.input.js';
import { signalMatchesFilter } from './signal-filter.js';
import { SignalFeedEvent, SignalView } from './signal.model.js';
import { SignalPresenter } from './signal-presenter.js';
import { SignalStore } from './signal-store.js';
import { SIGNAL_FEED } from './signals.service.js';
import type { StoredSignal } from './stored-signal.js';

const PUMP_BATCH = 1000;
const REPLAY_PAGE = 500;

interface FeedEntry {
  sequence: bigint;
  event: SignalFeedEvent;
}

interface FeedSubscriber {
  viewer: Viewer;
  filter: SignalFilter | null | undefined;
  queue: AsyncQueue<FeedEntry>;
}

/**
 * The live signal feed of this process. The database is the source of truth: a
 * PubSub notice (or, failing that, a poll) wakes the pump, which reads everything
 * committed past its high-water mark in commit order and hands each signal to the
 * subscribers the access policy allows.
 */
@Injectable()
export class SignalFeedService implements OnModuleInit, OnApplicationShutdown {
  private readonly subscribers = new Set<FeedSubscriber>();
  private highWater = 0n;
  private pumping: Promise<void> | null = null;
  private wakeAgain = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private pubsubSubscription: number | null = null;

  constructor(
    private readonly store: SignalStore,
    private readonly presenter: SignalPresenter,
    private readonly metrics: MetricsService,
    private readonly config: HubConfig,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.highWater = await this.store.maxSequence();
    this.pubsubSubscription = await this.pubsub.subscribe(HubTrigger.SIGNALS_COMMITTED, () => this.wake(), {});
    this.pollTimer = setInterval(() => this.wake(), this.config.HUB_FEED_POLL_MS);
    this.pollTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.pubsubSubscription !== null) this.pubsub.unsubscribe(this.pubsubSubscription);
    for (const subscriber of this.subscribers) subscriber.queue.end();
    await this.pumping;
  }

  /**
   * A stream of the signals this viewer may see, newest last. With `afterSequence`
   * it first replays what was committed since then, then continues live; positions
   * already delivered are skipped so the seam has no gap and no duplicate.
   */
  subscribe(viewer: Viewer, filter: SignalFilter | null | undefined, afterSequence?: bigint): AsyncIterableIterator<SignalFeedEvent> {
    const subscriber: FeedSubscriber = {
      viewer,
      filter,
      queue: new AsyncQueue<FeedEntry>(this.config.HUB_FEED_MAX_BACKLOG, () =>
        this.logger.warn({ orgId: viewer.orgId }, 'live subscriber fell too far behind; ending its feed so it resumes'),
      ),
    };
    this.subscribers.add(subscriber);
    this.metrics.liveSubscribers.inc({ feed: SIGNAL_FEED });
    let position = afterSequence ?? this.highWater;
    let replaying = afterSequence !== undefined;
    let replayed: StoredSignal[] = [];
    let replayExhausted = false;
    let closed = false;

    const close = (): IteratorResult<SignalFeedEvent> => {
      if (!closed) {
        closed = true;
        subscriber.queue.end();
        this.subscribers.delete(subscriber);
        this.metrics.liveSubscribers.dec({ feed: SIGNAL_FEED });
      }
      return { value: undefined, done: true };
    };

    const nextReplayed = async (): Promise<IteratorResult<SignalFeedEvent> | null> => {
      while (replaying && !closed) {
        const signal = replayed.shift();
        if (signal) {
          position = signal.sequence;
          const view = this.presenter.present(viewer, signal);
          if (view) return { value: { cursor: encodeCursor(SIGNAL_FEED, signal.sequence), signal: view }, done: false };
          continue;
        }
        if (replayExhausted) {
          replaying = false;
          break;
        }
        replayed = await this.store.page({
          audienceTokens: viewerTokens(viewer),
          filter,
          afterSequence: position,
          limit: REPLAY_PAGE,
          newestFirst: false,
        });
        await this.presenter.prepare(replayed);
        replayExhausted = replayed.length < REPLAY_PAGE;
      }
      return null;
    };

    return {
      next: async () => {
        if (closed) return { value: undefined, done: true };
        const fromReplay = await nextReplayed();
        if (fromReplay) return fromReplay;
        for (;;) {
          const entry = await subscriber.queue.next();
          if (entry.done || closed) return close();
          if (entry.value.sequence <= position) continue;
          position = entry.value.sequence;
          return { value: entry.value.event, done: false };
        }
      },
      return: async () => close(),
      throw: async (error: unknown) => {
        close();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Starts a pump run, or asks the running one to go round again. */
  wake(): void {
    if (this.pumping) {
      this.wakeAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => this.logger.error({ err: error }, 'live feed pump failed; will retry on next wake'))
      .finally(() => {
        this.pumping = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  private async pump(): Promise<void> {
    if (this.subscribers.size === 0) {
      this.highWater = await this.store.maxSequence();
      return;
    }
    for (;;) {
      const signals = await this.store.committedAfter(this.highWater, PUMP_BATCH);
      if (signals.length === 0) return;
      await this.presenter.prepare(signals);
      for (const signal of signals) {
        this.deliver(signal);
        this.highWater = signal.sequence;
      }
      if (signals.length < PUMP_BATCH) return;
    }
  }

  /** Shapes each signal at most once per disclosure level, then hands it to every subscriber allowed to see it. */
  private deliver(signal: StoredSignal): void {
    const record = { tlp: signal.tlp, publisherOrgId: signal.orgId, recipientOrgIds: signal.recipientOrgIds };
    const shaped = new Map<string, FeedEntry>();
    const cursor = encodeCursor(SIGNAL_FEED, signal.sequence);
    for (const subscriber of this.subscribers) {
      const disclosure = disclosureFor(subscriber.viewer, record);
      if (!disclosure || !signalMatchesFilter(signal, subscriber.filter)) continue;
      const key = disclosureKey(disclosure);
      let entry = shaped.get(key);
      if (!entry) {
        const view: SignalView = this.presenter.shape(signal, disclosure);
        entry = { sequence: signal.sequence, event: { cursor, signal: view } };
        shaped.set(key, entry);
      }
      subscriber.queue.push(entry);
    }
  }
}

const disclosureKey = (disclosure: Disclosure): string => `${disclosure.identity}:${disclosure.rawText}`;
