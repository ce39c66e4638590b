import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Hourly counts kept in the publishing transaction, so aggregates never scan raw
 * signals. A signal counts once per region it names and once under region '*'
 * (for queries not grouped by region); one row per publishing organisation keeps
 * distinct-organisation counts exact.
 */
@Entity('signal_rollup')
@Index('IDX_signal_rollup_hour', ['hour'])
export class SignalRollupEntity {
  @PrimaryColumn({ type: 'timestamptz' })
  hour: Date;

  @PrimaryColumn({ type: 'text' })
  kind: string;

  @PrimaryColumn({ type: 'text' })
  region: string;

  @PrimaryColumn({ type: 'text' })
  service: string;

  @PrimaryColumn({ type: 'text' })
  tlp: string;

  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'signal_count', type: 'int' })
  signalCount: number;

  @Column({ name: 'affected_users', type: 'bigint', default: 0 })
  affectedUsers: string;
}
