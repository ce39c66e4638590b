import { IncidentStatus } from '@kessetsu/schema';
import type { CorrelatedIncident, IncidentChanges, StoredIncident } from './incident-store.js';
import { PrefixIndex } from './prefix-index.js';

interface OpenIncident {
  incident: StoredIncident;
  keys: Set<string>;
  prefixes: Set<string>;
}

/**
 * The open incidents as last committed, with the keys and prefixes they offer: what
 * correlation searches, kept by the process that writes signals instead of read from
 * Postgres for every transaction. Each transaction reads only what changed since the
 * revision this view has reached (another hub process's joins, a curation, the quiet
 * sweep), under the write lock; its own changes enter once it has committed. Reading the
 * 940 candidate incidents of each ingest transaction took 24 ms of Postgres's time under
 * the lock and a tenth of the hub's (bench/README.md).
 *
 * The incidents held are never changed in place: a batch works on copies (see
 * BatchState), and `committed` puts them in.
 */
export class OpenIncidents {
  private readonly open = new Map<string, OpenIncident>();
  private readonly keyOwners = new Map<string, Set<string>>();
  private readonly prefixOwners = new PrefixIndex<string>();
  /** Every committed change up to this revision is reflected; null until first read. */
  private reached: bigint | null = null;

  /** Where the next read of changes starts (null: read every open incident). */
  get revision(): bigint | null {
    return this.reached;
  }

  get(id: string): StoredIncident | undefined {
    return this.open.get(id)?.incident;
  }

  /** Open incidents offering `key`. */
  offering(key: string): ReadonlySet<string> | undefined {
    return this.keyOwners.get(key);
  }

  /** Open incidents holding a prefix overlapping `prefix`. */
  overlapping(prefix: string): Set<string> {
    return this.prefixOwners.overlapping(prefix);
  }

  /** Whether the incident is known to offer `key` already (stored, so not to be written again). */
  offers(incidentId: string, key: string): boolean {
    return this.open.get(incidentId)?.keys.has(key) ?? false;
  }

  /** Takes changes read under the write lock: each incident replaces what was known of it, unless that is newer. */
  read(changes: IncidentChanges): void {
    for (const change of changes.incidents) {
      const known = this.open.get(change.incident.id);
      if (known && known.incident.revision >= change.incident.revision) continue;
      this.replace(change);
    }
    this.reach(changes.revision);
  }

  /**
   * After this process's transaction has committed: its incidents as written (revisions
   * set), and the keys and prefixes it stored. That transaction read every change before
   * it, and none can come between its lock and its commit.
   */
  committed(incidents: readonly StoredIncident[], keys: readonly { incidentId: string; key: string }[], prefixes: readonly { incidentId: string; prefix: string }[]): void {
    let latest = this.reached ?? 0n;
    for (const incident of incidents) {
      const known = this.open.get(incident.id);
      if (known && incident.status !== IncidentStatus.RESOLVED) known.incident = incident;
      else this.replace({ incident, keys: [], prefixes: [] });
      if (incident.revision > latest) latest = incident.revision;
    }
    for (const { incidentId, key } of keys) this.offer(incidentId, key);
    for (const { incidentId, prefix } of prefixes) this.hold(incidentId, prefix);
    this.reach(latest);
  }

  private reach(revision: bigint): void {
    if (this.reached === null || revision > this.reached) this.reached = revision;
  }

  private replace({ incident, keys, prefixes }: CorrelatedIncident): void {
    const known = this.open.get(incident.id);
    if (known) {
      for (const key of known.keys) {
        const owners = this.keyOwners.get(key)!;
        owners.delete(incident.id);
        if (owners.size === 0) this.keyOwners.delete(key);
      }
      for (const prefix of known.prefixes) this.prefixOwners.remove(prefix, incident.id);
      this.open.delete(incident.id);
    }
    if (incident.status === IncidentStatus.RESOLVED) return;
    this.open.set(incident.id, { incident, keys: new Set(), prefixes: new Set() });
    for (const key of keys) this.offer(incident.id, key);
    for (const prefix of prefixes) this.hold(incident.id, prefix);
  }

  private offer(incidentId: string, key: string): void {
    const entry = this.open.get(incidentId);
    if (!entry || entry.keys.has(key)) return;
    entry.keys.add(key);
    let owners = this.keyOwners.get(key);
    if (!owners) this.keyOwners.set(key, (owners = new Set()));
    owners.add(incidentId);
  }

  private hold(incidentId: string, prefix: string): void {
    const entry = this.open.get(incidentId);
    if (!entry || entry.prefixes.has(prefix)) return;
    entry.prefixes.add(prefix);
    this.prefixOwners.add(prefix, incidentId);
  }
}
