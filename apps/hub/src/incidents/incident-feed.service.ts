import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PubSubEngine } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { Viewer, viewerTokens } from '@kessetsu/auth';
import { AuditService } from '../audit/audit.service.js';
import { HubConfig } from '../config/hub-config.js';
import { encodeCursor } from '../common/cursor.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { SqlParams } from '../common/sql-params.js';
import { AsyncQueue } from '../live/async-queue.js';
import { closableIterator } from '../live/closable-iterator.js';
import { WakeablePump } from '../live/wakeable-pump.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HUB_PUBSUB, HubTrigger, noticedPosition } from '../pubsub/hub-events.js';
import { IncidentFilter } from './dto/incident-filter.input.js';
import { incidentMatchesFilter } from './incident-filter.js';
import { IncidentUpdate } from './incident.model.js';
import { IncidentPresenter } from './incident-presenter.js';
import { INCIDENT_COLUMNS, StoredIncident, incidentReadRecord, toStoredIncident } from './incident-store.js';
import { INCIDENT_FEED } from './incidents.service.js';

/**
 * At most one message per incident per subscriber in this period; the latest state
 * wins. A change of status (an incident turning cross-carrier, or resolved) is the
 * news a NOC waits for, so it goes out at once.
 */
export const COALESCE_MS = 1000;
const PUMP_BATCH = 500;

/**
 * One subscriber's coalescing: an incident updated again within COALESCE_MS of its
 * last message waits, replaced by newer states, until its slot opens. The cursor
 * handed out stays below any held-back revision, so resuming never skips one.
 */
class CoalescingSubscriber {
  readonly queue: AsyncQueue<IncidentUpdate>;
  private readonly lastSent = new Map<string, { at: number; status: StoredIncident['status'] }>();
  private readonly held = new Map<string, StoredIncident>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Every revision at or below this has been delivered or superseded. */
  private settled: bigint;
  /** Live changes arriving while the replay runs wait here, so positions stay in order. */
  private deferred: StoredIncident[] | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly filter: IncidentFilter | null | undefined,
    start: bigint,
    capacity: number,
    private readonly shape: (incident: StoredIncident) => IncidentUpdate['incident'] | null,
  ) {
    this.queue = new AsyncQueue(capacity);
    this.settled = start;
  }

  startReplay(): void {
    this.deferred = [];
  }

  finishReplay(): void {
    const deferred = this.deferred ?? [];
    this.deferred = null;
    for (const incident of deferred) this.offer(incident);
  }

  /** A live change from the pump. */
  offerLive(incident: StoredIncident, now: number): void {
    if (this.deferred) this.deferred.push(incident);
    else {
      this.offer(incident, now);
      this.passed(incident.revision);
    }
  }

  offer(incident: StoredIncident, now = Date.now()): void {
    if (incident.revision <= this.settled && !this.held.has(incident.id)) return;
    const last = this.lastSent.get(incident.id);
    if (last !== undefined && now - last.at < COALESCE_MS && last.status === incident.status) {
      this.held.set(incident.id, incident);
      if (!this.timers.has(incident.id)) {
        this.timers.set(incident.id, setTimeout(() => this.release(incident.id), COALESCE_MS - (now - last.at)));
      }
      return;
    }
    this.send(incident, now);
  }

  /** Advances the settled mark past revisions that concerned nobody here. */
  private passed(revision: bigint): void {
    if (this.held.size === 0 && revision > this.settled) this.settled = revision;
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.end();
  }

  private release(incidentId: string): void {
    this.timers.delete(incidentId);
    const incident = this.held.get(incidentId);
    this.held.delete(incidentId);
    if (incident) this.send(incident, Date.now());
  }

  private send(incident: StoredIncident, now: number): void {
    this.held.delete(incident.id);
    const timer = this.timers.get(incident.id);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(incident.id);
    }
    this.lastSent.set(incident.id, { at: now, status: incident.status });
    const view = this.shape(incident);
    const heldRevisions = [...this.held.values()].map((held) => held.revision);
    const floor = heldRevisions.length > 0 ? heldRevisions.reduce((a, b) => (a < b ? a : b)) - 1n : incident.revision;
    if (floor > this.settled) this.settled = floor;
    if (view) this.queue.push({ cursor: encodeCursor(INCIDENT_FEED, this.settled), incident: view });
  }
}

/**
 * The live incident feed of this process. Incidents are read in revision (commit)
 * order; reading `revision > mark` returns each changed incident once, in its latest
 * state, so bursts coalesce at the source as well as per subscriber.
 */
@Injectable()
export class IncidentFeedService implements OnModuleInit, OnApplicationShutdown {
  private readonly subscribers = new Set<CoalescingSubscriber>();
  private highWater = 0n;
  private readonly pump: WakeablePump;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly presenter: IncidentPresenter,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly config: HubConfig,
    @Inject(HUB_PUBSUB) pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.pump = new WakeablePump(() => this.deliverChanged(), {
      name: INCIDENT_FEED,
      pubsub,
      trigger: HubTrigger.INCIDENTS_CHANGED,
      isPassed: (notice) => this.passes(notice),
      pollMs: config.HUB_FEED_POLL_MS,
      logger,
    });
  }

  async onModuleInit(): Promise<void> {
    this.highWater = await this.maxRevision();
    await this.pump.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.close();
    await this.pump.stop();
  }

  /** With `afterRevision`, first the latest state of every incident changed since then, then live. */
  subscribe(viewer: Viewer, filter: IncidentFilter | null | undefined, afterRevision?: bigint): AsyncIterableIterator<IncidentUpdate> {
    const shape = (incident: StoredIncident) => {
      const view = incidentMatchesFilter(incident, filter) ? this.presenter.present(viewer, incident) : null;
      if (view) this.audit.recordLiveRead('incident', viewer, incidentReadRecord(incident));
      return view;
    };
    const subscriber = new CoalescingSubscriber(viewer, filter, afterRevision ?? this.highWater, this.config.HUB_FEED_MAX_BACKLOG, shape);
    this.subscribers.add(subscriber);
    this.metrics.liveSubscribers.inc({ feed: INCIDENT_FEED });
    let closed = false;
    const close = (): IteratorResult<IncidentUpdate> => {
      if (!closed) {
        closed = true;
        subscriber.close();
        this.subscribers.delete(subscriber);
        this.metrics.liveSubscribers.dec({ feed: INCIDENT_FEED });
      }
      return { value: undefined, done: true };
    };
    if (afterRevision !== undefined) {
      subscriber.startReplay();
      this.replay(subscriber, afterRevision)
        .then(() => subscriber.finishReplay())
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'incident feed replay failed; ending the subscription');
          close();
        });
    }
    return closableIterator(async () => {
      if (closed) return { value: undefined, done: true };
      const entry = await subscriber.queue.next();
      return entry.done ? close() : entry;
    }, close);
  }

  private async replay(subscriber: CoalescingSubscriber, afterRevision: bigint): Promise<void> {
    const params = new SqlParams();
    const rows = await this.dataSource.query(
      `SELECT ${INCIDENT_COLUMNS} FROM incident i
       WHERE i.audience && ${params.add(viewerTokens(subscriber.viewer))}::text[] AND i.revision > ${params.add(afterRevision.toString())}::bigint
       ORDER BY i.revision`,
      params.values,
    );
    const incidents: StoredIncident[] = rows.map(toStoredIncident);
    await this.presenter.prepare(incidents);
    for (const incident of incidents) subscriber.offer(incident);
  }

  /**
   * Whether a notice needs no read: it announces revisions already passed, or nobody
   * subscribes, and then the mark only follows where the announced commits end (a query
   * per commit otherwise; the poll still reads the mark for notices that were lost).
   */
  private passes(notice: unknown): boolean {
    const revision = noticedPosition(notice, 'maxRevision');
    if (revision === null) return false;
    if (revision <= this.highWater) return true;
    if (this.subscribers.size > 0) return false;
    this.highWater = revision;
    return true;
  }

  private async deliverChanged(): Promise<void> {
    if (this.subscribers.size === 0) {
      const maxRevision = await this.maxRevision();
      if (maxRevision > this.highWater) this.highWater = maxRevision;
      return;
    }
    for (;;) {
      const rows = await this.dataSource.query(
        `SELECT ${INCIDENT_COLUMNS} FROM incident i WHERE i.revision > $1::bigint ORDER BY i.revision LIMIT $2`,
        [this.highWater.toString(), PUMP_BATCH],
      );
      const incidents: StoredIncident[] = rows.map(toStoredIncident);
      if (incidents.length === 0) return;
      await this.presenter.prepare(incidents);
      const now = Date.now();
      for (const incident of incidents) {
        for (const subscriber of this.subscribers) subscriber.offerLive(incident, now);
        this.highWater = incident.revision;
      }
      if (incidents.length < PUMP_BATCH) return;
    }
  }

  private async maxRevision(): Promise<bigint> {
    const [row] = await this.dataSource.query(`SELECT COALESCE(MAX(revision), 0)::text AS max FROM incident`);
    return BigInt(row.max);
  }
}
