import { Injectable } from '@nestjs/common';
import { IncidentEventType, IncidentStatus, Severity } from '@kessetsu/schema';
import { combineLabels } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { newId } from '../common/ids.js';
import type { PendingSignal, UnpublishedSignal } from '../signals/stored-signal.js';
import { Row, Statement } from '../database/statements.js';
import { AsnDirectory, CorrelationTerms, TimeWindow, correlationTerms, signalWindow, windowsMeet } from './correlation-rules.js';
import { IncidentStore, NewIncidentEvent, StoredIncident } from './incident-store.js';
import { OpenIncidents, ownersOf } from './open-incidents.js';
import { PrefixIndex } from './prefix-index.js';

const SEVERITY_ORDER = [Severity.INFO, Severity.MINOR, Severity.MAJOR, Severity.CRITICAL];

export interface CorrelationOutcome {
  /** Incident of each correlated signal, by signal id (planned work has none). */
  incidentOf: Map<string, string>;
  /** Incidents created or changed, their revisions set by `committed`. */
  touched: StoredIncident[];
  /** What the transaction must write: incidents first (signals refer to them), then keys, prefixes, events. */
  statements: Statement[];
  /** Takes the rows of `statements` once their transaction has committed, and sets the touched incidents' new revisions. */
  committed(rows: Row[][]): void;
}

/** What a batch's signals look for, worked out before the transaction. */
export interface CorrelationPlan {
  terms: Map<string, CorrelationTerms>;
  /** Every route prefix the batch holds, each once. */
  prefixes: string[];
}

/**
 * What a batch opened, joined and offered, as the next batch sees it when it is correlated
 * ahead of its lock: maps only, so that no batch holds the one before it.
 */
interface BatchAdditions {
  incidents: ReadonlyMap<string, StoredIncident>;
  keyOwners: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * A batch's incidents over the open incidents as committed: the ones it joins are
 * copied when first joined, so that what is committed stays as read until the batch has
 * committed too, and saving writes only what changed.
 */
class BatchState {
  /** Incidents this batch joined (copies) or opened: those not stored before it (see `before`) were opened. */
  readonly incidents = new Map<string, StoredIncident>();
  readonly newKeys: { incidentId: string; key: string }[] = [];
  readonly newPrefixes: { incidentId: string; prefix: string }[] = [];
  readonly events: (NewIncidentEvent & { id: string })[] = [];
  /** Keys offered by this batch, not stored before. */
  private readonly addedKeyOwners = new Map<string, Set<string>>();
  /** Prefixes added by this batch. */
  private readonly addedPrefixes = new PrefixIndex<string>();

  /**
   * `storedOverlaps`: open incidents overlapping each of the batch's prefixes, as Postgres
   * found them. `basis`: what the batch of the transaction committing before this one
   * added, when this one is correlated ahead of its lock (see CorrelationService.assume),
   * as if committed.
   */
  constructor(
    private readonly open: OpenIncidents,
    private readonly storedOverlaps: Map<string, ReadonlySet<string>>,
    private readonly basis: BatchAdditions | null,
  ) {}

  get additions(): BatchAdditions {
    return { incidents: this.incidents, keyOwners: this.addedKeyOwners };
  }

  /** The incident as stored before this batch (once the basis has committed), if it is stored and open. */
  before(id: string): StoredIncident | undefined {
    return this.basis?.incidents.get(id) ?? this.open.get(id);
  }

  /** The incident as this batch has made it so far. */
  current(id: string): StoredIncident {
    return this.incidents.get(id) ?? this.before(id)!;
  }

  /** The incident for this batch to change: its own copy. */
  joining(id: string): StoredIncident {
    let incident = this.incidents.get(id);
    if (!incident) this.incidents.set(id, (incident = { ...this.before(id)! }));
    return incident;
  }

  opened(incident: StoredIncident): void {
    this.incidents.set(incident.id, incident);
  }

  /**
   * The oldest open incident offering one of the probes or an overlapping prefix whose
   * window meets the signal's. An incident found twice is weighed twice, which cannot
   * change the oldest: no set of ids is built for each of a batch's signals.
   */
  match(terms: CorrelationTerms, window: TimeWindow, marginMs: number): StoredIncident | null {
    let oldest: StoredIncident | null = null;
    for (const probe of terms.probes) {
      oldest = this.oldestMeeting(this.open.offering(probe), window, marginMs, oldest);
      if (this.basis) oldest = this.oldestMeeting(this.basis.keyOwners.get(probe), window, marginMs, oldest);
      oldest = this.oldestMeeting(this.addedKeyOwners.get(probe), window, marginMs, oldest);
    }
    for (const prefix of terms.prefixes) {
      oldest = this.oldestMeeting(this.storedOverlaps.get(prefix), window, marginMs, oldest);
      oldest = this.oldestMeeting(this.addedPrefixes.overlapping(prefix), window, marginMs, oldest);
    }
    return oldest;
  }

  /** Over sets only (with no empty one made for a miss), so that the loop stays monomorphic and allocates no iterator results. */
  private oldestMeeting(ids: ReadonlySet<string> | undefined, window: TimeWindow, marginMs: number, oldest: StoredIncident | null): StoredIncident | null {
    if (!ids) return oldest;
    for (const id of ids) {
      const incident = this.current(id);
      if (!windowsMeet(window, incident, marginMs)) continue;
      if (!oldest || incident.windowStart < oldest.windowStart || (+incident.windowStart === +oldest.windowStart && incident.id < oldest.id)) {
        oldest = incident;
      }
    }
    return oldest;
  }

  /** Records what the incident now offers; a key it offers already is not written again. */
  offer(incidentId: string, terms: CorrelationTerms): void {
    for (const key of terms.keys) {
      if (this.open.offers(incidentId, key) || this.basis?.keyOwners.get(key)?.has(incidentId)) continue;
      const owners = ownersOf(this.addedKeyOwners, key);
      if (owners.has(incidentId)) continue;
      owners.add(incidentId);
      this.newKeys.push({ incidentId, key });
    }
    for (const prefix of terms.prefixes) {
      this.addedPrefixes.add(prefix, incidentId);
      this.newPrefixes.push({ incidentId, prefix });
    }
  }
}

/** An outcome, what its batch added, and whether its transaction has committed (it may instead fail). */
interface Correlated {
  outcome: CorrelationOutcome;
  additions: BatchAdditions;
  hasCommitted: boolean;
}

/**
 * Puts each signal about to be stored into an incident, inside the transaction that
 * stores it (signal writers are serialised, so two signals never race to open
 * twin incidents); worked out before that transaction holds the lock when possible, on
 * assumptions the transaction checks under it (`assume`), else under the lock after a
 * read of what changed (`correlate`). The rules are in correlation-rules.ts.
 */
@Injectable()
export class CorrelationService {
  private readonly open = new OpenIncidents();
  /** The transaction id of the latest correlated transaction, whose writes the next one's read (or assumption) leaves out. */
  private latestTransaction: string | null = null;
  /** The latest transaction's outcome, until the next one is correlated. */
  private latest: Correlated | null = null;
  /** Whether the latest read under the lock found incidents changed by others (another hub process publishing, say). */
  private othersWroteLast = false;

  constructor(
    private readonly store: IncidentStore,
    private readonly config: HubConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Outside the transaction: each signal's terms. */
  plan(signals: UnpublishedSignal[], asns: AsnDirectory): CorrelationPlan {
    const terms = new Map<string, CorrelationTerms>();
    const prefixes = new Set<string>();
    for (const signal of signals) {
      const signalTerms = correlationTerms(signal, asns);
      if (!signalTerms) continue;
      terms.set(signal.id, signalTerms);
      for (const prefix of signalTerms.prefixes) prefixes.add(prefix);
    }
    return { terms, prefixes: [...prefixes] };
  }

  /**
   * What a transaction reads with the lock, before `correlate`: the incidents changed since
   * the open incidents known here (and its own transaction id), and the open incidents
   * overlapping the batch's prefixes. The latest transaction's writes are left out, for it
   * may be committing as this is sent (see SignalWriter); the caller lets it finish before
   * correlating.
   */
  reads(plan: CorrelationPlan): Statement[] {
    const reads = [this.store.changesStatement(this.open.revision, this.latestTransaction)];
    if (plan.prefixes.length > 0) reads.push(this.store.overlapsStatement(plan.prefixes));
    return reads;
  }

  /**
   * Whether `assume` can be tried: once the open incidents have been read, and not right
   * after a read found incidents changed by others (another hub process publishing, say:
   * most assumptions would fail, and the work be done twice), nor for batches with route
   * prefixes, whose overlaps Postgres finds under the lock. The writer asks before it
   * begins the transaction, which then waits for the lock only after `assume`.
   */
  mayAssume(plan: CorrelationPlan): boolean {
    return plan.prefixes.length === 0 && !this.othersWroteLast && this.open.revision !== null;
  }

  /**
   * Correlates transaction `transactionId`'s signals before it holds the lock, while the
   * transaction before it may still commit: over the open incidents as that one leaves
   * them if it commits. The transaction writes the outcome on assumptions it checks first
   * under the lock: that the one before committed (the writer's), and that no one else has
   * changed an incident since (`assumption`). If it fails instead, `assumptionFailed` is
   * called. Null when `mayAssume` no longer holds.
   */
  assume(plan: CorrelationPlan, signals: PendingSignal[], transactionId: string): { outcome: CorrelationOutcome; assumption: Statement } | null {
    if (!this.mayAssume(plan)) return null;
    const assumption = this.store.unchangedStatement(this.open.revision!, this.latestTransaction);
    this.latest = this.correlateOver(this.uncommittedLatest(), new Map(), plan, signals);
    this.latestTransaction = transactionId;
    return { outcome: this.latest.outcome, assumption };
  }

  /** A transaction written by `assume` failed: the next one reads what changed, under its lock. */
  assumptionFailed(): void {
    this.othersWroteLast = true;
  }

  /**
   * Puts the signals (all planned, now holding the lock) into incidents, given the rows of
   * `reads`. The transaction before this one must have been answered: committed (and its
   * incidents known here) or failed.
   */
  correlate(plan: CorrelationPlan, readRows: Row[][], signals: PendingSignal[], transactionId: string): CorrelationOutcome {
    const [changeRows, overlaps] = readRows;
    const changes = this.store.toChanges(changeRows);
    this.open.read(changes);
    this.metrics.openIncidentsHeld.set(this.open.size);
    this.latestTransaction = transactionId;
    this.othersWroteLast = changes.incidents.length > 0;
    this.latest = this.correlateOver(null, overlaps ? this.store.toOverlaps(overlaps, plan.prefixes) : new Map(), plan, signals);
    return this.latest.outcome;
  }

  /** The latest outcome if its transaction has not committed yet: what a transaction correlated ahead of its lock builds on. */
  private uncommittedLatest(): Correlated | null {
    return this.latest && !this.latest.hasCommitted ? this.latest : null;
  }

  private correlateOver(basis: Correlated | null, overlaps: Map<string, ReadonlySet<string>>, plan: CorrelationPlan, signals: PendingSignal[]): Correlated {
    const marginMs = this.marginMs();
    const batch = new BatchState(this.open, overlaps, basis?.additions ?? null);
    const incidentOf = new Map<string, string>();
    for (const signal of signals) {
      const terms = plan.terms.get(signal.id);
      if (!terms) continue;
      const window = signalWindow(signal.observedStart, signal.observedEnd, signal.publishedAt);
      const found = batch.match(terms, window, marginMs);
      let incident: StoredIncident;
      if (found) {
        incident = batch.joining(found.id);
      } else {
        incident = openIncident(signal, window);
        batch.opened(incident);
        batch.events.push(event(incident.id, IncidentEventType.OPENED, signal.orgId, { kind: signal.kind }));
      }
      this.join(batch, incident, signal, window);
      batch.offer(incident.id, terms);
      incidentOf.set(signal.id, incident.id);
    }
    const touched = [...batch.incidents.values()];
    const saves = this.store.saveStatements(
      touched,
      (id) => batch.before(id) === undefined,
      (id) => batch.before(id),
    );
    const statements = [
      ...saves,
      ...[this.store.keysStatement(batch.newKeys), this.store.prefixesStatement(batch.newPrefixes), this.store.eventsStatement(batch.events)].filter(
        (write): write is Statement => write !== null,
      ),
    ];
    const correlated: Correlated = {
      additions: batch.additions,
      hasCommitted: false,
      outcome: {
        incidentOf,
        touched,
        statements,
        committed: (rows) => {
          const revisions = this.store.revisionsOf(rows.slice(0, saves.length));
          for (const incident of touched) incident.revision = revisions.get(incident.id)!;
          this.open.committed(touched, batch.newKeys);
          correlated.hasCommitted = true;
          this.metrics.openIncidentsHeld.set(this.open.size);
        },
      },
    };
    return correlated;
  }

  private marginMs(): number {
    return this.config.HUB_CORRELATION_MARGIN_MINUTES * 60_000;
  }

  private join(batch: BatchState, incident: StoredIncident, signal: PendingSignal, window: TimeWindow): void {
    incident.kinds = withValue(incident.kinds, signal.kind);
    incident.regions = union(incident.regions, signal.regions);
    if (signal.service) incident.services = withValue(incident.services, signal.service);
    incident.signalCount += 1;
    if (window.start < incident.windowStart) incident.windowStart = window.start;
    if (window.end > incident.windowEnd) incident.windowEnd = window.end;
    if (!incident.severityCurated && SEVERITY_ORDER.indexOf(signal.severity) > SEVERITY_ORDER.indexOf(incident.severity)) {
      incident.severity = signal.severity;
    }
    if (!incident.tlpCurated && incident.signalCount > 1) {
      const label = combineLabels(incident, { tlp: signal.tlp, recipientOrgIds: signal.recipientOrgIds });
      incident.tlp = label.tlp;
      incident.recipientOrgIds = label.recipientOrgIds;
    }
    if (incident.orgIds.includes(signal.orgId)) return;
    incident.orgIds = [...incident.orgIds, signal.orgId];
    if (incident.orgIds.length === 1) return;
    batch.events.push(event(incident.id, IncidentEventType.ORG_JOINED, signal.orgId, { orgId: signal.orgId, kind: signal.kind }));
    if (incident.status === IncidentStatus.SINGLE_ORG) {
      incident.status = IncidentStatus.CROSS_CARRIER;
      batch.events.push(
        event(incident.id, IncidentEventType.STATUS_CHANGED, null, { from: IncidentStatus.SINGLE_ORG, to: IncidentStatus.CROSS_CARRIER }),
      );
    }
  }
}

function openIncident(signal: PendingSignal, window: TimeWindow): StoredIncident {
  return {
    id: newId(),
    revision: 0n,
    status: IncidentStatus.SINGLE_ORG,
    kinds: [],
    regions: [],
    services: [],
    orgIds: [],
    signalCount: 0,
    windowStart: window.start,
    windowEnd: window.end,
    severity: signal.severity,
    tlp: signal.tlp,
    recipientOrgIds: [...signal.recipientOrgIds],
    tlpCurated: false,
    severityCurated: false,
    title: null,
    note: null,
    openedAt: new Date(),
    updatedAt: new Date(),
    resolvedAt: null,
  };
}

function event(incidentId: string, type: IncidentEventType, actorOrgId: string | null, details: Record<string, unknown>) {
  return { id: newId(), incidentId, type, actorOrgId, actorUserId: null, details };
}

/**
 * `current` itself when it holds the value already: most signals joining an incident add
 * nothing to its lists, and then nothing is allocated (this runs for every correlated signal).
 */
function withValue(current: string[], value: string): string[] {
  return current.includes(value) ? current : [...current, value];
}

/** `current` with each of `added` (see withValue). */
function union(current: string[], added: readonly string[]): string[] {
  return added.reduce(withValue, current);
}
