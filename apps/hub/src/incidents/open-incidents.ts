import { IncidentStatus } from '@kessetsu/schema';
import type { CorrelatedIncident, IncidentChanges, StoredIncident } from './incident-store.js';

interface OpenIncident {
  incident: StoredIncident;
  keys: Set<string>;
}

/**
 * The open incidents as last committed, with the keys they offer: what correlation
 * searches, kept by the process that writes signals instead of read from Postgres for
 * every transaction. Each transaction reads only what changed since the revision this
 * view has reached (another hub process's joins, a curation, the quiet sweep), under the
 * write lock; its own changes enter once it has committed. Reading the 940 candidate
 * incidents of each ingest transaction took 24 ms of Postgres's time under the lock and a
 * tenth of the hub's (bench/README.md). Route prefixes stay in Postgres, searched by
 * overlap per transaction: a leak gives its incidents a hundred thousand, too many to hold.
 *
 * The incidents held are never changed in place: a batch works on copies (see
 * BatchState), and `committed` puts them in.
 */
export class OpenIncidents {
  private readonly open = new Map<string, OpenIncident>();
  private readonly keyOwners = new Map<string, Set<string>>();
  /** Every committed change up to this revision is reflected; null until first read. */
  private reached: bigint | null = null;

  /** Where the next read of changes starts (null: read every open incident). */
  get revision(): bigint | null {
    return this.reached;
  }

  /** How many open incidents are held. */
  get size(): number {
    return this.open.size;
  }

  get(id: string): StoredIncident | undefined {
    return this.open.get(id)?.incident;
  }

  /** Open incidents offering `key`. */
  offering(key: string): ReadonlySet<string> | undefined {
    return this.keyOwners.get(key);
  }

  /** Whether the incident is known to offer `key` already (stored, so not to be written again). */
  offers(incidentId: string, key: string): boolean {
    return this.open.get(incidentId)?.keys.has(key) ?? false;
  }

  /** Takes changes read under the write lock: each incident replaces what was known of it, unless that is newer. */
  read(changes: Pick<IncidentChanges, 'revision' | 'incidents'>): void {
    for (const change of changes.incidents) {
      const known = this.open.get(change.incident.id);
      if (known && known.incident.revision >= change.incident.revision) continue;
      this.replace(change);
    }
    this.reach(changes.revision);
  }

  /**
   * After this process's transaction has committed: its incidents as written (revisions
   * set), and the keys it stored. That transaction read every change before it, and none
   * can come between its lock and its commit.
   */
  committed(incidents: readonly StoredIncident[], keys: readonly { incidentId: string; key: string }[]): void {
    let latest = this.reached ?? 0n;
    for (const incident of incidents) {
      const known = this.open.get(incident.id);
      if (known && incident.status !== IncidentStatus.RESOLVED) known.incident = incident;
      else this.replace({ incident, keys: [] });
      if (incident.revision > latest) latest = incident.revision;
    }
    for (const { incidentId, key } of keys) this.offer(incidentId, key);
    this.reach(latest);
  }

  private reach(revision: bigint): void {
    if (this.reached === null || revision > this.reached) this.reached = revision;
  }

  private replace({ incident, keys }: CorrelatedIncident): void {
    const known = this.open.get(incident.id);
    if (known) {
      for (const key of known.keys) {
        const owners = this.keyOwners.get(key)!;
        owners.delete(incident.id);
        if (owners.size === 0) this.keyOwners.delete(key);
      }
      this.open.delete(incident.id);
    }
    if (incident.status === IncidentStatus.RESOLVED) return;
    this.open.set(incident.id, { incident, keys: new Set() });
    for (const key of keys) this.offer(incident.id, key);
  }

  private offer(incidentId: string, key: string): void {
    const entry = this.open.get(incidentId);
    if (!entry || entry.keys.has(key)) return;
    entry.keys.add(key);
    ownersOf(this.keyOwners, key).add(incidentId);
  }
}

/** The owners recorded for `key`, an empty set made and recorded if there were none. */
export function ownersOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let owners = map.get(key);
  if (!owners) map.set(key, (owners = new Set()));
  return owners;
}
