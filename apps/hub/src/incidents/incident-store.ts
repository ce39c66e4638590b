import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IncidentEventType, IncidentStatus, Severity, TlpLabel } from '@kessetsu/schema';
import { incidentAudienceOf } from '@kessetsu/auth';
import type { ReadRecord } from '../audit/audit.service.js';
import { Row, Statement, connectionOf, sendStatements, statement } from '../database/statements.js';

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

/** An incident as correlation knows it: with the keys it offers while open. */
export interface CorrelatedIncident {
  incident: StoredIncident;
  keys: string[];
}

/** Incidents changed since a revision (see changesStatement). */
export interface IncidentChanges {
  /** The latest revision when read: every change up to it is in `incidents` or was asked not to be. */
  revision: bigint;
  incidents: CorrelatedIncident[];
}

/** An incident as the audit of restricted reads sees it: its participants own it. */
export function incidentReadRecord(incident: StoredIncident): ReadRecord {
  return { id: incident.id, tlp: incident.tlp, ownerOrgIds: incident.orgIds };
}

/**
 * Select list producing the row shape `toStoredIncident` reads. Array columns come as JSON:
 * node-pg's parser for text[] and uuid[] builds every element a character at a time, and
 * parsing the 940 candidate incidents of an ingest transaction that way was 7% of the
 * hub's CPU and its largest source of garbage after variable coercion (bench/README.md).
 */
export const INCIDENT_COLUMNS = `i.id, i.revision::text AS revision, i.status, to_json(i.kinds) AS kinds, to_json(i.regions) AS regions,
  to_json(i.services) AS services, to_json(i.org_ids) AS org_ids, i.signal_count, i.window_start, i.window_end, i.severity,
  i.tlp, to_json(i.recipient_org_ids) AS recipient_org_ids, i.tlp_curated, i.severity_curated, i.title, i.note, i.opened_at,
  i.updated_at, i.resolved_at`;

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

const INCIDENT_DATE_COLUMNS = ['window_start', 'window_end', 'opened_at', 'updated_at', 'resolved_at'] as const;

/**
 * INCIDENT_COLUMNS for a JSON document: timestamps as whole epoch milliseconds (what a
 * Date holds), since parsing an ISO text is most of the cost of a Date, and the 940
 * candidates of an ingest transaction have 3,760 of them (bench/README.md).
 */
const INCIDENT_DOCUMENT_COLUMNS = INCIDENT_COLUMNS.replace(
  new RegExp(`\\bi\\.(${INCIDENT_DATE_COLUMNS.join('|')})\\b`, 'g'),
  (_column, name: string) => `floor(extract(epoch FROM i.${name}) * 1000)::bigint AS ${name}`,
);

/**
 * Epoch milliseconds to a timestamp, exactly (the interval's microseconds stay integral):
 * cheaper to write and to read than ISO text, 1,880 of which each ingest transaction's
 * counted incidents sent.
 */
const fromEpochMs = (column: string) => `(timestamptz 'epoch' + interval '1 millisecond' * ${column})`;

/**
 * A write `RETURNING id, revision` answering one row: its revisions as one JSON object by
 * id. As rows, the 940 revisions of each ingest transaction's incident updates were 3.5% of
 * the hub's busy time in node-pg's row parser (bench/README.md).
 */
const withRevisions = (write: string) => `WITH saved AS (${write}) SELECT json_object_agg(id, revision::text) AS revisions FROM saved`;

/** An incident record of a JSON document (INCIDENT_DOCUMENT_COLUMNS) in the shape of a driver row. */
function withDates(record: Row): Row {
  for (const column of INCIDENT_DATE_COLUMNS) if (record[column] !== null) record[column] = new Date(record[column]);
  return record;
}

/**
 * The written fields that change only now and then: all but the counted ones (signal count
 * and window, which every join may change) and those the database keeps (id, revision,
 * opened and updated times). Listed as a complete record, so that a new field of
 * StoredIncident does not compile until it is placed here or among the others.
 */
const RARELY_CHANGED: Record<
  Exclude<keyof StoredIncident, 'signalCount' | 'windowStart' | 'windowEnd' | 'id' | 'revision' | 'openedAt' | 'updatedAt'>,
  true
> = {
  status: true,
  kinds: true,
  regions: true,
  services: true,
  orgIds: true,
  severity: true,
  tlp: true,
  recipientOrgIds: true,
  tlpCurated: true,
  severityCurated: true,
  title: true,
  note: true,
  resolvedAt: true,
};
const RARELY_CHANGED_FIELDS = Object.keys(RARELY_CHANGED) as (keyof typeof RARELY_CHANGED)[];

/** Whether an incident differs from the version read in counted fields only. */
function onlyCountsChanged(read: StoredIncident, incident: StoredIncident): boolean {
  for (const field of RARELY_CHANGED_FIELDS) if (!sameValue(read[field], incident[field])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => value === b[i]);
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

/** Incidents written since revision $1, but not by transaction $2 (null: by anyone). */
const CHANGED_SINCE = `i.revision > $1::bigint AND ($2::xid IS NULL OR i.xmin <> $2::xid)`;

/** All SQL touching incidents, their correlation keys and timelines. */
@Injectable()
export class IncidentStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The incidents changed since `since`, with their open keys, as one JSON
   * document for `toChanges`; with no `since`, every open incident. Rows last written by
   * transaction `unlessWrittenBy` (a 32-bit xid) are left out: the caller wrote them, and
   * knows them already once that transaction has committed.
   */
  changesStatement(since: bigint | null, unlessWrittenBy: string | null): Statement {
    // Open statuses by name, so that the status index finds them among every resolved incident.
    const changed = since === null ? `i.status IN ('SINGLE_ORG', 'CROSS_CARRIER')` : CHANGED_SINCE;
    return statement(
      `SELECT (SELECT coalesce(max(revision), 0)::text FROM incident) AS revision, coalesce(json_agg(c), '[]') AS incidents FROM (
         SELECT ${INCIDENT_DOCUMENT_COLUMNS},
           array(SELECT k.key FROM incident_key k WHERE k.incident_id = i.id AND k.open) AS keys
         FROM incident i WHERE ${changed}) c`,
      since === null ? [] : [since.toString(), unlessWrittenBy],
    );
  }

  /** The changes statement's row. */
  toChanges(rows: Row[]): IncidentChanges {
    const [{ revision, incidents }] = rows;
    return {
      revision: BigInt(revision),
      incidents: (incidents as Row[]).map((record) => ({ incident: toStoredIncident(withDates(record)), keys: record.keys })),
    };
  }

  /**
   * What a transaction written before its lock assumes (see runOrderedWrite): that the
   * changes statement would find nothing.
   */
  unchangedStatement(since: bigint, unlessWrittenBy: string | null): Statement {
    return statement(`SELECT ordered_write_assumes(NOT EXISTS (SELECT FROM incident i WHERE ${CHANGED_SINCE}), 'no other writer changed an incident')`, [
      since.toString(),
      unlessWrittenBy,
    ]);
  }

  /**
   * The open incidents holding a prefix that overlaps each of `prefixes` (SP-GiST `&&` on
   * open prefixes only), as one JSON object from a prefix's position (1-based) to the ids;
   * `toOverlaps` reads it.
   */
  overlapsStatement(prefixes: string[]): Statement {
    return statement(
      `SELECT coalesce(json_object_agg(position, ids), '{}') AS overlaps FROM (
         SELECT q.position, json_agg(DISTINCT p.incident_id) AS ids
         FROM unnest($1::cidr[]) WITH ORDINALITY AS q(prefix, position) JOIN incident_prefix p ON p.prefix && q.prefix AND p.open
         GROUP BY q.position) found`,
      [prefixes],
    );
  }

  /** The overlaps statement's row: the incidents overlapping each prefix asked about. */
  toOverlaps(rows: Row[], prefixes: string[]): Map<string, ReadonlySet<string>> {
    const overlaps = new Map<string, ReadonlySet<string>>();
    const found: Record<string, string[]> = rows[0].overlaps;
    for (const position in found) overlaps.set(prefixes[Number(position) - 1], new Set(found[position]));
    return overlaps;
  }

  /**
   * Inserts new incidents and updates changed ones, each taking a new revision (its
   * position in commit order); `revisionsOf` reads the statements' rows. Given the
   * version an incident was read as, one that only counted signals and widened its window
   * is updated in those columns alone: most joins change nothing else, and rewriting
   * every column from a JSON record set cost the ingest bench's transactions 10 of the 24
   * ms their 940 incident updates took (bench/README.md).
   */
  saveStatements(
    incidents: StoredIncident[],
    isNew: (id: string) => boolean,
    readAs: (id: string) => StoredIncident | undefined = () => undefined,
  ): Statement[] {
    const records = (subset: StoredIncident[]) =>
      JSON.stringify(
        subset.map((incident) => ({
          id: incident.id,
          status: incident.status,
          kinds: incident.kinds,
          regions: incident.regions,
          services: incident.services,
          org_ids: incident.orgIds,
          signal_count: incident.signalCount,
          window_start: incident.windowStart,
          window_end: incident.windowEnd,
          severity: incident.severity,
          tlp: incident.tlp,
          recipient_org_ids: incident.recipientOrgIds,
          resolved_at: incident.resolvedAt,
          audience: incidentAudienceOf({ tlp: incident.tlp, participantOrgIds: incident.orgIds, recipientOrgIds: incident.recipientOrgIds }),
          title: incident.title,
          note: incident.note,
          tlp_curated: incident.tlpCurated,
          severity_curated: incident.severityCurated,
        })),
      );
    const recordType = `r(id uuid, status text, kinds text[], regions text[], services text[], org_ids uuid[], signal_count int,
      window_start timestamptz, window_end timestamptz, severity text, tlp text, recipient_org_ids uuid[], resolved_at timestamptz,
      audience text[], title text, note text, tlp_curated boolean, severity_curated boolean)`;
    const created = incidents.filter((incident) => isNew(incident.id));
    const counted: StoredIncident[] = [];
    const changed: StoredIncident[] = [];
    for (const incident of incidents) {
      if (isNew(incident.id)) continue;
      const read = readAs(incident.id);
      (read && onlyCountsChanged(read, incident) ? counted : changed).push(incident);
    }
    const statements: Statement[] = [];
    if (created.length > 0) {
      statements.push(
        statement(
          withRevisions(`INSERT INTO incident (id, status, kinds, regions, services, org_ids, signal_count, window_start, window_end,
             severity, tlp, recipient_org_ids, resolved_at, audience, title, note, tlp_curated, severity_curated)
           SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS ${recordType}
           RETURNING id, revision`),
          [records(created)],
        ),
      );
    }
    if (changed.length > 0) {
      statements.push(
        statement(
          withRevisions(`UPDATE incident i SET status = r.status, kinds = r.kinds, regions = r.regions, services = r.services, org_ids = r.org_ids,
             signal_count = r.signal_count, window_start = r.window_start, window_end = r.window_end, severity = r.severity,
             tlp = r.tlp, recipient_org_ids = r.recipient_org_ids, resolved_at = r.resolved_at, audience = r.audience,
             title = r.title, note = r.note, tlp_curated = r.tlp_curated, severity_curated = r.severity_curated,
             revision = nextval(pg_get_serial_sequence('incident', 'revision')), updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS ${recordType}
           WHERE i.id = r.id
           RETURNING i.id, i.revision`),
          [records(changed)],
        ),
      );
    }
    if (counted.length > 0) {
      statements.push(
        statement(
          withRevisions(`UPDATE incident i SET signal_count = r.signal_count, window_start = ${fromEpochMs('r.window_start')}, window_end = ${fromEpochMs('r.window_end')},
             revision = nextval(pg_get_serial_sequence('incident', 'revision')), updated_at = now()
           FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[]) AS r(id, signal_count, window_start, window_end)
           WHERE i.id = r.id
           RETURNING i.id, i.revision`),
          [
            counted.map((incident) => incident.id),
            counted.map((incident) => incident.signalCount),
            counted.map((incident) => incident.windowStart.getTime()),
            counted.map((incident) => incident.windowEnd.getTime()),
          ],
        ),
      );
    }
    return statements;
  }

  revisionsOf(rowsOfSaveStatements: Row[][]): Map<string, bigint> {
    const revisions = new Map<string, bigint>();
    for (const [{ revisions: saved }] of rowsOfSaveStatements) {
      for (const id in saved) revisions.set(id, BigInt(saved[id]));
    }
    return revisions;
  }

  /** Writes changed incidents (all their fields) on the caller's transaction. */
  async save(manager: EntityManager, incidents: StoredIncident[]): Promise<Map<string, bigint>> {
    return this.revisionsOf(await sendStatements(await connectionOf(manager), this.saveStatements(incidents, () => false)));
  }

  keysStatement(keys: { incidentId: string; key: string }[]): Statement | null {
    if (keys.length === 0) return null;
    return statement(
      `INSERT INTO incident_key (incident_id, key) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`,
      [keys.map((entry) => entry.incidentId), keys.map((entry) => entry.key)],
    );
  }

  prefixesStatement(prefixes: { incidentId: string; prefix: string }[]): Statement | null {
    if (prefixes.length === 0) return null;
    return statement(
      `INSERT INTO incident_prefix (incident_id, prefix)
       SELECT incident_id, set_masklen(prefix::inet, masklen(prefix::inet))::cidr FROM unnest($1::uuid[], $2::text[]) AS t(incident_id, prefix)
       ON CONFLICT DO NOTHING`,
      [prefixes.map((entry) => entry.incidentId), prefixes.map((entry) => entry.prefix)],
    );
  }

  /**
   * Marks an incident's keys and prefixes as belonging to an open incident or not, in the
   * transaction that resolves or reopens it.
   */
  async setOpen(manager: EntityManager, incidentIds: string[], open: boolean): Promise<void> {
    if (incidentIds.length === 0) return;
    await manager.query(
      `WITH keys AS (UPDATE incident_key SET open = $2 WHERE incident_id = ANY($1::uuid[]))
       UPDATE incident_prefix SET open = $2 WHERE incident_id = ANY($1::uuid[])`,
      [incidentIds, open],
    );
  }

  eventsStatement(events: (NewIncidentEvent & { id: string })[]): Statement | null {
    if (events.length === 0) return null;
    return statement(
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

  async addEvents(manager: EntityManager, events: (NewIncidentEvent & { id: string })[]): Promise<void> {
    const insert = this.eventsStatement(events);
    if (insert) await sendStatements(await connectionOf(manager), [insert]);
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
