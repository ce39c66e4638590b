/** Messages the hub processes exchange over the PubSub engine. */
export const HUB_PUBSUB = Symbol('HUB_PUBSUB');

export enum HubTrigger {
  /** New signals are committed up to `maxSequence`; the DB stays the source of truth. */
  SIGNALS_COMMITTED = 'signals.committed',
  /** Incidents changed up to `maxRevision`; the incident feed reads what moved past its revision mark. */
  INCIDENTS_CHANGED = 'incidents.changed',
  ADVISORY_PUBLISHED = 'advisory.published',
  /** A credential lost its access; live connections using it must close. */
  CREDENTIAL_REVOKED = 'credential.revoked',
}

export interface SignalsCommittedEvent {
  maxSequence: string;
}

export interface IncidentsChangedEvent {
  maxRevision: string;
}

/** The notice for a commit that gave incidents these revisions. */
export function incidentsChanged(revisions: readonly bigint[]): IncidentsChangedEvent {
  return { maxRevision: revisions.reduce((max, revision) => (revision > max ? revision : max), 0n).toString() };
}

export interface CredentialRevokedEvent {
  apiKeyId?: string;
  userId?: string;
}
