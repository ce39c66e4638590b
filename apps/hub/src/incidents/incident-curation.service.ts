import { Inject, Injectable } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { IncidentEventType, IncidentStatus, InvalidInputException, NotFoundException } from '@kessetsu/schema';
import { Viewer, recipientsProblem } from '@kessetsu/auth';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { newId } from '../common/ids.js';
import { lockOrderedWrites } from '../database/write-lock.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { HUB_PUBSUB, HubTrigger, incidentsChanged } from '../pubsub/hub-events.js';
import { SignalStore } from '../signals/signal-store.js';
import { CurateIncidentInput } from './dto/curate-incident.input.js';
import { IncidentStore, StoredIncident } from './incident-store.js';

const describe = (value: unknown) => (value === null || value === undefined ? '(none)' : JSON.stringify(value));

/** The ministry's edits to an incident, each audited on its timeline with who and when. */
@Injectable()
export class IncidentCurationService {
  constructor(
    private readonly incidents: IncidentStore,
    private readonly signals: SignalStore,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
  ) {}

  async curate(viewer: Viewer, id: string, input: CurateIncidentInput): Promise<StoredIncident> {
    const recipients = input.recipientOrgIds ?? [];
    const problem = input.tlp ? recipientsProblem(input.tlp, recipients) : recipients.length > 0 ? 'name recipients together with tlp RED' : null;
    if (problem) throw InvalidInputException.single('recipientOrgIds', problem);
    const known = await this.organisations.existing(recipients);
    const unknown = recipients.find((orgId) => !known.has(orgId));
    if (unknown) throw InvalidInputException.single('recipientOrgIds', `no organisation with id ${unknown}`);

    const curated = await this.signals.transaction(async (manager) => {
      await lockOrderedWrites(manager);
      const incident = await this.incidents.findById(id, manager);
      if (!incident) throw new NotFoundException('Incident');
      const wasResolved = incident.status === IncidentStatus.RESOLVED;
      const changes: string[] = [];
      const change = <K extends keyof StoredIncident>(field: K, value: StoredIncident[K]) => {
        if (JSON.stringify(incident[field]) === JSON.stringify(value)) return;
        changes.push(`${field}: ${describe(incident[field])} -> ${describe(value)}`);
        incident[field] = value;
      };
      if (input.title !== undefined) change('title', input.title?.trim() || null);
      if (input.note !== undefined) change('note', input.note?.trim() || null);
      if (input.severity) {
        change('severity', input.severity);
        incident.severityCurated = true;
      }
      if (input.tlp) {
        change('tlp', input.tlp);
        change('recipientOrgIds', recipients);
        incident.tlpCurated = true;
      }
      if (input.status) this.changeStatus(incident, input.status, change);
      if (changes.length === 0) return incident;
      await this.incidents.save(manager, [incident]);
      const isResolved = incident.status === IncidentStatus.RESOLVED;
      if (isResolved !== wasResolved) await this.incidents.setOpen(manager, [incident.id], !isResolved);
      await this.incidents.addEvents(
        manager,
        changes.map((description) => ({
          id: newId(),
          incidentId: incident.id,
          type: IncidentEventType.CURATED,
          actorOrgId: viewer.orgId,
          actorUserId: viewer.userId,
          details: { description },
        })),
      );
      await this.audit.record(viewer, AuditAction.INCIDENT_CURATED, 'incident', [incident.id], { changes }, manager);
      return (await this.incidents.findById(id, manager))!;
    });
    await this.pubsub.publish(HubTrigger.INCIDENTS_CHANGED, incidentsChanged([curated.revision]));
    return curated;
  }

  private changeStatus(
    incident: StoredIncident,
    status: IncidentStatus,
    change: <K extends keyof StoredIncident>(field: K, value: StoredIncident[K]) => void,
  ): void {
    if (status === IncidentStatus.RESOLVED) {
      if (incident.status !== IncidentStatus.RESOLVED) incident.resolvedAt = new Date();
      change('status', status);
      return;
    }
    const open = incident.orgIds.length > 1 ? IncidentStatus.CROSS_CARRIER : IncidentStatus.SINGLE_ORG;
    if (status !== open) {
      throw InvalidInputException.single('status', `an open incident with ${incident.orgIds.length} organisation(s) is ${open}`);
    }
    incident.resolvedAt = null;
    change('status', status);
  }
}
