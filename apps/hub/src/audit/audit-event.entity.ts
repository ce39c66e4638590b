import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * Who did what, append-only: a database trigger refuses UPDATE and DELETE (see the
 * AuditAppendOnly migration). Reads of AMBER_STRICT and RED records are recorded too.
 */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('UQ_audit_event_sequence', { unique: true })
  @Column({ type: 'bigint' })
  @Generated('increment')
  sequence: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'actor_org_id', type: 'uuid', nullable: true })
  actorOrgId: string | null;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'actor_api_key_id', type: 'uuid', nullable: true })
  actorApiKeyId: string | null;

  @Column({ name: 'target_type', type: 'text' })
  targetType: string;

  @Column({ name: 'target_ids', type: 'text', array: true, default: () => "'{}'" })
  targetIds: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
