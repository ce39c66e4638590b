import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TLP_ORDER } from '@kessetsu/auth';
import { TlpLabel } from '@kessetsu/schema';
import { RecentlyUsed } from '../common/recently-used.js';
import { AggregateBucket } from './dto/aggregates.args.js';

/** One bucket's cells: `positions` gives a key's offset in `counts`, where its signals, organisations and affected users follow. */
export interface BucketCells {
  readonly positions: ReadonlyMap<string, number>;
  readonly counts: readonly number[];
}

/** A rollup range to refresh: buckets starting in [from, to), or every bucket. */
export type RefreshRange = { from: Date; to: Date } | 'all';

/** At most about 50 MB: 30 days of hourly snapshots for every label ceiling, with room to spare. */
const MAX_CACHED_SNAPSHOTS = 8_000;
const MAX_CACHED_LAYOUTS = 1_000;

/** Length of each bucket (a DAY is a JST calendar day: Japan has no daylight saving). */
export const BUCKET_MS: Record<AggregateBucket, number> = { [AggregateBucket.HOUR]: 3_600_000, [AggregateBucket.DAY]: 86_400_000 };

/** SQL for the start of the bucket that a rollup hour falls in (DAY follows the JST calendar day). */
export function bucketStartSql(bucket: AggregateBucket, hour: string): string {
  return bucket === AggregateBucket.HOUR ? hour : `(date_trunc('day', ${hour} AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo')`;
}

/**
 * SQL marking stale the HOUR and DAY buckets of the hours in `hours` (a relation with an
 * `hour` column), for the statement that changes the rollups. DO UPDATE (not DO NOTHING)
 * takes the row lock, so a refresh clearing the row waits for the publishing transaction.
 */
export function markStaleSql(hours: string): string {
  return `INSERT INTO aggregate_stale (bucket, bucket_start)
    SELECT DISTINCT b.bucket, b.bucket_start FROM ${hours} AS h
      CROSS JOIN LATERAL (VALUES ('${AggregateBucket.HOUR}', ${bucketStartSql(AggregateBucket.HOUR, 'h.hour')}),
                                 ('${AggregateBucket.DAY}', ${bucketStartSql(AggregateBucket.DAY, 'h.hour')})) AS b(bucket, bucket_start)
    ON CONFLICT (bucket, bucket_start) DO UPDATE SET changed_at = now()`;
}

/** The key of a cell in a bucket: '*' stands for every kind or every region. */
export function snapshotCellKey(kind: string | null, region: string | null): string {
  return `${kind ?? '*'} ${region ?? '*'}`;
}

/**
 * Per-bucket snapshots of the rollups (see AggregateSnapshotEntity), refreshed by the
 * reader that finds them stale. Publishing only marks buckets stale, so ingest does
 * not pay for cells nobody reads; a refresh locks the stale rows it clears, so a
 * publish that commits meanwhile marks its bucket stale again instead of being lost.
 */
@Injectable()
export class AggregateSnapshots {
  /** Snapshots read recently. */
  private readonly cached = new RecentlyUsed<string, BucketCells & { version: string }>(MAX_CACHED_SNAPSHOTS);
  /** Key lists by fingerprint, as key -> offset maps. */
  private readonly layouts = new Map<string, ReadonlyMap<string, number>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Brings the snapshots of stale buckets in the range up to date. */
  async refresh(bucket: AggregateBucket, range: { from: Date; to: Date }): Promise<void> {
    // Most reads find nothing stale: one cheap query instead of a transaction.
    const [{ stale }]: { stale: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM aggregate_stale WHERE bucket = $1 AND bucket_start >= $2 AND bucket_start < $3) AS stale`,
      [bucket, range.from, range.to],
    );
    if (stale) await this.dataSource.transaction((manager) => this.refreshIn(manager, bucket, range));
  }

  async refreshIn(manager: EntityManager, bucket: AggregateBucket, range: RefreshRange): Promise<void> {
    const bounds = range === 'all' ? [null, null] : [range.from, range.to];
    const cleared: { bucket_start: Date }[] = await manager.query(
      `WITH cleared AS (
         DELETE FROM aggregate_stale WHERE bucket = $1 AND ($2::timestamptz IS NULL OR bucket_start >= $2) AND ($3::timestamptz IS NULL OR bucket_start < $3)
         RETURNING bucket_start)
       SELECT bucket_start FROM cleared`,
      [bucket, ...bounds],
    );
    if (cleared.length === 0) return;
    const starts = cleared.map((row) => row.bucket_start);
    const times = starts.map((start) => start.getTime());
    const hoursFrom = new Date(times.reduce((min, time) => Math.min(min, time)));
    const hoursTo = new Date(times.reduce((max, time) => Math.max(max, time)) + BUCKET_MS[bucket]);
    await manager.query(`DELETE FROM aggregate_snapshot WHERE bucket = $1 AND bucket_start = ANY($2::timestamptz[])`, [bucket, starts]);
    await manager.query(
      `INSERT INTO aggregate_snapshot (bucket, tlp_ceiling, bucket_start, cell_layout, cell_keys, cell_counts)
       SELECT $1, ceiling, bucket_start, md5(keys), keys, counts::json
       FROM (
         SELECT ceiling, bucket_start,
                string_agg(kind || ' ' || region, ',' ORDER BY kind, region) AS keys,
                '[' || string_agg(concat_ws(',', signals, orgs, affected), ',' ORDER BY kind, region) || ']' AS counts
         FROM (
           SELECT r.bucket_start, c.label AS ceiling, COALESCE(r.kind, '*') AS kind, r.region,
                  sum(r.signal_count) AS signals, count(DISTINCT r.org_id) AS orgs, sum(r.affected_users) AS affected
           FROM (SELECT *, ${bucketStartSql(bucket, 'hour')} AS bucket_start FROM signal_rollup WHERE hour >= $3 AND hour < $4) r
           JOIN unnest($2::text[]) WITH ORDINALITY AS c(label, rank) ON c.rank >= array_position($2::text[], r.tlp)
           WHERE r.bucket_start = ANY($5::timestamptz[])
           GROUP BY GROUPING SETS ((r.bucket_start, c.label, r.kind, r.region), (r.bucket_start, c.label, r.region))
         ) cells
         GROUP BY ceiling, bucket_start
       ) snapshots`,
      [bucket, TLP_ORDER, hoursFrom, hoursTo, starts],
    );
  }

  /**
   * The cells of every bucket in [from, to) counting labels up to `ceiling`, by bucket
   * start (ms); empty buckets are absent. Snapshots already in memory at their current
   * version are not fetched again, so a dashboard re-reading 30 days fetches only the
   * buckets that changed (usually the current hour and day).
   */
  async read(bucket: AggregateBucket, ceiling: TlpLabel, from: Date, to: Date): Promise<Map<number, BucketCells>> {
    const current: { bucket_start: Date; version: string }[] = await this.dataSource.query(
      `SELECT bucket_start, version FROM aggregate_snapshot WHERE bucket = $1 AND tlp_ceiling = $2 AND bucket_start >= $3 AND bucket_start < $4`,
      [bucket, ceiling, from, to],
    );
    const keyOf = (start: Date) => `${bucket} ${ceiling} ${start.getTime()}`;
    const changed = current.filter((row) => this.cached.get(keyOf(row.bucket_start))?.version !== row.version).map((row) => row.bucket_start);
    if (changed.length > 0) await this.fetch(bucket, ceiling, changed, keyOf);
    const cells = new Map<number, BucketCells>();
    for (const { bucket_start: start } of current) {
      const key = keyOf(start);
      const snapshot = this.cached.get(key);
      if (!snapshot) continue;
      cells.set(start.getTime(), snapshot);
    }
    return cells;
  }

  /** Fetches these snapshots into memory; each distinct key list not yet known travels once. */
  private async fetch(bucket: AggregateBucket, ceiling: TlpLabel, starts: Date[], keyOf: (start: Date) => string): Promise<void> {
    const rows: { bucket_start: Date; version: string; cell_layout: string; cell_keys: string | null; cell_counts: number[] }[] = await this.dataSource.query(
      `SELECT bucket_start, version, cell_layout, cell_counts,
              CASE WHEN cell_layout <> ALL($4::text[]) AND row_number() OVER (PARTITION BY cell_layout ORDER BY bucket_start) = 1 THEN cell_keys END AS cell_keys
       FROM aggregate_snapshot WHERE bucket = $1 AND tlp_ceiling = $2 AND bucket_start = ANY($3::timestamptz[])`,
      [bucket, ceiling, starts, [...this.layouts.keys()]],
    );
    for (const row of rows) {
      if (row.cell_keys !== null) this.layouts.set(row.cell_layout, new Map(row.cell_keys.split(',').map((key, index) => [key, index * 3])));
    }
    for (const row of rows) {
      this.cached.set(keyOf(row.bucket_start), { version: row.version, positions: this.layouts.get(row.cell_layout)!, counts: row.cell_counts });
    }
    for (const layout of this.layouts.keys()) {
      if (this.layouts.size <= MAX_CACHED_LAYOUTS) break;
      this.layouts.delete(layout);
    }
  }
}
