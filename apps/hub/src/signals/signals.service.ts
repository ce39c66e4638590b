import { Inject, Injectable } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { ForbiddenException, InvalidInputException, Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import { Viewer, audienceOf, scrubText, viewerTokens } from '@kessetsu/auth';
import { HubConfig } from '../config/hub-config.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { isUuid, newId } from '../common/ids.js';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { CorrelationService } from '../incidents/correlation.service.js';
import { IncidentPresenter } from '../incidents/incident-presenter.js';
import { IncidentStore, StoredIncident } from '../incidents/incident-store.js';
import { lockOrderedWrites } from '../database/write-lock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { HUB_PUBSUB, HubTrigger, SignalsCommittedEvent } from '../pubsub/hub-events.js';
import type { SignalFilter } from './dto/signal-filter.input.js';
import type { SignalInput } from './dto/signal.input.js';
import { DETAILS_BY_KIND, SignalDetailsRecord } from './signal-details.js';
import { PublishedSignal, SignalConnection, SignalView } from './signal.model.js';
import { SignalPresenter } from './signal-presenter.js';
import { NewSignalRow, SignalStore } from './signal-store.js';
import { validateSignalBatch } from './signal-validation.js';
import type { PendingSignal, StoredSignal } from './stored-signal.js';

export const SIGNAL_FEED = 'signal';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
/** Larger batches are audited by count only, to keep the log readable. */
const AUDITED_IDS = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

@Injectable()
export class SignalsService {
  constructor(
    private readonly store: SignalStore,
    private readonly presenter: SignalPresenter,
    private readonly organisations: OrganisationsService,
    private readonly correlation: CorrelationService,
    private readonly aggregates: AggregatesService,
    private readonly incidents: IncidentStore,
    private readonly incidentPresenter: IncidentPresenter,
    private readonly metrics: MetricsService,
    private readonly config: HubConfig,
    private readonly audit: AuditService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Validates the whole batch, then stores it in one transaction. Returns only after
   * the commit; a sourceRef already stored by the org returns the stored signal.
   */
  async publish(viewer: Viewer, rawInputs: readonly object[]): Promise<PublishedSignal[]> {
    const orgId = viewer.orgId;
    if (!orgId) throw new ForbiddenException('Only member organisations publish');
    if (rawInputs.length === 0 || rawInputs.length > this.config.HUB_MAX_BATCH_SIZE) {
      throw InvalidInputException.single('signals', `must hold 1 to ${this.config.HUB_MAX_BATCH_SIZE} signals`);
    }
    const { inputs, errors } = validateSignalBatch(rawInputs);
    errors.push(...(await this.unknownRecipientErrors(inputs)));
    if (errors.length > 0) throw new InvalidInputException(errors);

    const rows = inputs.map((input) => toNewRow(orgId, input));
    const asns = await this.organisations.asnDirectory();
    const { inserted, existing, touched } = await this.store.transaction(async (manager) => {
      const publishedAt = await lockOrderedWrites(manager);
      const existing = await this.store.findBySourceRefs(manager, orgId, rows.map((row) => row.source_ref));
      const existingRefs = new Set(existing.map((signal) => signal.sourceRef));
      const freshRows = rows.filter((row) => !existingRefs.has(row.source_ref));
      const pending = freshRows.map((row) => toPendingSignal(row, publishedAt));
      const { incidentOf, touched } = await this.correlation.correlate(manager, pending, asns);
      for (const row of freshRows) row.incident_id = incidentOf.get(row.id) ?? null;
      const sequences = await this.store.insertBatch(manager, freshRows);
      const inserted: StoredSignal[] = pending.map((signal) => ({
        ...signal,
        incidentId: incidentOf.get(signal.id) ?? null,
        sequence: sequences.get(signal.id)!,
      }));
      await this.aggregates.record(manager, inserted.map((signal) => signal.id));
      if (inserted.length > 0) {
        await this.audit.record(viewer, AuditAction.SIGNALS_PUBLISHED, 'signal', inserted.length <= AUDITED_IDS ? inserted.map((s) => s.id) : [], {
          count: inserted.length,
        }, manager);
      }
      return { inserted, existing, touched };
    });
    if (inserted.length > 0) this.announce(inserted, touched);

    const stored = new Map([...inserted, ...existing].map((signal) => [signal.sourceRef, signal]));
    const insertedIds = new Set(inserted.map((signal) => signal.id));
    const incidents = new Map(touched.map((incident) => [incident.id, incident]));
    const earlierIncidents = existing.flatMap((signal) => (signal.incidentId && !incidents.has(signal.incidentId) ? [signal.incidentId] : []));
    for (const incident of await this.incidents.findByIds([...new Set(earlierIncidents)])) incidents.set(incident.id, incident);
    await this.presenter.prepare([...stored.values()]);
    return inputs.map((input, index) => {
      const signal = stored.get(input.sourceRef)!;
      const incident = signal.incidentId ? incidents.get(signal.incidentId) : undefined;
      return {
        index,
        duplicate: !insertedIds.has(signal.id),
        signal: this.presenter.present(viewer, signal)!,
        incident: incident ? this.incidentPresenter.outcome(orgId, incident) : null,
      };
    });
  }

  async list(viewer: Viewer, filter: SignalFilter | null | undefined, page: PageArgs): Promise<SignalConnection> {
    if (page.first != null && page.last != null) throw InvalidInputException.single('last', 'cannot be combined with first');
    const backwards = page.last != null;
    const size = backwards ? page.last! : (page.first ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw InvalidInputException.single(backwards ? 'last' : 'first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const afterSequence = page.after ? decodeCursor(SIGNAL_FEED, page.after, 'after') : undefined;
    const beforeSequence = page.before ? decodeCursor(SIGNAL_FEED, page.before, 'before') : undefined;
    const rows = await this.store.page({
      audienceTokens: viewerTokens(viewer),
      filter,
      afterSequence,
      beforeSequence,
      limit: size + 1,
      newestFirst: backwards,
    });
    const hasMore = rows.length > size;
    const pageRows = rows.slice(0, size);
    if (backwards) pageRows.reverse();
    await this.presenter.prepare(pageRows);
    await this.audit.recordRestrictedReads(viewer, 'signal', pageRows.map((signal) => ({ id: signal.id, tlp: signal.tlp, ownerOrgIds: [signal.orgId] })));
    const edges = pageRows.flatMap((signal) => {
      const node = this.presenter.present(viewer, signal);
      return node ? [{ cursor: encodeCursor(SIGNAL_FEED, signal.sequence), node }] : [];
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: !backwards && hasMore,
        hasPreviousPage: backwards && hasMore,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** Missing and invisible signals look the same. */
  async get(viewer: Viewer, id: string): Promise<SignalView | null> {
    if (!isUuid(id)) return null;
    const signal = await this.store.findById(id);
    if (!signal) return null;
    await this.presenter.prepare([signal]);
    const view = this.presenter.present(viewer, signal);
    if (view) await this.audit.recordRestrictedReads(viewer, 'signal', [{ id: signal.id, tlp: signal.tlp, ownerOrgIds: [signal.orgId] }]);
    return view;
  }

  private async unknownRecipientErrors(inputs: SignalInput[]) {
    const named = [...new Set(inputs.flatMap((input) => input.recipientOrgIds ?? []).filter(isUuid))];
    const known = await this.organisations.existing(named);
    return inputs.flatMap((input, index) =>
      (input.recipientOrgIds ?? [])
        .filter((id) => isUuid(id) && !known.has(id))
        .map((id) => ({ index, field: 'recipientOrgIds', message: `no organisation with id ${id}` })),
    );
  }

  /** Wakes the live feeds of every hub process. A lost notice only delays delivery until the next poll. */
  private announce(inserted: StoredSignal[], touched: StoredIncident[]): void {
    for (const signal of inserted) this.metrics.signalsPublished.inc({ kind: signal.kind });
    const maxSequence = inserted.reduce((max, signal) => (signal.sequence > max ? signal.sequence : max), 0n);
    const notices: [HubTrigger, object][] = [[HubTrigger.SIGNALS_COMMITTED, { maxSequence: maxSequence.toString() } satisfies SignalsCommittedEvent]];
    if (touched.length > 0) notices.push([HubTrigger.INCIDENTS_CHANGED, {}]);
    for (const [trigger, payload] of notices) {
      this.pubsub.publish(trigger, payload).catch((error: unknown) => {
        this.logger.warn({ err: error, trigger }, 'could not announce a commit; live feeds will catch up by polling');
      });
    }
  }
}

function toNewRow(orgId: string, input: SignalInput): NewSignalRow {
  const recipientOrgIds = input.recipientOrgIds ?? [];
  const detailsField = DETAILS_BY_KIND[input.kind].field;
  const details: Record<string, unknown> = JSON.parse(JSON.stringify(input[detailsField]));
  if (input.routeAnomaly) {
    details.prefixCount = input.routeAnomaly.prefixCount ?? input.routeAnomaly.prefixes.length;
    details.asPath = input.routeAnomaly.asPath ?? [];
  }
  return {
    id: newId(),
    org_id: orgId,
    source_ref: input.sourceRef,
    kind: input.kind,
    severity: input.severity,
    tlp: input.tlp,
    recipient_org_ids: recipientOrgIds,
    audience: audienceOf({ tlp: input.tlp, publisherOrgId: orgId, recipientOrgIds }),
    observed_start: input.observedStart.toISOString(),
    observed_end: input.observedEnd?.toISOString() ?? null,
    regions: input.regions,
    service: input.service ?? null,
    details,
    text_raw: input.text ?? null,
    text_scrubbed: input.text == null ? null : scrubText(input.text),
    incident_id: null,
  };
}

function toPendingSignal(row: NewSignalRow, publishedAt: Date): PendingSignal {
  return {
    id: row.id,
    orgId: row.org_id,
    sourceRef: row.source_ref,
    kind: row.kind as SignalKind,
    severity: row.severity as Severity,
    tlp: row.tlp as TlpLabel,
    recipientOrgIds: row.recipient_org_ids,
    audience: row.audience,
    observedStart: new Date(row.observed_start),
    observedEnd: row.observed_end === null ? null : new Date(row.observed_end),
    regions: row.regions,
    service: row.service,
    details: row.details as SignalDetailsRecord,
    textRaw: row.text_raw,
    textScrubbed: row.text_scrubbed,
    publishedAt,
    incidentId: null,
  };
}
