import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InvalidInputException, PREFECTURES, NATIONWIDE, INTERNATIONAL, SignalKind } from '@kessetsu/schema';
import { Viewer, aggregateScope } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { SqlParams } from '../common/sql-params.js';
import { AggregateBucket, AggregateDimension, AggregatesArgs } from './dto/aggregates.args.js';
import { AggregateCell, AggregatesView } from './aggregate.model.js';

const HOUR_MS = 3_600_000;
const MAX_RANGE_DAYS = 400;
/** Above this many grid cells, withheld cells are left out instead of listed as suppressed. */
const MAX_LISTED_GRID = 20_000;
const ALL_REGIONS = '*';
const NO_SERVICE = '-';
const JST_OFFSET_MS = 9 * HOUR_MS;

const DIMENSION_COLUMN: Record<AggregateDimension, 'kind' | 'region' | 'service'> = {
  [AggregateDimension.KIND]: 'kind',
  [AggregateDimension.REGION]: 'region',
  [AggregateDimension.SERVICE]: 'service',
};

interface CellRow {
  bucket: Date;
  kind?: string;
  region?: string;
  service?: string;
  orgs: number;
  signals: string;
  affected: string;
}

/** Cross-carrier aggregates from hourly rollups, scoped and suppressed by the access policy. */
@Injectable()
export class AggregatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: HubConfig,
  ) {}

  /** Adds newly stored signals to the rollups, inside their publishing transaction. */
  async record(manager: EntityManager, signalIds: string[]): Promise<void> {
    if (signalIds.length === 0) return;
    await this.rollUp(manager, 's.id = ANY($1::uuid[])', [signalIds]);
  }

  /** Recomputes every rollup from the stored signals (after a bulk load, or to repair them). */
  async rebuild(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM signal_rollup');
      await this.rollUp(manager, 'true', []);
    });
  }

  private async rollUp(manager: EntityManager, signalCondition: string, params: unknown[]): Promise<void> {
    await manager.query(
      `INSERT INTO signal_rollup AS r (hour, kind, region, service, tlp, org_id, signal_count, affected_users)
       SELECT date_trunc('hour', s.observed_start), s.kind, region, COALESCE(s.service, '${NO_SERVICE}'), s.tlp, s.org_id,
              count(*), COALESCE(sum((s.details->>'affectedUsers')::bigint), 0)
       FROM signal s CROSS JOIN LATERAL unnest(s.regions || '{${ALL_REGIONS}}'::text[]) AS region
       WHERE ${signalCondition} AND s.kind <> 'MAINTENANCE'
       GROUP BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (hour, kind, region, service, tlp, org_id) DO UPDATE
         SET signal_count = r.signal_count + excluded.signal_count, affected_users = r.affected_users + excluded.affected_users`,
      params,
    );
  }

  async aggregates(viewer: Viewer, args: AggregatesArgs): Promise<AggregatesView> {
    const from = floorHour(args.from);
    const to = new Date(Math.ceil(args.to.getTime() / HOUR_MS) * HOUR_MS);
    if (to <= from) throw InvalidInputException.single('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 24 * HOUR_MS) {
      throw InvalidInputException.single('to', `the range may span at most ${MAX_RANGE_DAYS} days`);
    }
    const k = this.config.HUB_AGGREGATE_MIN_ORGS;
    const scope = aggregateScope(viewer);
    const dimensions = args.groupBy.map((dimension) => DIMENSION_COLUMN[dimension]);
    const rows = await this.query(from, to, args.bucket, dimensions, scope.labels);
    const cells = rows.map((row) => toCell(row, scope.suppressSmallCells && row.orgs < k));
    if (!scope.suppressSmallCells) return { k, everyCellShown: true, gridComplete: false, cells };

    const grid = this.grid(from, to, args.bucket, dimensions, rows, k);
    if (grid === null) return { k, everyCellShown: false, gridComplete: false, cells: cells.filter((cell) => !cell.suppressed) };
    const shown = new Map(cells.filter((cell) => !cell.suppressed).map((cell) => [cellKey(cell), cell]));
    return { k, everyCellShown: false, gridComplete: true, cells: grid.map((cell) => shown.get(cellKey(cell)) ?? cell) };
  }

  private query(from: Date, to: Date, bucket: AggregateBucket, dimensions: string[], labels: string[]): Promise<CellRow[]> {
    const params = new SqlParams();
    const bucketSql =
      bucket === AggregateBucket.HOUR ? 'r.hour' : `(date_trunc('day', r.hour AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo')`;
    const regionClause = dimensions.includes('region') ? `r.region <> '${ALL_REGIONS}'` : `r.region = '${ALL_REGIONS}'`;
    const select = ['bucket', ...dimensions.map((column) => `r.${column} AS ${column}`)];
    return this.dataSource.query(
      `SELECT ${bucketSql} AS ${select.join(', ')}, count(DISTINCT r.org_id)::int AS orgs,
              sum(r.signal_count)::text AS signals, sum(r.affected_users)::text AS affected
       FROM signal_rollup r
       WHERE r.hour >= ${params.add(from)} AND r.hour < ${params.add(to)} AND r.tlp = ANY(${params.add(labels)}::text[]) AND ${regionClause}
       GROUP BY ${select.map((_, index) => index + 1).join(', ')}
       ORDER BY 1`,
      params.values,
    );
  }

  /**
   * Every cell of the requested grid as a suppressed placeholder, so that an empty
   * cell and a small one look the same. Null when the grid is too large to list.
   */
  private grid(from: Date, to: Date, bucket: AggregateBucket, dimensions: string[], rows: CellRow[], k: number): AggregateCell[] | null {
    const buckets = bucketStarts(from, to, bucket);
    const values: Record<string, (string | null)[]> = {
      kind: Object.values(SignalKind).filter((kind) => kind !== SignalKind.MAINTENANCE),
      region: [...PREFECTURES.map((prefecture) => prefecture.code), NATIONWIDE, INTERNATIONAL],
      service: [...new Set(rows.filter((row) => row.orgs >= k).map((row) => row.service!))],
    };
    let combinations: Record<string, string | null>[] = [{}];
    for (const column of dimensions) {
      combinations = combinations.flatMap((partial) => values[column].map((value) => ({ ...partial, [column]: value })));
    }
    if (buckets.length * combinations.length > MAX_LISTED_GRID) return null;
    return buckets.flatMap((bucketStart) =>
      combinations.map((combination) => ({
        bucketStart,
        kind: (combination.kind as SignalKind | undefined) ?? null,
        region: combination.region ?? null,
        service: combination.service ?? null,
        suppressed: true,
        signalCount: null,
        orgCount: null,
        affectedUsers: null,
      })),
    );
  }
}

function floorHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

function bucketStarts(from: Date, to: Date, bucket: AggregateBucket): Date[] {
  const starts: Date[] = [];
  if (bucket === AggregateBucket.HOUR) {
    for (let t = from.getTime(); t < to.getTime(); t += HOUR_MS) starts.push(new Date(t));
    return starts;
  }
  const firstDay = Math.floor((from.getTime() + JST_OFFSET_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS - JST_OFFSET_MS;
  for (let t = firstDay; t < to.getTime(); t += 24 * HOUR_MS) starts.push(new Date(t));
  return starts;
}

function toCell(row: CellRow, suppressed: boolean): AggregateCell {
  return {
    bucketStart: row.bucket,
    kind: (row.kind as SignalKind | undefined) ?? null,
    region: row.region ?? null,
    service: row.service === undefined ? null : row.service,
    suppressed,
    signalCount: suppressed ? null : Number(row.signals),
    orgCount: suppressed ? null : row.orgs,
    affectedUsers: suppressed ? null : Number(row.affected),
  };
}

const cellKey = (cell: AggregateCell) => `${cell.bucketStart.getTime()}|${cell.kind}|${cell.region}|${cell.service}`;
