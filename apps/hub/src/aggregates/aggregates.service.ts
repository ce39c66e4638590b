import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidInputException, PREFECTURES, NATIONWIDE, INTERNATIONAL, SignalKind, TlpLabel } from '@kessetsu/schema';
import { TLP_ORDER, Viewer, aggregateScope } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { SqlParams } from '../common/sql-params.js';
import { AggregateBucket, AggregateDimension, AggregatesArgs } from './dto/aggregates.args.js';
import { AggregateCell, AggregateMatrixView, AggregatesView } from './aggregate.model.js';
import { AggregateSnapshots, BUCKET_MS, BucketCells, bucketStartSql, markStaleSql, snapshotCellKey } from './aggregate-snapshots.js';
import { Statement, statement } from '../database/statements.js';
import { JsonText } from '../common/json-text.js';

const DAY_MS = BUCKET_MS[AggregateBucket.DAY];
const JST_OFFSET_MS = 9 * BUCKET_MS[AggregateBucket.HOUR];
const MAX_RANGE_DAYS = 400;
/** Above this many grid cells, withheld cells are left out of the cell list instead of listed as suppressed. */
const MAX_LISTED_GRID = 20_000;
const ALL_REGIONS = '*';
const NO_SERVICE = '-';

type Column = 'kind' | 'region' | 'service';

const DIMENSION_COLUMN: Record<AggregateDimension, Column> = {
  [AggregateDimension.KIND]: 'kind',
  [AggregateDimension.REGION]: 'region',
  [AggregateDimension.SERVICE]: 'service',
};

const AXIS_KINDS: string[] = Object.values(SignalKind).filter((kind) => kind !== SignalKind.MAINTENANCE);
const AXIS_REGIONS: string[] = [...PREFECTURES.map((prefecture) => prefecture.code), NATIONWIDE, INTERNATIONAL];

interface RollupRow {
  bucket: Date;
  kind?: string;
  region?: string;
  service?: string;
  orgs: number;
  signals: string;
  affected: string;
}

type Combination = Partial<Record<Column, string>>;

/** The counts of one requested grid for one viewer, before they are laid out as a matrix or a cell list. */
interface Grid {
  k: number;
  suppressSmallCells: boolean;
  bucketStarts: Date[];
  axes: { dimension: AggregateDimension; values: string[] }[];
  combinations: Combination[];
  /** The combinations' axes and values: with the counts array, what a bucket's slice of a column depends on. */
  signature: string;
  /** Per bucket: its counts, and for each combination the offset of its three numbers in them (-1 when nobody contributed). */
  buckets: { counts: readonly number[]; offsets: Int32Array }[];
}

/** Whether the viewer must not see a cell's counts: small (or, being unknown, empty) cells where the policy asks for suppression. */
function isWithheld(grid: Grid, counts: readonly number[], offset: number): boolean {
  return grid.suppressSmallCells && (offset < 0 || counts[offset + 1] < grid.k);
}

/** Cross-carrier aggregates from hourly rollups, scoped and suppressed by the access policy. */
@Injectable()
export class AggregatesService {
  /**
   * JSON text of one bucket's part of a matrix column, by its counts array (a snapshot
   * version's, so a changed bucket brings new counts) and then by signature, column and
   * withholding threshold: a dashboard re-reading 30 days lays out only the buckets that changed.
   */
  private readonly slices = new WeakMap<readonly number[], Map<string, string>>();
  /** Each requested key list's offsets in a snapshot layout, by layout and then by signature. */
  private readonly offsetTables = new WeakMap<ReadonlyMap<string, number>, Map<string, Int32Array>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly snapshots: AggregateSnapshots,
    private readonly config: HubConfig,
  ) {}

  /**
   * Adds the signals stored earlier in the caller's transaction to the rollups and marks
   * their buckets stale: named by id, or by the block of sequence numbers a COPY gave them.
   * A block is read as one range of the sequence index; a thousand ids were read by a scan
   * of the whole signal table whenever its statistics lagged behind its growth (the ingest
   * bench, bench/README.md).
   */
  recordStatement(signals: { ids: string[] } | { firstSequence: bigint; count: number }): Statement | null {
    if ('ids' in signals) return signals.ids.length === 0 ? null : rollUp('s.id = ANY($1::uuid[])', [signals.ids]);
    if (signals.count === 0) return null;
    const last = signals.firstSequence + BigInt(signals.count - 1);
    return rollUp('s.sequence BETWEEN $1::bigint AND $2::bigint', [signals.firstSequence.toString(), last.toString()]);
  }

  /** Recomputes every rollup and snapshot from the stored signals (after a bulk load, or to repair them). */
  async rebuild(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM signal_rollup; DELETE FROM aggregate_snapshot; DELETE FROM aggregate_stale');
      const all = rollUp('true', []);
      await manager.query(all.text, all.values);
      for (const bucket of Object.values(AggregateBucket)) await this.snapshots.refreshIn(manager, bucket, 'all');
    });
  }

  async aggregates(viewer: Viewer, args: AggregatesArgs): Promise<AggregatesView> {
    const grid = await this.grid(viewer, args);
    const { k, suppressSmallCells, bucketStarts, combinations } = grid;
    const listEveryCell = suppressSmallCells && bucketStarts.length * combinations.length <= MAX_LISTED_GRID;
    const cells: AggregateCell[] = [];
    bucketStarts.forEach((bucketStart, b) => {
      const { counts, offsets } = grid.buckets[b];
      combinations.forEach((combination, c) => {
        const offset = offsets[c];
        const suppressed = offset < 0 || isWithheld(grid, counts, offset);
        if (suppressed && !listEveryCell) return;
        cells.push({
          bucketStart,
          kind: (combination.kind as SignalKind | undefined) ?? null,
          region: combination.region ?? null,
          service: combination.service ?? null,
          suppressed,
          signalCount: suppressed ? null : counts[offset],
          orgCount: suppressed ? null : counts[offset + 1],
          affectedUsers: suppressed ? null : counts[offset + 2],
        });
      });
    });
    return { k, everyCellShown: !suppressSmallCells, gridComplete: listEveryCell, cells };
  }

  /**
   * Each count column is laid out only if the query asks for it (GraphQL reads it through a
   * getter): a 30-day hourly grid is 141k cells per column. The column is JSON text joined
   * from per-bucket slices, cached with the snapshot they come from.
   */
  async matrix(viewer: Viewer, args: AggregatesArgs): Promise<AggregateMatrixView> {
    const grid = await this.grid(viewer, args);
    const { k, suppressSmallCells, bucketStarts, combinations } = grid;
    /** `position` within a cell's counts: 0 signals, 1 organisations, 2 affected users. */
    const column = (position: number): JsonText => {
      if (combinations.length === 0) return new JsonText('[]');
      const sliceKey = `${grid.signature}\n${position}\n${suppressSmallCells ? k : 0}`;
      return new JsonText(`[${grid.buckets.map((bucket) => this.slice(grid, bucket, position, sliceKey)).join(',')}]`);
    };
    return {
      k,
      everyCellShown: !suppressSmallCells,
      bucketStarts,
      axes: grid.axes,
      get signalCounts() {
        return column(0);
      },
      get orgCounts() {
        return column(1);
      },
      get affectedUsers() {
        return column(2);
      },
    };
  }

  /** One bucket's counts at `position` for every combination, as JSON text without brackets; `key` names the column (see `slices`). */
  private slice(grid: Grid, { counts, offsets }: Grid['buckets'][number], position: number, key: string): string {
    let byKey = this.slices.get(counts);
    if (!byKey) this.slices.set(counts, (byKey = new Map()));
    let text = byKey.get(key);
    if (text === undefined) {
      const values: string[] = new Array(offsets.length);
      for (let c = 0; c < offsets.length; c += 1) {
        const offset = offsets[c];
        values[c] = isWithheld(grid, counts, offset) ? 'null' : offset < 0 ? '0' : String(counts[offset + position]);
      }
      byKey.set(key, (text = values.join(',')));
    }
    return text;
  }

  private async grid(viewer: Viewer, args: AggregatesArgs): Promise<Grid> {
    const { bucket } = args;
    if (args.to <= args.from) throw InvalidInputException.single('to', 'must be after from');
    const from = bucketFloor(args.from, bucket);
    const to = bucketCeil(args.to, bucket);
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw InvalidInputException.single('to', `the range may span at most ${MAX_RANGE_DAYS} days`);
    }
    const k = this.config.HUB_AGGREGATE_MIN_ORGS;
    const scope = aggregateScope(viewer);
    const columns = args.groupBy.map((dimension) => DIMENSION_COLUMN[dimension]);
    const ceiling = labelCeiling(scope.labels);
    let byBucket: Map<number, BucketCells>;
    let services: string[] = [];
    if (!columns.includes('service') && ceiling) {
      await this.snapshots.refresh(bucket, { from, to });
      byBucket = await this.snapshots.read(bucket, ceiling, from, to);
    } else {
      const rows = await this.rollupRows(from, to, bucket, columns, scope.labels);
      byBucket = bucketCellsOf(rows);
      services = [...new Set(rows.filter((row) => !scope.suppressSmallCells || row.orgs >= k).map((row) => row.service!))];
    }
    const values: Record<Column, string[]> = { kind: AXIS_KINDS, region: AXIS_REGIONS, service: services };
    let combinations: Combination[] = [{}];
    for (const column of columns) {
      combinations = combinations.flatMap((partial) => values[column].map((value) => ({ ...partial, [column]: value })));
    }
    const keys = combinations.map(cellKey);
    const signature = [columns.join(','), ...services].join('\t');
    const bucketStarts = bucketStartsIn(from, to, bucket);
    // Buckets of one snapshot layout share their positions map: resolve the keys once per layout.
    const offsetsOf = (positions: ReadonlyMap<string, number>): Int32Array => {
      let bySignature = this.offsetTables.get(positions);
      if (!bySignature) this.offsetTables.set(positions, (bySignature = new Map()));
      let offsets = bySignature.get(signature);
      if (!offsets) bySignature.set(signature, (offsets = Int32Array.from(keys, (key) => positions.get(key) ?? -1)));
      return offsets;
    };
    // A fresh counts array per query: the slices of empty buckets are cached for this query only.
    const empty = { counts: [], offsets: new Int32Array(keys.length).fill(-1) };
    return {
      k,
      suppressSmallCells: scope.suppressSmallCells,
      bucketStarts,
      axes: args.groupBy.map((dimension, index) => ({ dimension, values: values[columns[index]] })),
      combinations,
      signature,
      buckets: bucketStarts.map((start) => {
        const cells = byBucket.get(start.getTime());
        return cells ? { counts: cells.counts, offsets: offsetsOf(cells.positions) } : empty;
      }),
    };
  }

  /** Cells summed from the organisation-level rollups: for service breakdowns and label sets that no snapshot covers. */
  private rollupRows(from: Date, to: Date, bucket: AggregateBucket, columns: Column[], labels: TlpLabel[]): Promise<RollupRow[]> {
    const params = new SqlParams();
    const regionClause = columns.includes('region') ? `r.region <> '${ALL_REGIONS}'` : `r.region = '${ALL_REGIONS}'`;
    const select = ['bucket', ...columns.map((column) => `r.${column} AS ${column}`)];
    return this.dataSource.query(
      `SELECT ${bucketStartSql(bucket, 'r.hour')} AS ${select.join(', ')}, count(DISTINCT r.org_id)::int AS orgs,
              sum(r.signal_count)::text AS signals, sum(r.affected_users)::text AS affected
       FROM signal_rollup r
       WHERE r.hour >= ${params.add(from)} AND r.hour < ${params.add(to)} AND r.tlp = ANY(${params.add(labels)}::text[]) AND ${regionClause}
       GROUP BY ${select.map((_, index) => index + 1).join(', ')}`,
      params.values,
    );
  }
}

/** The most restrictive label when `labels` are exactly every label up to it (what snapshots are kept for); otherwise null. */
function labelCeiling(labels: readonly TlpLabel[]): TlpLabel | null {
  if (labels.length === 0 || labels.some((label, index) => TLP_ORDER[index] !== label)) return null;
  return labels[labels.length - 1];
}

function cellKey(combination: Combination): string {
  const key = snapshotCellKey(combination.kind ?? null, combination.region ?? null);
  return combination.service === undefined ? key : `${key}\t${combination.service}`;
}

function bucketCellsOf(rows: RollupRow[]): Map<number, BucketCells> {
  const byBucket = new Map<number, { positions: Map<string, number>; counts: number[] }>();
  for (const row of rows) {
    const start = row.bucket.getTime();
    let cells = byBucket.get(start);
    if (!cells) byBucket.set(start, (cells = { positions: new Map(), counts: [] }));
    cells.positions.set(cellKey({ kind: row.kind, region: row.region, service: row.service }), cells.counts.length);
    cells.counts.push(Number(row.signals), row.orgs, Number(row.affected));
  }
  return byBucket;
}

/** The start of the bucket holding `date` (DAY buckets start at JST midnight). */
function bucketFloor(date: Date, bucket: AggregateBucket): Date {
  const step = BUCKET_MS[bucket];
  const offset = bucket === AggregateBucket.DAY ? JST_OFFSET_MS : 0;
  return new Date(Math.floor((date.getTime() + offset) / step) * step - offset);
}

/** The first bucket boundary at or after `date`. */
function bucketCeil(date: Date, bucket: AggregateBucket): Date {
  const floor = bucketFloor(date, bucket);
  return floor.getTime() === date.getTime() ? floor : new Date(floor.getTime() + BUCKET_MS[bucket]);
}

function bucketStartsIn(from: Date, to: Date, bucket: AggregateBucket): Date[] {
  const starts: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += BUCKET_MS[bucket]) starts.push(new Date(t));
  return starts;
}

/** Adds the signals matching the condition to the rollups and marks the buckets they touch stale, in one statement. */
function rollUp(signalCondition: string, values: unknown[]): Statement {
  return statement(
    `WITH rolled AS (
       INSERT INTO signal_rollup AS r (hour, kind, region, service, tlp, org_id, signal_count, affected_users)
       SELECT date_trunc('hour', s.observed_start), s.kind, region, COALESCE(s.service, '${NO_SERVICE}'), s.tlp, s.org_id,
              count(*), COALESCE(sum((s.details->>'affectedUsers')::bigint), 0)
       FROM signal s CROSS JOIN LATERAL unnest(s.regions || '{${ALL_REGIONS}}'::text[]) AS region
       WHERE ${signalCondition} AND s.kind <> 'MAINTENANCE'
       GROUP BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (hour, kind, region, service, tlp, org_id) DO UPDATE
         SET signal_count = r.signal_count + excluded.signal_count, affected_users = r.affected_users + excluded.affected_users
       RETURNING hour)
     ${markStaleSql('rolled')}`,
    values,
  );
}
