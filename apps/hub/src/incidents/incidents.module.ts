import { Module } from '@nestjs/common';
import { SignalsModule } from '../signals/signals.module.js';
import { CorrelationModule } from './correlation.module.js';
import { IncidentsResolver } from './incidents.resolver.js';
import { IncidentsService } from './incidents.service.js';

@Module({
  imports: [SignalsModule, CorrelationModule],
  providers: [IncidentsService, IncidentsResolver],
})
export class IncidentsModule {}
