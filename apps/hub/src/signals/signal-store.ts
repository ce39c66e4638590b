import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlParams } from '../common/sql-params.js';
import { CopyIn, Row, Statement, arrayLiteral, quoteLiteral, statement } from '../database/statements.js';
import { OrderedWrite, runOrderedWrite } from '../database/write-lock.js';
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
  /** The coerced input's own dates: the signal in writing shares them, COPY writes their ISO text. */
  observed_start: Date;
  observed_end: Date | null;
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

/** COPY's text format: NULL marker, and escapes for backslash, tab, newline and carriage return. */
const NULL = '\\N';
const NEEDS_COPY_ESCAPE = /[\\\t\n\r]/;
const COPY_ESCAPED = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** Most values need no escape, and then no replacement runs. */
const copyText = (value: string) => (NEEDS_COPY_ESCAPE.test(value) ? value.replace(COPY_ESCAPED, (char) => COPY_ESCAPES[char]) : value);
const copyArray = (values: readonly string[]) => copyText(arrayLiteral(values));

/**
 * Below this many rows one INSERT beats COPY: group-commit transactions of single-signal
 * publishes hold a few dozen rows.
 */
const COPY_MIN_ROWS = 200;

/** All SQL touching the signal table. */
@Injectable()
export class SignalStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Below COPY_MIN_ROWS, one INSERT that answers each row's sequence (`sequencesOf`
   * reads its rows); from there on, `copyTexts` before the transaction, `drawSequences`
   * among its reads, then `copyIn`. The writes run inside the caller's transaction, which
   * holds the ordered-write lock and has left out rows already stored (so a conflict is a
   * bug, and fails).
   */
  usesCopy(rowCount: number): boolean {
    return rowCount >= COPY_MIN_ROWS;
  }

  /** One INSERT ... SELECT, the sequence taken from the column default under the caller's lock. */
  insertStatement(rows: NewSignalRow[]): Statement {
    return statement(
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
  }

  sequencesOf(insertedRows: Row[]): Map<string, bigint> {
    return new Map(insertedRows.map((row) => [row.id, BigInt(row.sequence)]));
  }

  /**
   * A block of `count` sequence numbers, reserved under the caller's lock so they follow
   * commit order (one nextval and one setval: a nextval per row cost 8 ms per thousand
   * under the lock); those left over (rows that turn out to be stored already) are a gap.
   */
  drawSequences(count: number): Statement {
    return statement(
      `SELECT (setval(name, nextval(name) + $1::bigint - 1) - $1::bigint + 1)::text AS first
       FROM pg_get_serial_sequence('signal', 'sequence') AS name`,
      [count],
    );
  }

  /** The first of the block `drawSequences` drew. */
  drawnFirst(drawnRows: Row[]): bigint {
    return BigInt(drawnRows[0].first);
  }

  /**
   * A block of sequence numbers from `first`, written before the transaction holds the
   * ordered-write lock (see runOrderedWrite), on the assumption that the sequence stands
   * where the transaction before left it (so no one else drew since, and the block
   * follows commit order). After the signals in the transaction's statements: if any
   * statement before fails, the sequence is left as it was, and the next transaction
   * written on assumptions about it fails too.
   */
  assumedSequencesStatement(first: bigint, count: number): Statement {
    return statement(
      `SELECT setval(name, $2::bigint) FROM pg_get_serial_sequence('signal', 'sequence') AS name
       WHERE ordered_write_assumes(pg_sequence_last_value(name::regclass) = $1::bigint - 1, 'the signal sequence stood where the transaction before left it')`,
      [first.toString(), (first + BigInt(count) - 1n).toString()],
    );
  }

  /** What a transaction written on assumptions assumes of the one before it: that it committed (it stored signal `id`). */
  storedStatement(id: string): Statement {
    return statement(`SELECT ordered_write_assumes(EXISTS (SELECT FROM signal s WHERE s.id = $1::uuid), 'the transaction before committed')`, [id]);
  }

  /**
   * Each row's COPY line up to its sequence and incident, by id: written before the
   * transaction, so that under the lock `copyIn` only appends those two.
   */
  copyTexts(rows: NewSignalRow[]): Map<string, string> {
    const texts = new Map<string, string>();
    for (const row of rows) {
      // One join: a template of sixteen fields left a chain of thirty partial strings per row.
      texts.set(
        row.id,
        [
          row.id,
          row.org_id,
          copyText(row.source_ref),
          row.kind,
          row.severity,
          row.tlp,
          copyArray(row.recipient_org_ids),
          copyArray(row.audience),
          row.observed_start.toISOString(),
          row.observed_end?.toISOString() ?? NULL,
          copyArray(row.regions),
          row.service === null ? NULL : copyText(row.service),
          copyText(JSON.stringify(row.details)),
          row.text_raw === null ? NULL : copyText(row.text_raw),
          row.text_scrubbed === null ? NULL : copyText(row.text_scrubbed),
        ].join('\t'),
      );
    }
    return texts;
  }

  /**
   * COPY of the rows (their `copyTexts`) with the drawn sequences, in order: a third of
   * the time of an INSERT ... SELECT over the same rows (bench/README.md). Also answers
   * each row's position in commit order, by id, and the block of positions the rows took.
   */
  copyIn(
    rows: NewSignalRow[],
    texts: Map<string, string>,
    first: bigint,
  ): { copy: CopyIn; sequences: Map<string, bigint>; block: { firstSequence: bigint; count: number } } {
    const sequences = rows.map((_row, i) => first + BigInt(i));
    const lines = rows.map((row, i) => `${texts.get(row.id)}\t${sequences[i]}\t${row.incident_id ?? NULL}\n`);
    return {
      copy: {
        copy: `COPY signal (id, org_id, source_ref, kind, severity, tlp, recipient_org_ids, audience, observed_start, observed_end,
                 regions, service, details, text_raw, text_scrubbed, sequence, incident_id) FROM STDIN`,
        rows: lines.join(''),
      },
      sequences: new Map(rows.map((row, i) => [row.id, sequences[i]])),
      block: { firstSequence: first, count: rows.length },
    };
  }

  /**
   * SQL for the signals with these ids as a JSON array of SIGNAL_COLUMNS rows in position
   * order (`storedSignalsFromJson` reads it), or null when its text exceeds `maxBytes`.
   */
  rowsJsonSql(ids: readonly string[], maxBytes: number): string {
    return `(SELECT CASE WHEN octet_length(rows::text) <= ${maxBytes} THEN rows END
       FROM (SELECT json_agg(r ORDER BY r.sequence::bigint) AS rows
         FROM (SELECT ${SIGNAL_COLUMNS} FROM signal s WHERE s.id IN (${ids.map(quoteLiteral).join(', ')})) r) agg)`;
  }

  /**
   * Stored signals among (organisation, sourceRef) pairs; `toStoredSignal` maps its rows.
   * One unique-index probe per pair (the LIMIT keeps the planner from flattening the
   * lateral subquery): for a batch of a few thousand refs a plain join chose to hash the
   * whole signal table, 92 ms at 23,000 rows and growing with it, under the write lock.
   */
  findBySourceRefs(refs: Pick<StoredSignal, 'orgId' | 'sourceRef'>[]): Statement {
    return statement(
      `SELECT s.* FROM unnest($1::uuid[], $2::text[]) AS r(org_id, source_ref)
       CROSS JOIN LATERAL (SELECT ${SIGNAL_COLUMNS} FROM signal s
         WHERE s.org_id = r.org_id AND s.source_ref = r.source_ref LIMIT 1) s`,
      [refs.map((ref) => ref.orgId), refs.map((ref) => ref.sourceRef)],
    );
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

  /** See runOrderedWrite. */
  orderedWrite<T>(write: OrderedWrite<T>): Promise<T> {
    return runOrderedWrite(this.dataSource, write);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
