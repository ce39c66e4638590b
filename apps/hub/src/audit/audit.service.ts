import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InvalidInputException, TlpLabel } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { newId } from '../common/ids.js';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { AuditEventConnection } from './audit-event.model.js';
import { Statement, statement } from '../database/statements.js';

/** A record shown to a viewer, as far as the audit of restricted reads needs it. */
export interface ReadRecord {
  id: string;
  tlp: string;
  ownerOrgIds: readonly string[];
}

export interface AuditEntry {
  viewer: Viewer;
  action: AuditAction;
  targetType: string;
  targetIds: string[];
  details?: Record<string, unknown>;
}

export enum AuditAction {
  SIGNALS_PUBLISHED = 'SIGNALS_PUBLISHED',
  RESTRICTED_READ = 'RESTRICTED_READ',
  INCIDENT_CURATED = 'INCIDENT_CURATED',
  ADVISORY_PUBLISHED = 'ADVISORY_PUBLISHED',
  ORGANISATION_CREATED = 'ORGANISATION_CREATED',
  USER_CREATED = 'USER_CREATED',
  USER_DEACTIVATED = 'USER_DEACTIVATED',
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_REVOKED = 'API_KEY_REVOKED',
}

const AUDIT_FEED = 'audit';
const RESTRICTED = new Set<string>([TlpLabel.AMBER_STRICT, TlpLabel.RED]);

/** Whether showing a record with this label to someone outside its owners is audited. */
export function isAuditedRead(tlp: string): boolean {
  return RESTRICTED.has(tlp);
}

/** Writes the append-only audit log and lets the ministry read it. */
@Injectable()
export class AuditService {
  /** Live-feed deliveries of restricted records not yet written (see recordLiveRead), by record type and viewer. */
  private liveReads = new Map<string, Map<Viewer, ReadRecord[]>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Records an action; pass the transaction's manager so the entry commits with the change. */
  async record(
    viewer: Viewer,
    action: AuditAction,
    targetType: string,
    targetIds: string[],
    details: Record<string, unknown> = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await this.recordMany([{ viewer, action, targetType, targetIds, details }], manager);
  }

  /** Several entries in one statement (the publishes sharing one transaction). */
  async recordMany(entries: AuditEntry[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    const insert = this.entriesStatement(entries);
    if (insert) await manager.query(insert.text, insert.values);
  }

  entriesStatement(entries: AuditEntry[]): Statement | null {
    if (entries.length === 0) return null;
    return statement(
      `INSERT INTO audit_event (id, action, actor_org_id, actor_user_id, actor_api_key_id, target_type, target_ids, details)
       SELECT e.id, e.action, e.actor_org_id, e.actor_user_id, e.actor_api_key_id, e.target_type, e.target_ids, e.details
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, action text, actor_org_id uuid, actor_user_id uuid, actor_api_key_id uuid,
         target_type text, target_ids text[], details jsonb)`,
      [
        JSON.stringify(
          entries.map((entry) => ({
            id: newId(),
            action: entry.action,
            actor_org_id: entry.viewer.orgId,
            actor_user_id: entry.viewer.userId,
            actor_api_key_id: entry.viewer.apiKeyId,
            target_type: entry.targetType,
            target_ids: entry.targetIds,
            details: entry.details ?? {},
          })),
        ),
      ],
    );
  }

  /** Records that a viewer outside the owning organisations (publisher, participants) was shown AMBER_STRICT or RED records. */
  recordRestrictedReads(viewer: Viewer, targetType: string, records: ReadRecord[]): Promise<void> {
    return this.recordRestrictedReadsMany(targetType, [{ viewer, records }]);
  }

  /**
   * A record just delivered to a viewer on a live feed. The deliveries of one turn of the
   * event loop (one delivery run to many subscribers) are written in one insert per record
   * type, per subscriber as now; delivery does not wait for it.
   */
  recordLiveRead(targetType: string, viewer: Viewer, record: ReadRecord): void {
    if (!isAuditedRead(record.tlp)) return;
    if (this.liveReads.size === 0) setImmediate(() => this.flushLiveReads());
    let byViewer = this.liveReads.get(targetType);
    if (!byViewer) this.liveReads.set(targetType, (byViewer = new Map()));
    const records = byViewer.get(viewer);
    if (records) records.push(record);
    else byViewer.set(viewer, [record]);
  }

  private flushLiveReads(): void {
    const pending = this.liveReads;
    this.liveReads = new Map();
    for (const [targetType, byViewer] of pending) {
      this.recordRestrictedReadsMany(targetType, [...byViewer].map(([viewer, records]) => ({ viewer, records }))).catch((error: unknown) =>
        this.logger.error({ err: error, targetType }, 'could not audit live-feed deliveries'),
      );
    }
  }

  /** The same for many viewers at once, in one statement. */
  private async recordRestrictedReadsMany(targetType: string, reads: { viewer: Viewer; records: ReadRecord[] }[]): Promise<void> {
    const entries = reads.flatMap(({ viewer, records }) => {
      const targetIds = records
        .filter((record) => isAuditedRead(record.tlp) && !record.ownerOrgIds.includes(viewer.orgId ?? ''))
        .map((record) => record.id);
      return targetIds.length > 0 ? [{ viewer, action: AuditAction.RESTRICTED_READ, targetType, targetIds }] : [];
    });
    await this.recordMany(entries);
  }

  async list(first: number | null, after: string | null, action: string | null): Promise<AuditEventConnection> {
    const size = first ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > 500) throw InvalidInputException.single('first', 'must be between 1 and 500');
    const before = after ? decodeCursor(AUDIT_FEED, after, 'after') : null;
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT id, at, action, actor_org_id, actor_user_id, actor_api_key_id, target_type, target_ids, details, sequence::text AS position
       FROM audit_event
       WHERE ($1::bigint IS NULL OR sequence < $1::bigint) AND ($2::text IS NULL OR action = $2)
       ORDER BY sequence DESC LIMIT $3`,
      [before?.toString() ?? null, action, size + 1],
    );
    const page = rows.slice(0, size);
    return {
      edges: page.map((row) => ({
        cursor: encodeCursor(AUDIT_FEED, row.position),
        node: {
          id: row.id,
          at: row.at,
          action: row.action,
          actorOrgId: row.actor_org_id,
          actorUserId: row.actor_user_id,
          actorApiKeyId: row.actor_api_key_id,
          targetType: row.target_type,
          targetIds: row.target_ids,
          details: JSON.stringify(row.details),
        },
      })),
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: false,
        startCursor: page[0] ? encodeCursor(AUDIT_FEED, page[0].position) : null,
        endCursor: page.length > 0 ? encodeCursor(AUDIT_FEED, page[page.length - 1].position) : null,
      },
    };
  }
}
