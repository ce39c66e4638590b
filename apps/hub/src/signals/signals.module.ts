import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module.js';
import { CorrelationModule } from '../incidents/correlation.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { SignalFeedService } from './signal-feed.service.js';
import { SignalPresenter } from './signal-presenter.js';
import { SignalStore } from './signal-store.js';
import { SignalWriter } from './signal-writer.js';
import { SignalsResolver } from './signals.resolver.js';
import { SignalsService } from './signals.service.js';

@Module({
  imports: [OrganisationsModule, CorrelationModule, AggregatesModule],
  providers: [SignalStore, SignalWriter, SignalPresenter, SignalsService, SignalFeedService, SignalsResolver],
  exports: [SignalsService, SignalPresenter, SignalStore],
})
export class SignalsModule {}
