import { Module } from '@nestjs/common';
import { AggregatesResolver } from './aggregates.resolver.js';
import { AggregatesService } from './aggregates.service.js';
import { AggregateSnapshots } from './aggregate-snapshots.js';

@Module({ providers: [AggregatesService, AggregateSnapshots, AggregatesResolver], exports: [AggregatesService] })
export class AggregatesModule {}
