import { Module } from '@nestjs/common';
import { AggregatesResolver } from './aggregates.resolver.js';
import { AggregatesService } from './aggregates.service.js';

@Module({ providers: [AggregatesService, AggregatesResolver], exports: [AggregatesService] })
export class AggregatesModule {}
