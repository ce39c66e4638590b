import { Inject, Injectable } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { ROOT_LOGGER } from '../common/logger.js';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { lockOrderedWrites } from '../database/write-lock.js';
import type { AsnDirectory } from '../incidents/correlation-rules.js';
import { CorrelationService } from '../incidents/correlation.service.js';
import type { StoredIncident } from '../incidents/incident-store.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { HUB_PUBSUB, HubTrigger, SignalsCommittedEvent } from '../pubsub/hub-events.js';
import type { SignalDetailsRecord } from './signal-details.js';
import { NewSignalRow, SignalStore } from './signal-store.js';
import { SignalFeedService } from './signal-feed.service.js';
import type { PendingSignal, StoredSignal } from './stored-signal.js';

/** Larger requests are audited by count only, to keep the log readable. */
const AUDITED_IDS = 100;
/** Requests joining one transaction stop here (a single request may be larger: the hub's batch limit). */
const GROUP_SIGNALS = 5000;

export interface WriteOutcome {
  /** Signals this request stored, in its order. */
  inserted: StoredSignal[];
  /** Signals of this request whose (org, sourceRef) was already stored. */
  existing: StoredSignal[];
  /** Incidents created or changed by the transaction. */
  touched: StoredIncident[];
}

interface WriteRequest {
  viewer: Viewer;
  orgId: string;
  rows: NewSignalRow[];
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

/**
 * Stores validated signals: one transaction at a time under the ordered-write lock
 * (so sequence = commit order), with the requests that arrived while the previous
 * transaction ran joining the next one (group commit). Thirty-two NOCs publishing one
 * signal each then cost one lock wait and one commit, not thirty-two in a row. Each
 * request is answered after the commit that holds it; if a shared transaction fails,
 * its requests are retried one by one so that one bad request cannot sink the others.
 */
@Injectable()
export class SignalWriter {
  private readonly queue: WriteRequest[] = [];
  private writing = false;

  constructor(
    private readonly store: SignalStore,
    private readonly correlation: CorrelationService,
    private readonly aggregates: AggregatesService,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly feed: SignalFeedService,
    private readonly metrics: MetricsService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  write(viewer: Viewer, orgId: string, rows: NewSignalRow[]): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ viewer, orgId, rows, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          this.settle(group, await this.commit(group));
        } catch (error) {
          if (group.length === 1) group[0].reject(error);
          else for (const request of group) await this.commit([request]).then((outcomes) => this.settle([request], outcomes), request.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private takeGroup(): WriteRequest[] {
    const group = [this.queue.shift()!];
    let size = group[0].rows.length;
    while (this.queue.length > 0 && size + this.queue[0].rows.length <= GROUP_SIGNALS) {
      size += this.queue[0].rows.length;
      group.push(this.queue.shift()!);
    }
    return group;
  }

  private settle(group: WriteRequest[], outcomes: WriteOutcome[]): void {
    group.forEach((request, i) => request.resolve(outcomes[i]));
  }

  private async commit(group: WriteRequest[]): Promise<WriteOutcome[]> {
    const asns = await this.organisations.asnDirectory();
    const outcomes = await this.store.transaction((manager) => this.storeGroup(manager, group, asns));
    const inserted = outcomes.flatMap((outcome) => outcome.inserted);
    if (inserted.length > 0) this.announce(inserted, outcomes[0].touched);
    return outcomes;
  }

  private async storeGroup(manager: EntityManager, group: WriteRequest[], asns: AsnDirectory): Promise<WriteOutcome[]> {
    const publishedAt = await lockOrderedWrites(manager);
    /** By organisation and sourceRef: stored before, or by an earlier request of this transaction. */
    const stored = new Map<string, StoredSignal>();
    const refs = group.flatMap((request) => request.rows.map((row) => ({ orgId: request.orgId, sourceRef: row.source_ref })));
    for (const signal of await this.store.findBySourceRefs(manager, refs)) stored.set(refKey(signal.orgId, signal.sourceRef), signal);
    const freshRows: NewSignalRow[] = [];
    const fresh = new Set<string>();
    for (const request of group) {
      for (const row of request.rows) {
        const key = refKey(request.orgId, row.source_ref);
        if (stored.has(key) || fresh.has(key)) continue;
        fresh.add(key);
        freshRows.push(row);
      }
    }
    const pending = freshRows.map((row) => toPendingSignal(row, publishedAt));
    const { incidentOf, touched } = await this.correlation.correlate(manager, pending, asns);
    for (const row of freshRows) row.incident_id = incidentOf.get(row.id) ?? null;
    const sequences = await this.store.insertBatch(manager, freshRows);
    const insertedById = new Map(
      pending.map((signal) => [signal.id, { ...signal, incidentId: incidentOf.get(signal.id) ?? null, sequence: sequences.get(signal.id)! }]),
    );
    for (const signal of insertedById.values()) stored.set(refKey(signal.orgId, signal.sourceRef), signal);
    await this.aggregates.record(manager, [...insertedById.keys()]);

    const outcomes = group.map((request) => ({
      inserted: request.rows.flatMap((row) => insertedById.get(row.id) ?? []),
      existing: request.rows.flatMap((row) => (insertedById.has(row.id) ? [] : [stored.get(refKey(request.orgId, row.source_ref))!])),
      touched,
    }));
    await this.audit.recordMany(
      group.flatMap((request, i) => {
        const { inserted } = outcomes[i];
        if (inserted.length === 0) return [];
        const targetIds = inserted.length <= AUDITED_IDS ? inserted.map((signal) => signal.id) : [];
        return [{ viewer: request.viewer, action: AuditAction.SIGNALS_PUBLISHED, targetType: 'signal', targetIds, details: { count: inserted.length } }];
      }),
      manager,
    );
    return outcomes;
  }

  /** Wakes the live feeds of every hub process. A lost notice only delays delivery until the next poll. */
  private announce(inserted: StoredSignal[], touched: StoredIncident[]): void {
    for (const signal of inserted) this.metrics.signalsPublished.inc({ kind: signal.kind });
    const maxSequence = inserted.reduce((max, signal) => (signal.sequence > max ? signal.sequence : max), 0n);
    this.feed.offer(inserted);
    const notices: [HubTrigger, object][] = [[HubTrigger.SIGNALS_COMMITTED, { maxSequence: maxSequence.toString() } satisfies SignalsCommittedEvent]];
    if (touched.length > 0) notices.push([HubTrigger.INCIDENTS_CHANGED, {}]);
    for (const [trigger, payload] of notices) {
      this.pubsub.publish(trigger, payload).catch((error: unknown) => {
        this.logger.warn({ err: error, trigger }, 'could not announce a commit; live feeds will catch up by polling');
      });
    }
  }
}

const refKey = (orgId: string, sourceRef: string) => `${orgId}\n${sourceRef}`;

function toPendingSignal(row: NewSignalRow, publishedAt: Date): PendingSignal {
  return {
    id: row.id,
    orgId: row.org_id,
    sourceRef: row.source_ref,
    kind: row.kind as SignalKind,
    severity: row.severity as Severity,
    tlp: row.tlp as TlpLabel,
    recipientOrgIds: row.recipient_org_ids,
    audience: row.audience,
    observedStart: new Date(row.observed_start),
    observedEnd: row.observed_end === null ? null : new Date(row.observed_end),
    regions: row.regions,
    service: row.service,
    details: row.details as SignalDetailsRecord,
    textRaw: row.text_raw,
    textScrubbed: row.text_scrubbed,
    publishedAt,
    incidentId: null,
  };
}
