import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { IncidentEventType, IncidentStatus } from '@kessetsu/schema';
import { HubConfig } from '../config/hub-config.js';
import { newId } from '../common/ids.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { lockOrderedWrites } from '../database/write-lock.js';
import { HUB_PUBSUB, HubTrigger, incidentsChanged } from '../pubsub/hub-events.js';
import { SignalStore } from '../signals/signal-store.js';
import { IncidentStore } from './incident-store.js';

/**
 * Resolves incidents whose signals have all ended and that have been quiet (no
 * joins, no curation) for HUB_INCIDENT_QUIET_SECONDS. Every hub process sweeps;
 * the ordered-write lock makes concurrent sweeps harmless.
 */
@Injectable()
export class IncidentLifecycleService implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly config: HubConfig,
    private readonly signals: SignalStore,
    private readonly incidents: IncidentStore,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.resolveQuietIncidents()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'incident sweep failed; retrying next interval'))
        .finally(() => (this.sweeping = null));
    }, this.config.HUB_INCIDENT_SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  async resolveQuietIncidents(): Promise<string[]> {
    const resolved = await this.signals.transaction(async (manager) => {
      await lockOrderedWrites(manager);
      const rows: { id: string; revision: string; previous: IncidentStatus }[] = await manager.query(
        `UPDATE incident i SET status = 'RESOLVED', resolved_at = now(), updated_at = now(),
           revision = nextval(pg_get_serial_sequence('incident', 'revision'))
         FROM incident before
         WHERE before.id = i.id AND i.status <> 'RESOLVED'
           AND i.updated_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM signal s WHERE s.incident_id = i.id AND s.observed_end IS NULL)
         RETURNING i.id, i.revision::text AS revision, before.status AS previous`,
        [this.config.HUB_INCIDENT_QUIET_SECONDS],
      ).then((result: [typeof rows, number]) => result[0]);
      await this.incidents.setOpen(manager, rows.map((row) => row.id), false);
      await this.incidents.addEvents(
        manager,
        rows.map((row) => ({
          id: newId(),
          incidentId: row.id,
          type: IncidentEventType.STATUS_CHANGED,
          actorOrgId: null,
          actorUserId: null,
          details: { from: row.previous, to: IncidentStatus.RESOLVED },
        })),
      );
      return rows;
    });
    if (resolved.length > 0) await this.pubsub.publish(HubTrigger.INCIDENTS_CHANGED, incidentsChanged(resolved.map((row) => BigInt(row.revision))));
    return resolved.map((row) => row.id);
  }
}
