import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { CorrelationService } from './correlation.service.js';
import { IncidentPresenter } from './incident-presenter.js';
import { IncidentStore } from './incident-store.js';

/** The write side of incidents, used inside the signal-publishing transaction. */
@Module({
  imports: [OrganisationsModule],
  providers: [IncidentStore, CorrelationService, IncidentPresenter],
  exports: [IncidentStore, CorrelationService, IncidentPresenter],
})
export class CorrelationModule {}
