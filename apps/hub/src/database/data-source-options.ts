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
    // JIT off: a Postgres built with it compiled the writer's read of changed incidents
    // (estimated at thousands of rows, 940 found) in 175-290 ms, against 15 ms to run it, in
    // every ingest transaction under the write lock (bench/README.md). The hub's queries are
    // short; none gains from compiling.
    extra: { max: poolSize, application_name: 'kessetsu-hub', options: '-c jit=off' },
  };
}
