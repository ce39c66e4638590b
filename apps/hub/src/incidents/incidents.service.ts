import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidInputException } from '@kessetsu/schema';
import { Viewer, viewerTokens } from '@kessetsu/auth';
import { AuditService } from '../audit/audit.service.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { isUuid } from '../common/ids.js';
import { SqlParams } from '../common/sql-params.js';
import { SignalView } from '../signals/signal.model.js';
import { SignalPresenter } from '../signals/signal-presenter.js';
import { SIGNAL_COLUMNS, SignalRow, signalReadRecord, toStoredSignal } from '../signals/stored-signal.js';
import { IncidentFilter } from './dto/incident-filter.input.js';
import { IncidentConnection, IncidentEventView, IncidentView } from './incident.model.js';
import { incidentFilterSql } from './incident-filter.js';
import { IncidentPresenter } from './incident-presenter.js';
import { INCIDENT_COLUMNS, IncidentStore, StoredIncident, incidentReadRecord, toStoredIncident } from './incident-store.js';

export const INCIDENT_FEED = 'incident';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const MAX_SIGNALS_SHOWN = 500;

/** Reads of incidents; every record passes the access policy via the presenters. */
@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: IncidentStore,
    private readonly presenter: IncidentPresenter,
    private readonly signalPresenter: SignalPresenter,
    private readonly audit: AuditService,
  ) {}

  /** Most recently changed first; `after` continues to older changes. */
  async list(viewer: Viewer, filter: IncidentFilter | null | undefined, first: number | null, after: string | null): Promise<IncidentConnection> {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw InvalidInputException.single('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const params = new SqlParams();
    const clauses = [`i.audience && ${params.add(viewerTokens(viewer))}::text[]`, ...incidentFilterSql(filter, params)];
    if (after) clauses.push(`i.revision < ${params.add(decodeCursor(INCIDENT_FEED, after, 'after').toString())}::bigint`);
    const rows = await this.dataSource.query(
      `SELECT ${INCIDENT_COLUMNS} FROM incident i WHERE ${clauses.join(' AND ')} ORDER BY i.revision DESC LIMIT ${params.add(size + 1)}`,
      params.values,
    );
    const incidents: StoredIncident[] = rows.map(toStoredIncident);
    const page = incidents.slice(0, size);
    await this.presenter.prepare(page);
    await this.auditIncidentReads(viewer, page);
    const edges = page.flatMap((incident) => {
      const node = this.presenter.present(viewer, incident);
      return node ? [{ cursor: encodeCursor(INCIDENT_FEED, incident.revision), node }] : [];
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: incidents.length > size,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** For a viewer who just changed the incident and therefore may see it. */
  async present(viewer: Viewer, incident: StoredIncident): Promise<IncidentView> {
    await this.presenter.prepare([incident]);
    return this.presenter.present(viewer, incident)!;
  }

  async get(viewer: Viewer, id: string): Promise<IncidentView | null> {
    if (!isUuid(id)) return null;
    const incident = await this.store.findById(id);
    if (!incident) return null;
    await this.presenter.prepare([incident]);
    const view = this.presenter.present(viewer, incident);
    if (view) await this.auditIncidentReads(viewer, [incident]);
    return view;
  }

  /** Restricted incidents shown to non-participants go to the audit log. */
  auditIncidentReads(viewer: Viewer, incidents: StoredIncident[]): Promise<void> {
    return this.audit.recordRestrictedReads(
      viewer,
      'incident',
      incidents.map(incidentReadRecord),
    );
  }

  /** The incident's signals this viewer may see, oldest first. */
  async signals(viewer: Viewer, incidentId: string): Promise<SignalView[]> {
    const rows: SignalRow[] = await this.dataSource.query(
      `SELECT ${SIGNAL_COLUMNS} FROM signal s WHERE s.incident_id = $1 AND s.audience && $2::text[]
       ORDER BY s.sequence LIMIT ${MAX_SIGNALS_SHOWN}`,
      [incidentId, viewerTokens(viewer)],
    );
    const signals = rows.map(toStoredSignal);
    await this.signalPresenter.prepare(signals);
    await this.audit.recordRestrictedReads(viewer, 'signal', signals.map(signalReadRecord));
    return signals.flatMap((signal) => this.signalPresenter.present(viewer, signal) ?? []);
  }

  async timeline(incidentId: string): Promise<IncidentEventView[]> {
    const rows = await this.dataSource.query(
      `SELECT type, at, actor_org_id, details FROM incident_event WHERE incident_id = $1 ORDER BY at, id`,
      [incidentId],
    );
    return rows.map((row: Record<string, any>) =>
      this.presenter.event(incidentId, { type: row.type, at: row.at, actorOrgId: row.actor_org_id, details: row.details }),
    );
  }

  /**
   * Planned work of the viewer's own organisation overlapping the incident in time
   * and region (the J:COM 2017 lesson: show the change next to the symptom).
   */
  async plannedWork(viewer: Viewer, incident: IncidentView): Promise<SignalView[]> {
    if (!viewer.orgId) return [];
    const rows: SignalRow[] = await this.dataSource.query(
      `SELECT ${SIGNAL_COLUMNS} FROM signal s
       WHERE s.org_id = $1 AND s.kind = 'MAINTENANCE'
         AND (s.regions && $2::text[] OR 'NATIONWIDE' = ANY(s.regions) OR 'NATIONWIDE' = ANY($2::text[]))
         AND (s.details->>'plannedStart')::timestamptz <= $4 AND (s.details->>'plannedEnd')::timestamptz >= $3
       ORDER BY s.sequence LIMIT 100`,
      [viewer.orgId, incident.regions, incident.firstSeen, incident.lastSeen],
    );
    const signals = rows.map(toStoredSignal);
    await this.signalPresenter.prepare(signals);
    return signals.flatMap((signal) => this.signalPresenter.present(viewer, signal) ?? []);
  }
}
