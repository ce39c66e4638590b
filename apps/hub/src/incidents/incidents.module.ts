import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { SignalsModule } from '../signals/signals.module.js';
import { CorrelationModule } from './correlation.module.js';
import { IncidentCurationService } from './incident-curation.service.js';
import { IncidentFeedService } from './incident-feed.service.js';
import { IncidentLifecycleService } from './incident-lifecycle.service.js';
import { IncidentsResolver } from './incidents.resolver.js';
import { IncidentsService } from './incidents.service.js';

@Module({
  imports: [SignalsModule, CorrelationModule, OrganisationsModule],
  providers: [IncidentsService, IncidentCurationService, IncidentLifecycleService, IncidentFeedService, IncidentsResolver],
})
export class IncidentsModule {}
