import { Check, Column, Entity, Generated, Index, PrimaryColumn, Unique } from 'typeorm';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import type { SignalDetailsRecord } from './signal-details.js';

/**
 * One observation by one organisation, as committed. `sequence` is the position in
 * commit order (writers serialise on an advisory lock), which cursors and live-feed
 * resumption rely on.
 */
@Entity('signal')
@Unique('UQ_signal_org_source_ref', ['orgId', 'sourceRef'])
@Index('IDX_signal_observed_start', ['observedStart'])
@Index('IDX_signal_audience', { synchronize: false })
@Check('CHK_signal_kind', `"kind" IN ('TRAFFIC_DROP', 'ROUTE_ANOMALY', 'RESOLVER_FAILURE', 'SERVICE_OUTAGE', 'MAINTENANCE')`)
@Check('CHK_signal_tlp', `"tlp" IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')`)
@Check('CHK_signal_severity', `"severity" IN ('INFO', 'MINOR', 'MAJOR', 'CRITICAL')`)
export class SignalEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('UQ_signal_sequence', { unique: true })
  @Column({ type: 'bigint' })
  @Generated('increment')
  sequence: string;

  /** An organisation, as `incidentId` is an incident: checked once per statement by triggers (migration SignalReferencesBySet), not by foreign keys. */
  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef: string;

  @Column({ type: 'text' })
  kind: SignalKind;

  @Column({ type: 'text' })
  severity: Severity;

  @Column({ type: 'text' })
  tlp: TlpLabel;

  @Column({ name: 'recipient_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientOrgIds: string[];

  /** Access-policy tokens (see libs/auth access-policy); GIN-indexed for `&&`. */
  @Column({ type: 'text', array: true })
  audience: string[];

  @Column({ name: 'observed_start', type: 'timestamptz' })
  observedStart: Date;

  @Column({ name: 'observed_end', type: 'timestamptz', nullable: true })
  observedEnd: Date | null;

  @Column({ type: 'text', array: true })
  regions: string[];

  @Column({ type: 'text', nullable: true })
  service: string | null;

  @Column({ type: 'jsonb' })
  details: SignalDetailsRecord;

  @Column({ name: 'text_raw', type: 'text', nullable: true })
  textRaw: string | null;

  @Column({ name: 'text_scrubbed', type: 'text', nullable: true })
  textScrubbed: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt: Date;

  /** Set in the same transaction that stores the signal; null for planned work. */
  @Index('IDX_signal_incident')
  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;
}
