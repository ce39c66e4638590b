import { Inject, Injectable } from '@nestjs/common';
import { IncidentEventType, IncidentStatus, SignalKind } from '@kessetsu/schema';
import { Viewer, canSeeOrgIdentity, canViewIncident, incidentScope, pseudonymFor } from '@kessetsu/auth';
import { HUB_SECRETS, HubSecrets } from '../database/hub-secrets.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { IncidentEventView, IncidentView } from './incident.model.js';
import { IncidentOutcome } from './incident-outcome.model.js';
import type { StoredIncident } from './incident-store.js';

export interface StoredIncidentEvent {
  type: IncidentEventType;
  at: Date;
  actorOrgId: string | null;
  details: Record<string, unknown>;
}

/** Shapes incidents for a viewer; visibility comes from the access policy alone. */
@Injectable()
export class IncidentPresenter {
  constructor(
    @Inject(HUB_SECRETS) private readonly secrets: HubSecrets,
    private readonly organisations: OrganisationsService,
  ) {}

  async prepare(incidents: readonly StoredIncident[]): Promise<void> {
    await this.organisations.load(incidents.flatMap((incident) => incident.orgIds));
  }

  present(viewer: Viewer, incident: StoredIncident): IncidentView | null {
    const shared = { tlp: incident.tlp, participantOrgIds: incident.orgIds, recipientOrgIds: incident.recipientOrgIds };
    if (!canViewIncident(viewer, shared)) return null;
    return {
      id: incident.id,
      status: incident.status,
      crossCarrier: incident.orgIds.length > 1,
      title: incident.title,
      note: incident.note,
      severity: incident.severity,
      tlp: incident.tlp,
      kinds: incident.kinds as SignalKind[],
      regions: incident.regions,
      services: incident.services,
      firstSeen: incident.windowStart,
      lastSeen: incident.windowEnd,
      openedAt: incident.openedAt,
      updatedAt: incident.updatedAt,
      resolvedAt: incident.resolvedAt,
      orgCount: incident.orgIds.length,
      signalCount: incident.signalCount,
      participants: incident.orgIds.map((orgId) => ({
        pseudonym: this.pseudonym(incident.id, orgId),
        isViewerOrganization: viewer.orgId === orgId,
        organization: canSeeOrgIdentity(viewer, orgId) ? this.organisations.cached(orgId) : null,
      })),
    };
  }

  outcome(publisherOrgId: string, incident: StoredIncident): IncidentOutcome {
    return {
      id: incident.id,
      status: incident.status,
      otherOrgCount: incident.orgIds.filter((orgId) => orgId !== publisherOrgId).length,
    };
  }

  event(incidentId: string, event: StoredIncidentEvent): IncidentEventView {
    const details = event.details;
    return {
      type: event.type,
      at: event.at,
      actor: event.actorOrgId ? this.pseudonym(incidentId, event.actorOrgId) : null,
      fromStatus: (details.from as IncidentStatus | undefined) ?? null,
      toStatus: (details.to as IncidentStatus | undefined) ?? null,
      kind: (details.kind as SignalKind | undefined) ?? null,
      description: (details.description as string | undefined) ?? null,
    };
  }

  private pseudonym(incidentId: string, orgId: string): string {
    return pseudonymFor(this.secrets.pseudonymKey, incidentScope(incidentId), orgId);
  }
}
