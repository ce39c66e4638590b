import { Entity, Index, PrimaryColumn } from 'typeorm';

/** Correlation keys an open incident offers to later signals (see correlation-rules.ts). */
@Entity('incident_key')
@Index('IDX_incident_key_incident', ['incidentId'])
export class IncidentKeyEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;
}

/** Prefixes of an incident's route anomalies, SP-GiST-indexed for overlap (`&&`). */
@Entity('incident_prefix')
@Index('IDX_incident_prefix_overlap', { synchronize: false })
export class IncidentPrefixEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @PrimaryColumn({ type: 'cidr' })
  prefix: string;
}
