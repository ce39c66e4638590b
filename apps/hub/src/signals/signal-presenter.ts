import { Inject, Injectable } from '@nestjs/common';
import { SignalKind } from '@kessetsu/schema';
import { Disclosure, Viewer, dayScope, disclosureFor, incidentScope, pseudonymFor } from '@kessetsu/auth';
import { HUB_SECRETS, HubSecrets } from '../database/hub-secrets.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { SignalView } from './signal.model.js';
import type { StoredSignal } from './stored-signal.js';

/**
 * Applies the access policy's disclosure to a stored signal. It never decides
 * visibility itself: `disclosureFor` does, and the presenter only shapes the fields.
 */
@Injectable()
export class SignalPresenter {
  constructor(
    @Inject(HUB_SECRETS) private readonly secrets: HubSecrets,
    private readonly organisations: OrganisationsService,
  ) {}

  /** Loads what presenting these signals needs (publisher and recipient organisations). */
  async prepare(signals: readonly StoredSignal[]): Promise<void> {
    await this.organisations.load(signals.flatMap((signal) => [signal.orgId, ...signal.recipientOrgIds]));
  }

  /** Null when the viewer may not receive the signal. Call `prepare` first. */
  present(viewer: Viewer, signal: StoredSignal): SignalView | null {
    const disclosure = disclosureFor(viewer, {
      tlp: signal.tlp,
      publisherOrgId: signal.orgId,
      recipientOrgIds: signal.recipientOrgIds,
    });
    return disclosure ? this.shape(signal, disclosure) : null;
  }

  shape(signal: StoredSignal, disclosure: Disclosure): SignalView {
    return {
      id: signal.id,
      kind: signal.kind,
      severity: signal.severity,
      tlp: signal.tlp,
      observedStart: signal.observedStart,
      observedEnd: signal.observedEnd,
      publishedAt: signal.publishedAt,
      regions: signal.regions,
      service: signal.service,
      text: disclosure.rawText ? signal.textRaw : signal.textScrubbed,
      sourceRef: disclosure.identity ? signal.sourceRef : null,
      publisher: {
        pseudonym: pseudonymFor(this.secrets.pseudonymKey, pseudonymScope(signal), signal.orgId),
        organization: disclosure.identity ? this.organisations.cached(signal.orgId) : null,
      },
      details: presentDetails(signal.kind, signal.details),
      recipientOrganizations: disclosure.identity && signal.recipientOrgIds.length > 0
        ? signal.recipientOrgIds.flatMap((id) => this.organisations.cached(id) ?? [])
        : null,
    };
  }
}

/** Inside an incident a pseudonym is stable for that incident; planned work keeps the day scope. */
export function pseudonymScope(signal: Pick<StoredSignal, 'incidentId' | 'observedStart'>): string {
  return signal.incidentId ? incidentScope(signal.incidentId) : dayScope(signal.observedStart);
}

function presentDetails(kind: SignalKind, details: Record<string, unknown>): object {
  if (kind === SignalKind.MAINTENANCE) {
    return {
      ...details,
      kind,
      plannedStart: new Date(details.plannedStart as string),
      plannedEnd: new Date(details.plannedEnd as string),
    };
  }
  return { ...details, kind };
}
