import { Check, Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { TlpLabel } from '@kessetsu/schema';

/** A curated message from the ministry or ISAC; `sequence` follows commit order like signals. */
@Entity('advisory')
@Index('IDX_advisory_audience', { synchronize: false })
@Check('CHK_advisory_tlp', `"tlp" IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')`)
export class AdvisoryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('UQ_advisory_sequence', { unique: true })
  @Column({ type: 'bigint' })
  @Generated('increment')
  sequence: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  tlp: TlpLabel;

  @Column({ name: 'recipient_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientOrgIds: string[];

  @Column({ type: 'text', array: true })
  audience: string[];

  @Index('IDX_advisory_incident')
  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt: Date;
}
