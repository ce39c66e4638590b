import 'reflect-metadata';
import { ConfigError, loadHubConfig } from './config/hub-config.js';
import { createRootLogger } from './common/logger.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { startHub } from './hub.js';
import { SeedService } from './seed/seed.service.js';

/** `node dist/apps/hub/src/main.js`: the hub alone, on DATABASE_URL or an embedded Postgres. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadHubConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createRootLogger(config.LOG_LEVEL);
  const embedded = config.DATABASE_URL ? null : await startEmbeddedPostgres(config.HUB_DATA_DIR, config.HUB_EMBEDDED_PG_PORT, logger);
  if (embedded) config.DATABASE_URL = embedded.url;
  const hub = await startHub(config, logger);
  if (config.HUB_DEMO_SEED) await hub.app.get(SeedService).seedDemo();
  logger.info({ url: hub.url, graphql: `${hub.url}/graphql` }, 'hub listening');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await hub.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`hub failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
