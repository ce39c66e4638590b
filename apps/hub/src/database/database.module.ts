import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config/hub-config.js';
import { hubDataSourceOptions } from './data-source-options.js';
import { HUB_SECRETS, loadHubSecrets } from './hub-secrets.js';
import { HUB_ENTITIES } from './entities.js';

/** Connects to the database the launcher chose and applies pending migrations at start. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HubConfig],
      useFactory: (config: HubConfig) => ({
        ...hubDataSourceOptions(config.DATABASE_URL!, config.HUB_DB_POOL_SIZE),
        migrationsRun: true,
        retryAttempts: 5,
        retryDelay: 1000,
      }),
    }),
    TypeOrmModule.forFeature(HUB_ENTITIES),
  ],
  providers: [
    { provide: HUB_SECRETS, inject: [HubConfig, DataSource], useFactory: loadHubSecrets },
  ],
  exports: [TypeOrmModule, HUB_SECRETS],
})
export class DatabaseModule {}
