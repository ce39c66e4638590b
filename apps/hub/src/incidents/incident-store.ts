import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IncidentEventType, IncidentStatus, Severity, TlpLabel } from '@kessetsu/schema';
import { incidentAudienceOf } from '@kessetsu/auth';
import type { TimeWindow } from './correlation-rules.js';

/** An incident row as the correlation and read paths use it. */
export interface StoredIncident {
  id: string;
  revision: bigint;
  status: IncidentStatus;
  kinds: string[];
  regions: string[];
  services: string[];
  orgIds: string[];
  signalCount: number;
  windowStart: Date;
  windowEnd: Date;
  severity: Severity;
  tlp: TlpLabel;
  recipientOrgIds: string[];
  tlpCurated: boolean;
  severityCurated: boolean;
  title: string | null;
  note: string | null;
  openedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
}

export interface NewIncidentEvent {
  incidentId: string;
  type: IncidentEventType;
  actorOrgId: string | null;
  actorUserId: string | null;
  details: Record<string, unknown>;
}

export const INCIDENT_COLUMNS = `i.id, i.revision::text AS revision, i.status, i.kinds, i.regions, i.services, i.org_ids,
  i.signal_count, i.window_start, i.window_end, i.severity, i.tlp, i.recipient_org_ids, i.tlp_curated,
  i.severity_curated, i.title, i.note, i.opened_at, i.updated_at, i.resolved_at`;

export function toStoredIncident(row: Record<string, any>): StoredIncident {
  return {
    id: row.id,
    revision: BigInt(row.revision),
    status: row.status,
    kinds: row.kinds,
    regions: row.regions,
    services: row.services,
    orgIds: row.org_ids,
    signalCount: row.signal_count,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    severity: row.severity,
    tlp: row.tlp,
    recipientOrgIds: row.recipient_org_ids,
    tlpCurated: row.tlp_curated,
    severityCurated: row.severity_curated,
    title: row.title,
    note: row.note,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
  };
}

/** All SQL touching incidents, their correlation keys and timelines. */
@Injectable()
export class IncidentStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The oldest open incident offering one of the probes or an overlapping prefix, within the widened window. */
  async findCandidate(
    manager: EntityManager,
    probes: string[],
    prefixes: string[],
    window: TimeWindow,
    marginMs: number,
  ): Promise<StoredIncident | null> {
    const rows = await manager.query(
      `SELECT ${INCIDENT_COLUMNS} FROM incident i
       WHERE i.id IN (
           SELECT k.incident_id FROM incident_key k WHERE k.key = ANY($1::text[])
           UNION
           SELECT p.incident_id FROM incident_prefix p JOIN unnest($2::cidr[]) AS q(prefix) ON p.prefix && q.prefix)
         AND i.status <> 'RESOLVED'
         AND i.window_start <= $4::timestamptz + make_interval(secs => $5::float8 / 1000)
         AND i.window_end >= $3::timestamptz - make_interval(secs => $5::float8 / 1000)
       ORDER BY i.window_start, i.id
       LIMIT 1`,
      [probes, prefixes, window.start, window.end, marginMs],
    );
    return rows[0] ? toStoredIncident(rows[0]) : null;
  }

  /** Inserts or updates incidents, each taking a new revision (its position in commit order). */
  async save(manager: EntityManager, incidents: StoredIncident[], isNew: (id: string) => boolean): Promise<Map<string, bigint>> {
    const revisions = new Map<string, bigint>();
    for (const incident of incidents) {
      const values = [
        incident.id,
        incident.status,
        incident.kinds,
        incident.regions,
        incident.services,
        incident.orgIds,
        incident.signalCount,
        incident.windowStart,
        incident.windowEnd,
        incident.severity,
        incident.tlp,
        incident.recipientOrgIds,
        incident.resolvedAt,
        incidentAudienceOf({ tlp: incident.tlp, participantOrgIds: incident.orgIds, recipientOrgIds: incident.recipientOrgIds }),
        incident.title,
        incident.note,
        incident.tlpCurated,
        incident.severityCurated,
      ];
      const [row] = isNew(incident.id)
        ? await manager.query(
            `INSERT INTO incident (id, status, kinds, regions, services, org_ids, signal_count, window_start, window_end,
               severity, tlp, recipient_org_ids, resolved_at, audience, title, note, tlp_curated, severity_curated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING revision::text`,
            values,
          )
        : await manager.query(
            `UPDATE incident SET status = $2, kinds = $3, regions = $4, services = $5, org_ids = $6, signal_count = $7,
               window_start = $8, window_end = $9, severity = $10, tlp = $11, recipient_org_ids = $12, resolved_at = $13, audience = $14,
               title = $15, note = $16, tlp_curated = $17, severity_curated = $18,
               revision = nextval(pg_get_serial_sequence('incident', 'revision')), updated_at = now()
             WHERE id = $1 RETURNING revision::text`,
            values,
          ).then((result: [Record<string, string>[], number]) => result[0]);
      revisions.set(incident.id, BigInt(row.revision));
    }
    return revisions;
  }

  async addKeys(manager: EntityManager, keys: { incidentId: string; key: string }[]): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(
      `INSERT INTO incident_key (incident_id, key) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`,
      [keys.map((entry) => entry.incidentId), keys.map((entry) => entry.key)],
    );
  }

  async addPrefixes(manager: EntityManager, prefixes: { incidentId: string; prefix: string }[]): Promise<void> {
    if (prefixes.length === 0) return;
    await manager.query(
      `INSERT INTO incident_prefix (incident_id, prefix)
       SELECT incident_id, set_masklen(prefix::inet, masklen(prefix::inet))::cidr FROM unnest($1::uuid[], $2::text[]) AS t(incident_id, prefix)
       ON CONFLICT DO NOTHING`,
      [prefixes.map((entry) => entry.incidentId), prefixes.map((entry) => entry.prefix)],
    );
  }

  async addEvents(manager: EntityManager, events: (NewIncidentEvent & { id: string })[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO incident_event (id, incident_id, type, actor_org_id, actor_user_id, details)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::jsonb[])`,
      [
        events.map((event) => event.id),
        events.map((event) => event.incidentId),
        events.map((event) => event.type),
        events.map((event) => event.actorOrgId),
        events.map((event) => event.actorUserId),
        events.map((event) => JSON.stringify(event.details)),
      ],
    );
  }

  async assignSignals(manager: EntityManager, assignments: { signalId: string; incidentId: string }[]): Promise<void> {
    if (assignments.length === 0) return;
    await manager.query(
      `UPDATE signal s SET incident_id = a.incident_id
       FROM unnest($1::uuid[], $2::uuid[]) AS a(signal_id, incident_id) WHERE s.id = a.signal_id`,
      [assignments.map((entry) => entry.signalId), assignments.map((entry) => entry.incidentId)],
    );
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<StoredIncident | null> {
    const rows = await manager.query(`SELECT ${INCIDENT_COLUMNS} FROM incident i WHERE i.id = $1`, [id]);
    return rows[0] ? toStoredIncident(rows[0]) : null;
  }

  async findByIds(ids: string[]): Promise<StoredIncident[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query(`SELECT ${INCIDENT_COLUMNS} FROM incident i WHERE i.id = ANY($1::uuid[])`, [ids]);
    return rows.map(toStoredIncident);
  }
}
