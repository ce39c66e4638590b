import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';

/**
 * One time bucket's cells by kind and region (either may be '*' for all), counting
 * the signals labelled up to `tlpCeiling`: every viewer's aggregate labels are such a
 * prefix, so each viewer reads one row per bucket instead of summing organisation rows.
 * Cells are stored as a key list and a flat count array (signals, organisations,
 * affected users per key) because a 30-day hourly grid is 100k+ cells; `cellLayout`
 * fingerprints the key list so a reader fetches each distinct list once; `version` is
 * new on every refresh, so readers may keep snapshots in memory and re-read only changed ones.
 */
@Entity('aggregate_snapshot')
export class AggregateSnapshotEntity {
  @PrimaryColumn({ type: 'text' })
  bucket: string;

  @PrimaryColumn({ name: 'tlp_ceiling', type: 'text' })
  tlpCeiling: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart: Date;

  @Column({ name: 'cell_layout', type: 'text' })
  cellLayout: string;

  @Column({ name: 'cell_keys', type: 'text' })
  cellKeys: string;

  @Column({ name: 'cell_counts', type: 'json' })
  cellCounts: number[];

  @Column({ type: 'bigint' })
  @Generated('increment')
  version: string;
}

/** Buckets whose rollups changed since their snapshot was taken; the next reader refreshes them. */
@Entity('aggregate_stale')
export class AggregateStaleEntity {
  @PrimaryColumn({ type: 'text' })
  bucket: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart: Date;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
