import { Injectable } from '@nestjs/common';
import { BlockList, isIPv6 } from 'node:net';
import { EntityManager } from 'typeorm';
import { IncidentEventType, IncidentStatus, Severity } from '@kessetsu/schema';
import { combineLabels } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { newId } from '../common/ids.js';
import type { StoredSignal } from '../signals/stored-signal.js';
import { AsnDirectory, TimeWindow, correlationTerms, signalWindow, windowsMeet } from './correlation-rules.js';
import { IncidentStore, NewIncidentEvent, StoredIncident } from './incident-store.js';

const SEVERITY_ORDER = [Severity.INFO, Severity.MINOR, Severity.MAJOR, Severity.CRITICAL];

export interface CorrelationOutcome {
  /** Incident of each correlated signal, by signal id (planned work has none). */
  incidentOf: Map<string, string>;
  /** Incidents created or changed, with their new revisions. */
  touched: StoredIncident[];
}

/** What one batch has done so far, so that its later signals see its earlier ones. */
class BatchState {
  readonly incidents = new Map<string, StoredIncident>();
  readonly created = new Set<string>();
  readonly keyOwners = new Map<string, string>();
  readonly prefixLists = new Map<string, BlockList>();
  readonly newKeys: { incidentId: string; key: string }[] = [];
  readonly newPrefixes: { incidentId: string; prefix: string }[] = [];
  readonly events: (NewIncidentEvent & { id: string })[] = [];
  readonly assignments: { signalId: string; incidentId: string }[] = [];

  localMatch(probes: string[], prefixes: string[], window: TimeWindow, marginMs: number): StoredIncident | null {
    const meets = (incident: StoredIncident | undefined) =>
      incident && windowsMeet(window, { start: incident.windowStart, end: incident.windowEnd }, marginMs) ? incident : null;
    for (const probe of probes) {
      const found = meets(this.incidents.get(this.keyOwners.get(probe) ?? ''));
      if (found) return found;
    }
    for (const [incidentId, list] of this.prefixLists) {
      if (prefixes.some((prefix) => overlaps(list, prefix))) {
        const found = meets(this.incidents.get(incidentId));
        if (found) return found;
      }
    }
    return null;
  }

  offer(incidentId: string, keys: string[], prefixes: string[]): void {
    for (const key of keys) {
      if (this.keyOwners.get(key) === incidentId) continue;
      this.keyOwners.set(key, incidentId);
      this.newKeys.push({ incidentId, key });
    }
    if (prefixes.length === 0) return;
    const list = this.prefixLists.get(incidentId) ?? new BlockList();
    for (const prefix of prefixes) {
      const [network, length] = prefix.split('/');
      list.addSubnet(network, Number(length), isIPv6(network) ? 'ipv6' : 'ipv4');
      this.newPrefixes.push({ incidentId, prefix });
    }
    this.prefixLists.set(incidentId, list);
  }
}

function overlaps(list: BlockList, prefix: string): boolean {
  const [network] = prefix.split('/');
  return list.check(network, isIPv6(network) ? 'ipv6' : 'ipv4');
}

/**
 * Puts each newly stored signal into an incident, inside the transaction that
 * stores it (signal writers are serialised, so two signals never race to open
 * twin incidents). The rules are in correlation-rules.ts.
 */
@Injectable()
export class CorrelationService {
  constructor(
    private readonly store: IncidentStore,
    private readonly config: HubConfig,
  ) {}

  /** `asns` is read before the transaction takes the ordered-write lock, to keep the lock short. */
  async correlate(manager: EntityManager, signals: StoredSignal[], asns: AsnDirectory): Promise<CorrelationOutcome> {
    const marginMs = this.config.HUB_CORRELATION_MARGIN_MINUTES * 60_000;
    const batch = new BatchState();
    for (const signal of signals) {
      const terms = correlationTerms(signal, asns);
      if (!terms) continue;
      const window = signalWindow(signal.observedStart, signal.observedEnd, signal.publishedAt);
      let incident = batch.localMatch(terms.probes, terms.prefixes, window, marginMs);
      if (!incident) {
        const found = await this.store.findCandidate(manager, terms.probes, terms.prefixes, window, marginMs);
        incident = found ? (batch.incidents.get(found.id) ?? found) : null;
      }
      if (!incident) {
        incident = openIncident(signal, window);
        batch.created.add(incident.id);
        batch.events.push(event(incident.id, IncidentEventType.OPENED, signal.orgId, { kind: signal.kind }));
      }
      batch.incidents.set(incident.id, incident);
      this.join(batch, incident, signal, window);
      batch.offer(incident.id, terms.keys, terms.prefixes);
      batch.assignments.push({ signalId: signal.id, incidentId: incident.id });
    }
    const touched = [...batch.incidents.values()];
    const revisions = await this.store.save(manager, touched, (id) => batch.created.has(id));
    for (const incident of touched) incident.revision = revisions.get(incident.id)!;
    await this.store.addKeys(manager, batch.newKeys);
    await this.store.addPrefixes(manager, batch.newPrefixes);
    await this.store.addEvents(manager, batch.events);
    await this.store.assignSignals(manager, batch.assignments);
    return { incidentOf: new Map(batch.assignments.map((entry) => [entry.signalId, entry.incidentId])), touched };
  }

  private join(batch: BatchState, incident: StoredIncident, signal: StoredSignal, window: TimeWindow): void {
    incident.kinds = union(incident.kinds, [signal.kind]);
    incident.regions = union(incident.regions, signal.regions);
    incident.services = union(incident.services, signal.service ? [signal.service] : []);
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

function openIncident(signal: StoredSignal, window: TimeWindow): StoredIncident {
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

const union = (current: string[], added: readonly string[]): string[] => [...new Set([...current, ...added])];
