import { Injectable } from '@nestjs/common';
import { IncidentEventType, IncidentStatus, Severity } from '@kessetsu/schema';
import { combineLabels } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { newId } from '../common/ids.js';
import type { PendingSignal, UnpublishedSignal } from '../signals/stored-signal.js';
import { Row, Statement } from '../database/statements.js';
import {
  AsnDirectory,
  CorrelationTerms,
  TimeWindow,
  correlationTerms,
  signalWindow,
  windowsMeet,
} from './correlation-rules.js';
import { CommittedKeys } from './committed-keys.js';
import { CandidateIncident, IncidentStore, NewIncidentEvent, StoredIncident } from './incident-store.js';
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

/** What a batch's signals look for, worked out before the transaction; its candidates are read with the lock. */
export interface CorrelationPlan {
  terms: Map<string, CorrelationTerms>;
  prefixes: string[];
  /** The candidate incidents' query, or null when no signal correlates. */
  candidates: Statement | null;
}

/** Later than any publication: an open-ended window then reaches its horizon, the furthest it can. */
const LATEST_PUBLICATION = new Date(8.64e15);

/** The incidents one batch may join and what it has done so far, so that its later signals see its earlier ones. */
class BatchState {
  readonly incidents = new Map<string, StoredIncident>();
  /** Each candidate as read (joins replace its fields, never change them in place), so that saving writes only what changed. */
  readonly asRead = new Map<string, StoredIncident>();
  readonly created = new Set<string>();
  readonly newKeys: { incidentId: string; key: string }[] = [];
  readonly newPrefixes: { incidentId: string; prefix: string }[] = [];
  readonly events: (NewIncidentEvent & { id: string })[] = [];
  private readonly keyOwners = new Map<string, Set<string>>();
  /** Stored incidents overlapping each of the batch's prefixes, as Postgres found them. */
  private readonly storedOverlaps = new Map<string, Set<string>>();
  /** Prefixes added by this batch. */
  private readonly addedPrefixes = new PrefixIndex<string>();

  constructor(candidates: CandidateIncident[]) {
    for (const { incident, keys, prefixes } of candidates) {
      this.incidents.set(incident.id, incident);
      this.asRead.set(incident.id, { ...incident });
      for (const key of keys) ownersOf(this.keyOwners, key).add(incident.id);
      for (const prefix of prefixes) ownersOf(this.storedOverlaps, prefix).add(incident.id);
    }
  }

  /**
   * The oldest open incident offering one of the probes or an overlapping prefix whose
   * window meets the signal's. An incident found twice is weighed twice, which cannot
   * change the oldest: no set of ids is built for each of a batch's signals.
   */
  match(terms: CorrelationTerms, window: TimeWindow, marginMs: number): StoredIncident | null {
    let oldest: StoredIncident | null = null;
    for (const probe of terms.probes) oldest = this.oldestMeeting(this.keyOwners.get(probe), window, marginMs, oldest);
    for (const prefix of terms.prefixes) {
      oldest = this.oldestMeeting(this.storedOverlaps.get(prefix), window, marginMs, oldest);
      oldest = this.oldestMeeting(this.addedPrefixes.overlapping(prefix), window, marginMs, oldest);
    }
    return oldest;
  }

  private oldestMeeting(ids: Iterable<string> | undefined, window: TimeWindow, marginMs: number, oldest: StoredIncident | null): StoredIncident | null {
    for (const id of ids ?? []) {
      const incident = this.incidents.get(id)!;
      if (!windowsMeet(window, incident, marginMs)) continue;
      if (!oldest || incident.windowStart < oldest.windowStart || (+incident.windowStart === +oldest.windowStart && incident.id < oldest.id)) {
        oldest = incident;
      }
    }
    return oldest;
  }

  offer(incidentId: string, terms: CorrelationTerms): void {
    for (const key of terms.keys) {
      const owners = ownersOf(this.keyOwners, key);
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

function ownersOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let owners = map.get(key);
  if (!owners) {
    owners = new Set();
    map.set(key, owners);
  }
  return owners;
}

/**
 * Puts each signal about to be stored into an incident, inside the transaction that
 * stores it (signal writers are serialised, so two signals never race to open
 * twin incidents). The rules are in correlation-rules.ts.
 */
@Injectable()
export class CorrelationService {
  private readonly committedKeys = new CommittedKeys();

  constructor(
    private readonly store: IncidentStore,
    private readonly config: HubConfig,
  ) {}

  /**
   * Outside the transaction: each signal's terms and the query for the incidents they
   * may join. Bounds assume the latest publication time, so the candidates cover
   * whatever the transaction's timestamp turns out to be.
   */
  plan(signals: UnpublishedSignal[], asns: AsnDirectory): CorrelationPlan {
    const terms = new Map<string, CorrelationTerms>();
    let start = Infinity;
    let end = -Infinity;
    for (const signal of signals) {
      const signalTerms = correlationTerms(signal, asns);
      if (!signalTerms) continue;
      terms.set(signal.id, signalTerms);
      const window = signalWindow(signal.observedStart, signal.observedEnd, LATEST_PUBLICATION);
      start = Math.min(start, window.start.getTime());
      end = Math.max(end, window.end.getTime());
    }
    const all = [...terms.values()];
    const probes = [...new Set(all.flatMap((entry) => entry.probes))];
    const prefixes = [...new Set(all.flatMap((entry) => entry.prefixes))];
    const candidates =
      probes.length === 0 && prefixes.length === 0
        ? null
        : this.store.candidatesStatement(probes, prefixes, { start: new Date(start), end: new Date(end) }, this.marginMs());
    return { terms, prefixes, candidates };
  }

  /** Puts the signals (all planned, now holding the lock) into incidents, given the plan's candidate rows. */
  correlate(plan: CorrelationPlan, candidateRows: Row[], signals: PendingSignal[]): CorrelationOutcome {
    const marginMs = this.marginMs();
    const batch = new BatchState(this.store.toCandidates(candidateRows, plan.prefixes));
    const touched = new Map<string, StoredIncident>();
    const incidentOf = new Map<string, string>();
    for (const signal of signals) {
      const terms = plan.terms.get(signal.id);
      if (!terms) continue;
      const window = signalWindow(signal.observedStart, signal.observedEnd, signal.publishedAt);
      let incident = batch.match(terms, window, marginMs);
      if (!incident) {
        incident = openIncident(signal, window);
        batch.incidents.set(incident.id, incident);
        batch.created.add(incident.id);
        batch.events.push(event(incident.id, IncidentEventType.OPENED, signal.orgId, { kind: signal.kind }));
      }
      touched.set(incident.id, incident);
      this.join(batch, incident, signal, window);
      batch.offer(incident.id, terms);
      incidentOf.set(signal.id, incident.id);
    }
    const saves = this.store.saveStatements(
      [...touched.values()],
      (id) => batch.created.has(id),
      (id) => batch.asRead.get(id),
    );
    const unknownKeys = batch.newKeys.filter(({ incidentId, key }) => !this.committedKeys.has(incidentId, key));
    const statements = [
      ...saves,
      ...[this.store.keysStatement(unknownKeys), this.store.prefixesStatement(batch.newPrefixes), this.store.eventsStatement(batch.events)].filter(
        (write): write is Statement => write !== null,
      ),
    ];
    return {
      incidentOf,
      touched: [...touched.values()],
      statements,
      committed: (rows) => {
        const revisions = this.store.revisionsOf(rows.slice(0, saves.length));
        for (const incident of touched.values()) incident.revision = revisions.get(incident.id)!;
        this.committedKeys.remember(batch.newKeys);
      },
    };
  }

  private marginMs(): number {
    return this.config.HUB_CORRELATION_MARGIN_MINUTES * 60_000;
  }

  private join(batch: BatchState, incident: StoredIncident, signal: PendingSignal, window: TimeWindow): void {
    incident.kinds = union(incident.kinds, [signal.kind]);
    incident.regions = union(incident.regions, signal.regions);
    if (signal.service) incident.services = union(incident.services, [signal.service]);
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
 * `current` itself when nothing is new: most signals joining an incident add nothing to
 * these lists, and then nothing is allocated (this runs for every correlated signal).
 */
function union(current: string[], added: readonly string[]): string[] {
  let result = current;
  for (const value of added) {
    if (result.includes(value)) continue;
    if (result === current) result = [...current];
    result.push(value);
  }
  return result;
}
