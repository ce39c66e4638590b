import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PubSubEngine } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { ForbiddenException, InvalidInputException, TlpLabel } from '@kessetsu/schema';
import { Viewer, advisoryDisclosure, audienceOf, canViewIncident, recipientsProblem, viewerTokens } from '@kessetsu/auth';
import { AuditAction, AuditService, ReadRecord } from '../audit/audit.service.js';
import { HubConfig } from '../config/hub-config.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { newId } from '../common/ids.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { lockOrderedWrites } from '../database/write-lock.js';
import { IncidentStore } from '../incidents/incident-store.js';
import { OrderedFeed, OrderedFeedSource } from '../live/ordered-feed.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { HUB_PUBSUB, HubTrigger } from '../pubsub/hub-events.js';
import { PublishAdvisoryInput } from './dto/publish-advisory.input.js';
import { AdvisoryConnection, AdvisoryEvent, AdvisoryView } from './advisory.model.js';

export const ADVISORY_FEED = 'advisory';
const MAX_PAGE_SIZE = 200;

interface StoredAdvisory {
  id: string;
  sequence: bigint;
  orgId: string;
  title: string;
  body: string;
  tlp: TlpLabel;
  recipientOrgIds: string[];
  incidentId: string | null;
  publishedAt: Date;
}

const COLUMNS = `a.id, a.sequence::text AS sequence, a.org_id, a.title, a.body, a.tlp, a.recipient_org_ids, a.incident_id, a.published_at`;

const toStored = (row: Record<string, any>): StoredAdvisory => ({
  id: row.id,
  sequence: BigInt(row.sequence),
  orgId: row.org_id,
  title: row.title,
  body: row.body,
  tlp: row.tlp,
  recipientOrgIds: row.recipient_org_ids,
  incidentId: row.incident_id,
  publishedAt: row.published_at,
});

/** Its issuing organisation owns an advisory. */
const advisoryReadRecord = (advisory: StoredAdvisory): ReadRecord => ({ id: advisory.id, tlp: advisory.tlp, ownerOrgIds: [advisory.orgId] });

/** Advisories: written by the ministry and ISAC, read by the audience their label implies, live or paged. */
@Injectable()
export class AdvisoriesService implements OnModuleInit, OnApplicationShutdown, OrderedFeedSource<StoredAdvisory, AdvisoryEvent, null> {
  readonly name = ADVISORY_FEED;
  readonly trigger = HubTrigger.ADVISORY_PUBLISHED;
  readonly auditTarget = 'advisory';
  private readonly feed: OrderedFeed<StoredAdvisory, AdvisoryEvent, null>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly incidents: IncidentStore,
    private readonly audit: AuditService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    metrics: MetricsService,
    config: HubConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.feed = new OrderedFeed(this, { pubsub, audit, metrics, logger, pollMs: config.HUB_FEED_POLL_MS, maxBacklog: config.HUB_FEED_MAX_BACKLOG });
  }

  onModuleInit(): Promise<void> {
    return this.feed.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.feed.stop();
  }

  async publish(viewer: Viewer, input: PublishAdvisoryInput): Promise<AdvisoryView> {
    const orgId = viewer.orgId;
    if (!orgId) throw new ForbiddenException('Only member organisations publish advisories');
    const recipients = input.recipientOrgIds ?? [];
    const problem = recipientsProblem(input.tlp, recipients);
    if (problem) throw InvalidInputException.single('recipientOrgIds', problem);
    const known = await this.organisations.existing(recipients);
    const unknown = recipients.find((id) => !known.has(id));
    if (unknown) throw InvalidInputException.single('recipientOrgIds', `no organisation with id ${unknown}`);
    if (input.incidentId) {
      const incident = await this.incidents.findById(input.incidentId);
      const visible = incident && canViewIncident(viewer, { tlp: incident.tlp, participantOrgIds: incident.orgIds, recipientOrgIds: incident.recipientOrgIds });
      if (!visible) throw InvalidInputException.single('incidentId', 'no such incident');
    }
    const audience = audienceOf({ tlp: input.tlp, publisherOrgId: orgId, recipientOrgIds: recipients });
    const [row] = await this.dataSource.transaction(async (manager) => {
      await lockOrderedWrites(manager);
      const inserted = await manager.query(
        `INSERT INTO advisory AS a (id, org_id, published_by, title, body, tlp, recipient_org_ids, audience, incident_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [newId(), orgId, viewer.userId, input.title.trim(), input.body, input.tlp, recipients, audience, input.incidentId ?? null],
      );
      await this.audit.record(viewer, AuditAction.ADVISORY_PUBLISHED, 'advisory', [inserted[0].id], { tlp: input.tlp }, manager);
      return inserted;
    });
    await this.pubsub.publish(HubTrigger.ADVISORY_PUBLISHED, {});
    const advisory = toStored(row);
    await this.prepare([advisory]);
    return this.present(viewer, advisory)!;
  }

  async list(viewer: Viewer, first: number | null, after: string | null, incidentId: string | null): Promise<AdvisoryConnection> {
    const size = first ?? 50;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw InvalidInputException.single('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const before = after ? decodeCursor(ADVISORY_FEED, after, 'after') : null;
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM advisory a
       WHERE a.audience && $1::text[] AND ($2::bigint IS NULL OR a.sequence < $2::bigint) AND ($3::uuid IS NULL OR a.incident_id = $3::uuid)
       ORDER BY a.sequence DESC LIMIT $4`,
      [viewerTokens(viewer), before?.toString() ?? null, incidentId, size + 1],
    );
    const advisories: StoredAdvisory[] = rows.map(toStored);
    const page = advisories.slice(0, size);
    await this.prepare(page);
    await this.audit.recordRestrictedReads(viewer, 'advisory', page.map(advisoryReadRecord));
    const edges = page.flatMap((advisory) => {
      const node = this.present(viewer, advisory);
      return node ? [{ cursor: encodeCursor(ADVISORY_FEED, advisory.sequence), node }] : [];
    });
    return {
      edges,
      pageInfo: { hasNextPage: advisories.length > size, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  subscribe(viewer: Viewer, after?: bigint): AsyncIterableIterator<AdvisoryEvent> {
    return this.feed.subscribe(viewer, null, after);
  }

  positionOf(advisory: StoredAdvisory): bigint {
    return advisory.sequence;
  }

  async maxPosition(): Promise<bigint> {
    const [row] = await this.dataSource.query(`SELECT COALESCE(MAX(sequence), 0)::text AS max FROM advisory`);
    return BigInt(row.max);
  }

  async committedAfter(position: bigint, limit: number): Promise<StoredAdvisory[]> {
    const rows = await this.dataSource.query(`SELECT ${COLUMNS} FROM advisory a WHERE a.sequence > $1 ORDER BY a.sequence LIMIT $2`, [
      position.toString(),
      limit,
    ]);
    return rows.map(toStored);
  }

  async replay(viewer: Viewer, _filter: null, after: bigint, limit: number): Promise<StoredAdvisory[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM advisory a WHERE a.audience && $1::text[] AND a.sequence > $2 ORDER BY a.sequence LIMIT $3`,
      [viewerTokens(viewer), after.toString(), limit],
    );
    return rows.map(toStored);
  }

  async prepare(advisories: readonly StoredAdvisory[]): Promise<void> {
    await this.organisations.load(advisories.map((advisory) => advisory.orgId));
  }

  readRecord(advisory: StoredAdvisory): ReadRecord {
    return advisoryReadRecord(advisory);
  }

  eventFor(viewer: Viewer, _filter: null, advisory: StoredAdvisory, shaped: Map<string, AdvisoryEvent>): AdvisoryEvent | null {
    const view = this.present(viewer, advisory);
    if (!view) return null;
    const event = shaped.get('all') ?? { cursor: encodeCursor(ADVISORY_FEED, advisory.sequence), advisory: view };
    shaped.set('all', event);
    return event;
  }

  private present(viewer: Viewer, advisory: StoredAdvisory): AdvisoryView | null {
    const disclosure = advisoryDisclosure(viewer, { tlp: advisory.tlp, publisherOrgId: advisory.orgId, recipientOrgIds: advisory.recipientOrgIds });
    if (!disclosure) return null;
    return {
      id: advisory.id,
      title: advisory.title,
      body: advisory.body,
      tlp: advisory.tlp,
      issuer: this.organisations.cached(advisory.orgId)!,
      incidentId: advisory.incidentId,
      publishedAt: advisory.publishedAt,
    };
  }
}
