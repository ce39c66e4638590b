import type { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import type { ReadRecord } from '../audit/audit.service.js';
import type { SignalDetailsRecord } from './signal-details.js';

/** Names signal positions: the signal feed, its metrics, and the cursors of signal pages and feeds. */
export const SIGNAL_FEED = 'signal';

/** A committed signal as read back from the database. */
export interface StoredSignal {
  id: string;
  sequence: bigint;
  orgId: string;
  sourceRef: string;
  kind: SignalKind;
  severity: Severity;
  tlp: TlpLabel;
  recipientOrgIds: string[];
  audience: string[];
  observedStart: Date;
  observedEnd: Date | null;
  regions: string[];
  service: string | null;
  details: SignalDetailsRecord;
  textRaw: string | null;
  textScrubbed: string | null;
  publishedAt: Date;
  incidentId: string | null;
}

/** A signal as the audit of restricted reads sees it: its publisher owns it. */
export function signalReadRecord(signal: StoredSignal): ReadRecord {
  return { id: signal.id, tlp: signal.tlp, ownerOrgIds: [signal.orgId] };
}

/** A signal about to be stored: everything but its position in commit order. */
export type PendingSignal = Omit<StoredSignal, 'sequence'>;

/** A signal before its transaction: nor its publication time (the transaction's timestamp). */
export type UnpublishedSignal = Omit<PendingSignal, 'publishedAt'>;

/** Select list producing the raw row shape that `toStoredSignal` reads; arrays as JSON, as in INCIDENT_COLUMNS. */
export const SIGNAL_COLUMNS = `s.id, s.sequence::text AS sequence, s.org_id, s.source_ref, s.kind, s.severity, s.tlp,
  to_json(s.recipient_org_ids) AS recipient_org_ids, to_json(s.audience) AS audience, s.observed_start, s.observed_end,
  to_json(s.regions) AS regions, s.service, s.details, s.text_raw, s.text_scrubbed, s.published_at, s.incident_id`;

export interface SignalRow {
  id: string;
  sequence: string;
  org_id: string;
  source_ref: string;
  kind: SignalKind;
  severity: Severity;
  tlp: TlpLabel;
  recipient_org_ids: string[];
  audience: string[];
  observed_start: Date;
  observed_end: Date | null;
  regions: string[];
  service: string | null;
  details: SignalDetailsRecord;
  text_raw: string | null;
  text_scrubbed: string | null;
  published_at: Date;
  incident_id: string | null;
}

export function toStoredSignal(row: SignalRow): StoredSignal {
  return {
    id: row.id,
    sequence: BigInt(row.sequence),
    orgId: row.org_id,
    sourceRef: row.source_ref,
    kind: row.kind,
    severity: row.severity,
    tlp: row.tlp,
    recipientOrgIds: row.recipient_org_ids,
    audience: row.audience,
    observedStart: row.observed_start,
    observedEnd: row.observed_end,
    regions: row.regions,
    service: row.service,
    details: row.details,
    textRaw: row.text_raw,
    textScrubbed: row.text_scrubbed,
    publishedAt: row.published_at,
    incidentId: row.incident_id,
  };
}

/** A SignalRow as JSON carries it: timestamps as text. */
type SignalRowJson = Omit<SignalRow, 'observed_start' | 'observed_end' | 'published_at'> & {
  observed_start: string;
  observed_end: string | null;
  published_at: string;
};

/**
 * Signals from their rows in JSON (a commit's notice, see SignalStore.rowsJsonSql): the
 * rows a query reads, timestamps aside. Null when it holds none.
 */
export function storedSignalsFromJson(value: unknown): StoredSignal[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return (value as SignalRowJson[]).map((row) =>
    toStoredSignal({
      ...row,
      observed_start: new Date(row.observed_start),
      observed_end: row.observed_end === null ? null : new Date(row.observed_end),
      published_at: new Date(row.published_at),
    }),
  );
}
