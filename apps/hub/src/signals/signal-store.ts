import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlParams } from '../common/sql-params.js';
import type { SignalFilter } from './dto/signal-filter.input.js';
import { signalFilterSql } from './signal-filter.js';
import { SIGNAL_COLUMNS, SignalRow, StoredSignal, toStoredSignal } from './stored-signal.js';

export interface NewSignalRow {
  id: string;
  org_id: string;
  source_ref: string;
  kind: string;
  severity: string;
  tlp: string;
  recipient_org_ids: string[];
  audience: string[];
  observed_start: string;
  observed_end: string | null;
  regions: string[];
  service: string | null;
  details: Record<string, unknown>;
  text_raw: string | null;
  text_scrubbed: string | null;
  incident_id: string | null;
}

export interface SignalPageQuery {
  audienceTokens: string[];
  filter?: SignalFilter | null;
  afterSequence?: bigint;
  beforeSequence?: bigint;
  limit: number;
  newestFirst: boolean;
}

/** All SQL touching the signal table. */
@Injectable()
export class SignalStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts a batch in one statement inside the caller's transaction, which holds the
   * ordered-write lock and has left out rows already stored (so a conflict is a bug, and fails).
   * Returns each row's position in commit order, by id.
   */
  async insertBatch(manager: EntityManager, rows: NewSignalRow[]): Promise<Map<string, bigint>> {
    if (rows.length === 0) return new Map();
    const inserted: { id: string; sequence: string }[] = await manager.query(
      `INSERT INTO signal (id, org_id, source_ref, kind, severity, tlp, recipient_org_ids, audience,
         observed_start, observed_end, regions, service, details, text_raw, text_scrubbed, incident_id)
       SELECT r.id, r.org_id, r.source_ref, r.kind, r.severity, r.tlp, r.recipient_org_ids, r.audience,
         r.observed_start, r.observed_end, r.regions, r.service, r.details, r.text_raw, r.text_scrubbed, r.incident_id
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, org_id uuid, source_ref text, kind text, severity text,
         tlp text, recipient_org_ids uuid[], audience text[], observed_start timestamptz, observed_end timestamptz,
         regions text[], service text, details jsonb, text_raw text, text_scrubbed text, incident_id uuid, position int)
       ORDER BY r.position
       RETURNING id, sequence::text`,
      [JSON.stringify(rows.map((row, position) => ({ ...row, position })))],
    );
    return new Map(inserted.map((row) => [row.id, BigInt(row.sequence)]));
  }

  /** Stored signals among (organisation, sourceRef) pairs. */
  async findBySourceRefs(manager: EntityManager, refs: { orgId: string; sourceRef: string }[]): Promise<StoredSignal[]> {
    if (refs.length === 0) return [];
    const rows: SignalRow[] = await manager.query(
      `SELECT ${SIGNAL_COLUMNS} FROM signal s
       JOIN unnest($1::uuid[], $2::text[]) AS r(org_id, source_ref) ON s.org_id = r.org_id AND s.source_ref = r.source_ref`,
      [refs.map((ref) => ref.orgId), refs.map((ref) => ref.sourceRef)],
    );
    return rows.map(toStoredSignal);
  }

  async findById(id: string): Promise<StoredSignal | null> {
    const rows: SignalRow[] = await this.dataSource.query(`SELECT ${SIGNAL_COLUMNS} FROM signal s WHERE s.id = $1`, [id]);
    return rows[0] ? toStoredSignal(rows[0]) : null;
  }

  /** A page in commit order, restricted to what the audience tokens reach (see access policy). */
  async page(query: SignalPageQuery): Promise<StoredSignal[]> {
    const params = new SqlParams();
    const clauses = [`s.audience && ${params.add(query.audienceTokens)}::text[]`, ...signalFilterSql(query.filter, params)];
    if (query.afterSequence !== undefined) clauses.push(`s.sequence > ${params.add(query.afterSequence.toString())}::bigint`);
    if (query.beforeSequence !== undefined) clauses.push(`s.sequence < ${params.add(query.beforeSequence.toString())}::bigint`);
    const rows: SignalRow[] = await this.dataSource.query(
      `SELECT ${SIGNAL_COLUMNS} FROM signal s WHERE ${clauses.join(' AND ')}
       ORDER BY s.sequence ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map(toStoredSignal);
  }

  /** Everything committed after a position, for the live feed (no access filter: the feed applies it per viewer). */
  async committedAfter(sequence: bigint, limit: number): Promise<StoredSignal[]> {
    const rows: SignalRow[] = await this.dataSource.query(
      `SELECT ${SIGNAL_COLUMNS} FROM signal s WHERE s.sequence > $1::bigint ORDER BY s.sequence LIMIT $2`,
      [sequence.toString(), limit],
    );
    return rows.map(toStoredSignal);
  }

  async maxSequence(): Promise<bigint> {
    const [row] = await this.dataSource.query(`SELECT COALESCE(MAX(sequence), 0)::text AS max FROM signal`);
    return BigInt(row.max);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
