import { Inject, Injectable } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { ROOT_LOGGER } from '../common/logger.js';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import type { Row, Statement } from '../database/statements.js';
import { AssumptionFailed, OrderedWork } from '../database/write-lock.js';
import { CorrelationOutcome, CorrelationPlan, CorrelationService } from '../incidents/correlation.service.js';
import type { StoredIncident } from '../incidents/incident-store.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import {
  HUB_PUBSUB,
  HubTrigger,
  INCIDENTS_CHANGED_SQL,
  NOTICED_SIGNALS_MAX_BYTES,
  incidentsChanged,
  signalsCommitted,
  signalsCommittedSql,
} from '../pubsub/hub-events.js';
import { PostgresPubSub } from '../pubsub/postgres-pubsub.js';
import type { SignalDetailsRecord } from './signal-details.js';
import { NewSignalRow, SignalStore } from './signal-store.js';
import { SignalFeedService } from './signal-feed.service.js';
import { SignalRow, StoredSignal, toStoredSignal } from './stored-signal.js';

/** Larger requests are audited by count only, to keep the log readable. */
const AUDITED_IDS = 100;
/** Requests joining one transaction stop here (a single request may be larger: the hub's batch limit). */
const GROUP_SIGNALS = 5000;
/** Commits of more signals leave them out of their notice without asking: at 500 bytes or more each, they would not fit. */
const NOTICED_SIGNALS = 14;

export interface WriteOutcome {
  /** Signals this request stored, in its order. */
  inserted: StoredSignal[];
  /** Signals of this request whose (org, sourceRef) was already stored. */
  existing: StoredSignal[];
  /** Incidents created or changed by the transaction. */
  touched: StoredIncident[];
}

/** A group's requests and what is worked out for them before their transaction. */
interface GroupInWriting {
  group: WriteRequest[];
  signals: Map<string, StoredSignal>;
  plan: CorrelationPlan;
  /** The rows to store if none turns out to be stored already. */
  unstored: NewSignalRow[];
  /** COPY lines by row id, when the group is COPYed. */
  copyTexts: Map<string, string> | null;
}

interface ChainEnd {
  nextSequence: bigint;
  storing: string;
}

interface WriteRequest {
  viewer: Viewer;
  orgId: string;
  rows: NewSignalRow[];
  /** Retried after the transaction it shared failed: it now commits in one of its own. */
  alone?: boolean;
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

/**
 * Stores validated signals: one transaction at a time under the ordered-write lock
 * (so sequence = commit order), with the requests that arrived while the previous
 * transaction ran joining the next one (group commit). Thirty-two NOCs publishing one
 * signal each then cost one lock wait and one commit, not thirty-two in a row. After a
 * large transaction the next one starts as soon as the previous one sends its last round
 * trip (and the one before that has committed): it is correlated over the incidents as
 * that commit will leave them and written whole, its lock, checks of what it assumed,
 * statements and COMMIT in one round trip that Postgres runs as soon as the commit before
 * it is done, without waiting for this process (`assumingWork`); where that cannot be
 * assumed, its lock and reads wait inside Postgres for that commit instead of a round trip
 * after it. Each request is answered after the commit that holds it, in commit order; if
 * an assumption fails, the group is written again after a read; if a shared transaction
 * fails otherwise, its requests are retried one by one so that one bad request cannot
 * sink the others.
 */
@Injectable()
export class SignalWriter {
  private readonly queue: WriteRequest[] = [];
  private writing = false;
  /** Settles when the last started transaction has been answered (and announced). */
  private answered: Promise<void> = Promise.resolve();
  /** Settles when the last started transaction has committed (its outcome applied) or failed. */
  private previousTransaction: Promise<void> = Promise.resolve();
  /**
   * Where the latest started transaction leaves the signal sequence, and a signal it stores:
   * what the next one, if COPYed, may assume of it (see `assumingWork`). Null when not known.
   */
  private chainEnd: ChainEnd | null = null;
  /** Over Postgres a transaction's notices are statements of its own (noticesAtCommit); otherwise `announce` publishes them. */
  private readonly noticesGoWithCommit: PostgresPubSub | null;

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
  ) {
    this.noticesGoWithCommit = pubsub instanceof PostgresPubSub ? pubsub : null;
  }

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
        // A large transaction lets the next one start as its last round trip leaves; after a
        // small one, waiting for its commit lets more publishes join the next group, which
        // costs less than another transaction (publish-latency bench, bench/README.md).
        const copies = this.store.usesCopy(group.reduce((count, request) => count + request.rows.length, 0));
        await new Promise<void>((next) => {
          const committed = this.commit(group, copies, copies ? next : () => {});
          committed.then(
            () => next(),
            () => next(),
          );
          this.answered = this.answered
            .then(() => this.settle(group, committed))
            .catch((error: unknown) => this.logger.error({ err: error }, 'could not answer committed publishes'));
        });
      }
    } finally {
      this.writing = false;
    }
  }

  private takeGroup(): WriteRequest[] {
    const group = [this.queue.shift()!];
    if (group[0].alone) return group;
    let size = group[0].rows.length;
    while (this.queue.length > 0 && !this.queue[0].alone && size + this.queue[0].rows.length <= GROUP_SIGNALS) {
      size += this.queue[0].rows.length;
      group.push(this.queue.shift()!);
    }
    return group;
  }

  private retryAlone(group: WriteRequest[], error: unknown): void {
    if (group.length === 1) {
      group[0].reject(error);
      return;
    }
    this.retry(group.map((request) => ({ ...request, alone: true })));
  }

  /** Puts requests back at the head of the queue, for a transaction of their own. */
  private retry(requests: WriteRequest[]): void {
    this.queue.unshift(...requests);
    if (!this.writing) void this.drain();
  }

  /** Answers a group once every earlier one is answered, or retries its requests alone if its transaction failed. */
  private async settle(group: WriteRequest[], committed: Promise<WriteOutcome[]>): Promise<void> {
    let outcomes: WriteOutcome[];
    try {
      outcomes = await committed;
    } catch (error) {
      if (error instanceof AssumptionFailed) this.retry(group);
      else this.retryAlone(group, error);
      return;
    }
    const inserted = outcomes.flatMap((outcome) => outcome.inserted);
    if (inserted.length > 0) this.announce(inserted, outcomes[0].touched);
    group.forEach((request, i) => request.resolve(outcomes[i]));
  }

  private async commit(group: WriteRequest[], copies: boolean, lastRoundTripSent: () => void): Promise<WriteOutcome[]> {
    const asns = await this.organisations.asnDirectory();
    const signals = new Map(group.flatMap((request) => request.rows.map((row) => [row.id, toSignalInWriting(row)])));
    const unwritten = [...signals.values()];
    const plan = this.correlation.plan(unwritten, asns);
    const correlationReads = this.correlation.reads(plan);
    const reads = [this.store.findBySourceRefs(unwritten), ...correlationReads];
    // Large transactions COPY their signals: the rows' text written before the lock, and
    // sequences drawn among the reads, so that everything after them goes with COMMIT.
    const copyTexts = copies ? this.store.copyTexts(group.flatMap((request) => request.rows)) : null;
    const sequencesAt = copyTexts ? reads.push(this.store.drawSequences(signals.size)) - 1 : -1;
    // The rows to store if none turns out to be stored already, as is usual: found once, before the lock.
    const unstored = freshRowsOf(group, new Map());
    // This transaction's reads may return before the hub has read the previous one's
    // commit; correlation goes on from where that one left the open incidents. Where the
    // transaction before left the signal sequence is known, it is written outright instead,
    // before the lock, on assumptions checked under it (see `assumingWork`).
    const previous = this.previousTransaction;
    const chainEnd = copyTexts && unstored.length > 0 && this.correlation.mayAssume(plan) ? this.chainEnd : null;
    this.chainEnd = null;
    let transactionId = '';
    const writing: GroupInWriting = { group, signals, plan, unstored, copyTexts };
    const transaction = this.store.orderedWrite({
      reads,
      assuming: chainEnd !== null,
      begun: (publishedAt, begunAs) => {
        transactionId = begunAs;
        return chainEnd ? this.assumingWork(writing, publishedAt, transactionId, chainEnd) : undefined;
      },
      work: async (publishedAt, rows) => {
        await previous;
        return this.storeGroup(writing, publishedAt, transactionId, rows[0], rows.slice(1, 1 + correlationReads.length), copyTexts && rows[sequencesAt]);
      },
      // The next transaction begins once this one's work has gone and the one before has
      // committed: it then builds on this one alone (CorrelationService.assume).
      lastRoundTripSent: () => void previous.then(lastRoundTripSent),
    });
    this.previousTransaction = transaction.then(
      () => undefined,
      (error: unknown) => {
        this.chainEnd = null;
        if (error instanceof AssumptionFailed) {
          this.correlation.assumptionFailed();
          this.metrics.writesOnAssumptions.inc({ outcome: 'failed' });
        }
      },
    );
    return transaction;
  }

  /**
   * Before the lock, the whole transaction of a group that is COPYed: correlated over the
   * open incidents as the transaction before leaves them (CorrelationService.assume), its
   * signals taking the sequences after that one's, none of them stored already. What that
   * assumes is checked under the lock, before anything else is written (that the
   * transaction before committed, that no one else changed an incident) or with the
   * sequence after the signals (that no one else drew from it); a signal stored already
   * conflicts with its unique key. If anything fails, the transaction rolls back and the
   * group is written again the way that reads first (`settle`). Nothing when correlation
   * cannot be assumed after all (the transaction before it failed meanwhile, say).
   */
  private assumingWork(
    { group, signals, plan, unstored, copyTexts }: GroupInWriting,
    publishedAt: Date,
    transactionId: string,
    chainEnd: ChainEnd,
  ): OrderedWork<WriteOutcome[]> | undefined {
    const pending = publish(unstored, signals, publishedAt);
    const assumed = this.correlation.assume(plan, pending, transactionId);
    if (!assumed) return undefined;
    this.chainEnd = { nextSequence: chainEnd.nextSequence + BigInt(unstored.length), storing: unstored[0].id };
    const work = this.finalWork(group, unstored, pending, new Map(), assumed.outcome, { texts: copyTexts!, first: chainEnd.nextSequence });
    const assumptions = [this.store.storedStatement(chainEnd.storing), assumed.assumption];
    const sequences = this.store.assumedSequencesStatement(chainEnd.nextSequence, unstored.length);
    return {
      final: [...assumptions, ...work.final, sequences],
      committed: (finalRows) => {
        this.metrics.writesOnAssumptions.inc({ outcome: 'committed' });
        return work.committed(finalRows.slice(assumptions.length, assumptions.length + work.final.length));
      },
    };
  }

  /** Under the lock: leaves out what is stored already, and correlates. */
  private storeGroup(
    { group, signals, plan, unstored, copyTexts }: GroupInWriting,
    publishedAt: Date,
    transactionId: string,
    storedRows: Row[],
    correlationRows: Row[][],
    drawnRows: Row[] | null,
  ): OrderedWork<WriteOutcome[]> {
    /** By organisation and sourceRef: stored before, or by an earlier request of this transaction. */
    const stored = new Map<string, StoredSignal>();
    for (const signal of storedRows.map((row) => toStoredSignal(row as SignalRow))) stored.set(refKey(signal.orgId, signal.sourceRef), signal);
    const freshRows = stored.size === 0 ? unstored : freshRowsOf(group, stored);
    const pending = publish(freshRows, signals, publishedAt);
    const correlation = this.correlation.correlate(plan, correlationRows, pending, transactionId);
    const first = drawnRows && this.store.drawnFirst(drawnRows);
    if (first !== null && freshRows.length > 0) this.chainEnd = { nextSequence: first + BigInt(signals.size), storing: freshRows[0].id };
    return this.finalWork(group, freshRows, pending, stored, correlation, copyTexts && { texts: copyTexts, first: first! });
  }

  /**
   * The statements that go with COMMIT: incidents first (signals refer to them), then the
   * signals (INSERT, or COPY from sequence `first`), rollups, audit and notices; and what
   * the group's requests are answered once they have committed.
   */
  private finalWork(
    group: WriteRequest[],
    freshRows: NewSignalRow[],
    pending: StoredSignal[],
    stored: Map<string, StoredSignal>,
    correlation: CorrelationOutcome,
    copying: { texts: Map<string, string>; first: bigint } | null,
  ): OrderedWork<WriteOutcome[]> {
    for (const row of freshRows) row.incident_id = correlation.incidentOf.get(row.id) ?? null;
    const freshIds = new Set(freshRows.map((row) => row.id));

    const copied = copying && freshRows.length > 0 ? this.store.copyIn(freshRows, copying.texts, copying.first) : null;
    const insert = copying || freshRows.length === 0 ? [] : [this.store.insertStatement(freshRows)];
    const audit = this.audit.entriesStatement(
      group.flatMap((request) => {
        const inserted = request.rows.filter((row) => freshIds.has(row.id));
        if (inserted.length === 0) return [];
        const targetIds = inserted.length <= AUDITED_IDS ? inserted.map((row) => row.id) : [];
        return [{ viewer: request.viewer, action: AuditAction.SIGNALS_PUBLISHED, targetType: 'signal', targetIds, details: { count: inserted.length } }];
      }),
    );
    const rollup = this.aggregates.recordStatement(copied ? copied.block : { ids: [...freshIds] });
    const bookkeeping = [rollup, audit].filter((write): write is Statement => write !== null);
    const incidentWrites = correlation.statements;
    const notices =
      freshRows.length > 0 && this.noticesGoWithCommit
        ? noticesAtCommit(
            this.noticesGoWithCommit,
            freshRows.length <= NOTICED_SIGNALS ? this.store.rowsJsonSql([...freshIds], NOTICED_SIGNALS_MAX_BYTES) : null,
            correlation.touched.length > 0,
          )
        : [];
    return {
      final: [...incidentWrites, ...(copied ? [copied.copy] : insert), ...bookkeeping, ...notices],
      committed: (finalRows: Row[][]): WriteOutcome[] => {
        correlation.committed(finalRows.slice(0, incidentWrites.length));
        const sequences = copied?.sequences ?? this.store.sequencesOf(insert.length > 0 ? finalRows[incidentWrites.length] : []);
        const insertedById = new Map<string, StoredSignal>();
        for (const signal of pending) {
          signal.incidentId = correlation.incidentOf.get(signal.id) ?? null;
          signal.sequence = sequences.get(signal.id)!;
          insertedById.set(signal.id, signal);
          stored.set(refKey(signal.orgId, signal.sourceRef), signal);
        }
        return group.map((request) => ({
          inserted: request.rows.flatMap((row) => insertedById.get(row.id) ?? []),
          existing: request.rows.flatMap((row) => (insertedById.has(row.id) ? [] : [stored.get(refKey(request.orgId, row.source_ref))!])),
          touched: correlation.touched,
        }));
      },
    };
  }

  /** Wakes the live feeds of every hub process. A lost notice only delays delivery until the next poll. */
  private announce(inserted: StoredSignal[], touched: StoredIncident[]): void {
    for (const signal of inserted) this.metrics.signalsPublished.inc({ kind: signal.kind });
    this.feed.offer(inserted);
    if (this.noticesGoWithCommit) return;
    const notices: [HubTrigger, object][] = [[HubTrigger.SIGNALS_COMMITTED, signalsCommitted(inserted.map((signal) => signal.sequence))]];
    if (touched.length > 0) notices.push([HubTrigger.INCIDENTS_CHANGED, incidentsChanged(touched.map((incident) => incident.revision))]);
    for (const [trigger, payload] of notices) {
      this.pubsub.publish(trigger, payload).catch((error: unknown) => {
        this.logger.warn({ err: error, trigger }, 'could not announce a commit; live feeds will catch up by polling');
      });
    }
  }
}

const refKey = (orgId: string, sourceRef: string) => `${orgId}\n${sourceRef}`;

/** The group's rows to store: the first of each (organisation, sourceRef) not stored already. */
function freshRowsOf(group: WriteRequest[], stored: Map<string, StoredSignal>): NewSignalRow[] {
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
  return freshRows;
}

/** The signals of these rows, published by the transaction at `publishedAt`. */
function publish(rows: NewSignalRow[], signals: Map<string, StoredSignal>, publishedAt: Date): StoredSignal[] {
  return rows.map((row) => {
    const signal = signals.get(row.id)!;
    signal.publishedAt = publishedAt;
    return signal;
  });
}

/**
 * With Postgres between the hub processes, the notices of a transaction that stored
 * signals go with its commit (see PostgresPubSub.noticeAtCommit), carrying the signals
 * when there are few (`signalsSql`); in-process, `announce` publishes them once the
 * commit is answered.
 */
function noticesAtCommit(pubsub: PostgresPubSub, signalsSql: string | null, incidentsTouched: boolean): Statement[] {
  const notices = [pubsub.noticeAtCommit(HubTrigger.SIGNALS_COMMITTED, signalsCommittedSql(pubsub.processId, signalsSql))];
  if (incidentsTouched) notices.push(pubsub.noticeAtCommit(HubTrigger.INCIDENTS_CHANGED, INCIDENTS_CHANGED_SQL));
  return notices;
}

const UNPUBLISHED = new Date(0);

/**
 * The signal a row becomes, made once: the transaction sets its publication time, incident
 * and position in place (copies of it under the lock and after the commit were 4% of the
 * hub's busy time while publishing batches, bench/README.md). Until then they hold
 * placeholders; a transaction that fails leaves them behind, and its retry starts afresh.
 * Fields in toStoredSignal's order, so that signals written here and read back share a shape.
 */
function toSignalInWriting(row: NewSignalRow): StoredSignal {
  return {
    id: row.id,
    sequence: 0n,
    orgId: row.org_id,
    sourceRef: row.source_ref,
    kind: row.kind as SignalKind,
    severity: row.severity as Severity,
    tlp: row.tlp as TlpLabel,
    recipientOrgIds: row.recipient_org_ids,
    audience: row.audience,
    observedStart: row.observed_start,
    observedEnd: row.observed_end,
    regions: row.regions,
    service: row.service,
    details: row.details as SignalDetailsRecord,
    textRaw: row.text_raw,
    textScrubbed: row.text_scrubbed,
    publishedAt: UNPUBLISHED,
    incidentId: null,
  };
}
