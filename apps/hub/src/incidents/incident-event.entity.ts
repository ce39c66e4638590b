import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IncidentEventType } from '@kessetsu/schema';

/** One line of an incident's timeline. `actorOrgId` is shown to others only as a pseudonym. */
@Entity('incident_event')
@Index('IDX_incident_event_incident', ['incidentId', 'at'])
export class IncidentEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @Column({ type: 'text' })
  type: IncidentEventType;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ name: 'actor_org_id', type: 'uuid', nullable: true })
  actorOrgId: string | null;

  /** Who curated (ministry user); null for automatic events. */
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
