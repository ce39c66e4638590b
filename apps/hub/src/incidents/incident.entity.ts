import { Check, Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { IncidentStatus, Severity, TlpLabel } from '@kessetsu/schema';

/**
 * Signals from one or more organisations that the hub correlated (see
 * correlation-rules.ts). Summary columns are maintained as signals join, so reads
 * never aggregate raw signals. `revision` is the position of its latest change in
 * commit order, which the incident feed resumes from.
 */
@Entity('incident')
@Index('IDX_incident_open_window', ['status', 'windowStart', 'windowEnd'])
@Check('CHK_incident_status', `"status" IN ('SINGLE_ORG', 'CROSS_CARRIER', 'RESOLVED')`)
export class IncidentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('UQ_incident_revision', { unique: true })
  @Column({ type: 'bigint' })
  @Generated('increment')
  revision: string;

  @Column({ type: 'text' })
  status: IncidentStatus;

  @Column({ type: 'text', array: true })
  kinds: string[];

  @Column({ type: 'text', array: true })
  regions: string[];

  @Column({ type: 'text', array: true })
  services: string[];

  /** Distinct participating organisations, in order of joining. */
  @Column({ name: 'org_ids', type: 'uuid', array: true })
  orgIds: string[];

  @Column({ name: 'signal_count', type: 'int' })
  signalCount: number;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  /** Latest observed end; an open-ended signal counts until it was published. */
  @Column({ name: 'window_end', type: 'timestamptz' })
  windowEnd: Date;

  /** Most severe of its signals unless the ministry set one. */
  @Column({ type: 'text' })
  severity: Severity;

  /** Most restrictive label of its signals unless the ministry set one. */
  @Column({ type: 'text' })
  tlp: TlpLabel;

  @Column({ name: 'recipient_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientOrgIds: string[];

  /** Access-policy tokens (incidentAudienceOf), GIN-indexed like signal.audience. */
  @Column({ type: 'text', array: true })
  audience: string[];

  @Column({ name: 'tlp_curated', type: 'boolean', default: false })
  tlpCurated: boolean;

  @Column({ name: 'severity_curated', type: 'boolean', default: false })
  severityCurated: boolean;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'opened_at', type: 'timestamptz', default: () => 'now()' })
  openedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;
}
