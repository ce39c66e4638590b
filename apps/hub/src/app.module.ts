import { DynamicModule, Global, Module } from '@nestjs/common';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger } from 'pino';
import { AggregatesModule } from './aggregates/aggregates.module.js';
import { AdvisoriesModule } from './advisories/advisories.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CompiledApolloDriver } from './common/compiled-execution.js';
import { ROOT_LOGGER } from './common/logger.js';
import { HubConfig } from './config/hub-config.js';
import { DatabaseModule } from './database/database.module.js';
import { hubGraphqlOptions } from './graphql-options.js';
import { HealthController } from './health/health.controller.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { LiveConnectionsService } from './live/live-connections.service.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { PubSubModule } from './pubsub/pubsub.module.js';
import { RateLimiter } from './security/rate-limiter.js';
import { SeedModule } from './seed/seed.module.js';
import { SignalsModule } from './signals/signals.module.js';
import { UsersModule } from './users/users.module.js';

@Global()
@Module({})
class ConfigAndLoggingModule {
  static register(config: HubConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigAndLoggingModule,
      providers: [
        { provide: HubConfig, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
      ],
      exports: [HubConfig, ROOT_LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: HubConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigAndLoggingModule.register(config, logger),
        MetricsModule,
        DatabaseModule,
        PubSubModule,
        AuditModule,
        AuthModule,
        OrganisationsModule,
        UsersModule,
        ApiKeysModule,
        SignalsModule,
        IncidentsModule,
        AdvisoriesModule,
        AggregatesModule,
        LiveModule,
        SeedModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: CompiledApolloDriver,
          imports: [LiveModule],
          inject: [LiveConnectionsService, RateLimiter],
          useFactory: (live: LiveConnectionsService, limiter: RateLimiter) => hubGraphqlOptions(config, live, limiter, logger),
        }),
      ],
      controllers: [HealthController],
    };
  }
}
