import { Module } from '@nestjs/common';
import { CorrelationModule } from '../incidents/correlation.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { AdvisoriesResolver } from './advisories.resolver.js';
import { AdvisoriesService } from './advisories.service.js';

@Module({ imports: [OrganisationsModule, CorrelationModule], providers: [AdvisoriesService, AdvisoriesResolver] })
export class AdvisoriesModule {}
