import type { DataSourceOptions } from 'typeorm';
import { HUB_ENTITIES } from './entities.js';
import { HUB_MIGRATIONS } from './migrations/index.js';

/** The hub's TypeORM options: migrations only, never `synchronize`. */
export function hubDataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: HUB_ENTITIES,
    migrations: HUB_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'kessetsu-hub' },
  };
}
