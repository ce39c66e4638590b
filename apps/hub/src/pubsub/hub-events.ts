import { quoteLiteral } from '../database/statements.js';

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
  /** The process that committed them, when its notice went with the commit (see signalsCommittedSql). */
  committedBy?: string;
  /** The commit's signals as rows in JSON, when they fit in the notice: the other processes need not read them back. */
  signals?: unknown[] | null;
}

export interface IncidentsChangedEvent {
  maxRevision: string;
}

const highest = (positions: readonly bigint[]): string => positions.reduce((max, position) => (position > max ? position : max), 0n).toString();

/** The notice for a commit that stored signals with these sequences. */
export function signalsCommitted(sequences: readonly bigint[]): SignalsCommittedEvent {
  return { maxSequence: highest(sequences) };
}

/** The notice for a commit that gave incidents these revisions. */
export function incidentsChanged(revisions: readonly bigint[]): IncidentsChangedEvent {
  return { maxRevision: highest(revisions) };
}

/**
 * Room for a commit's signals in its notice: Postgres refuses payloads of 8000 bytes or
 * more, and the rest of the notice takes well under a thousand.
 */
export const NOTICED_SIGNALS_MAX_BYTES = 7000;

/**
 * The same two notices as SQL, for a transaction holding the ordered-write lock to send
 * with its commit: the highest position stored is then its own. The signals' notice names
 * the committing process, whose own feed has the signals from the commit's answer and need
 * not read them back; `signalsSql`, when given, puts the signals themselves in the notice
 * for the other processes (a JSON array, or null when it would not fit).
 */
export const signalsCommittedSql = (committedBy: string, signalsSql: string | null) =>
  `json_build_object('maxSequence', (SELECT max(sequence) FROM signal)::text, 'committedBy', ${quoteLiteral(committedBy)}, 'signals', ${signalsSql ?? 'NULL::json'})`;
export const INCIDENTS_CHANGED_SQL = `json_build_object('maxRevision', (SELECT max(revision) FROM incident)::text)`;

/** The last position a notice announces, or null when it carries none (or a malformed one). */
export function noticedPosition(notice: unknown, field: keyof SignalsCommittedEvent | keyof IncidentsChangedEvent): bigint | null {
  const position = (notice as Record<string, unknown> | null)?.[field];
  return typeof position === 'string' && /^\d+$/.test(position) ? BigInt(position) : null;
}

export interface CredentialRevokedEvent {
  apiKeyId?: string;
  userId?: string;
}
