import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Correlation keys an incident offers to later signals (see correlation-rules.ts).
 * `open` follows the incident's status, so that probes look only among open incidents
 * (a partial index): a resolved incident's keys stay, for the ministry may reopen it.
 */
@Entity('incident_key')
@Index('IDX_incident_key_incident', ['incidentId'])
@Index('IDX_incident_key_open', { synchronize: false })
export class IncidentKeyEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @Column({ type: 'boolean', default: true })
  open: boolean;
}

/** Prefixes of an incident's route anomalies, SP-GiST-indexed for overlap (`&&`) while the incident is open. */
@Entity('incident_prefix')
@Index('IDX_incident_prefix_overlap', { synchronize: false })
export class IncidentPrefixEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @PrimaryColumn({ type: 'cidr' })
  prefix: string;

  @Column({ type: 'boolean', default: true })
  open: boolean;
}
