import 'reflect-metadata';
import { createRootLogger } from './common/logger.js';
import { exitOnStartFailure, loadConfigOrExit, startHubProcess, stopOnSignals } from './hub-process.js';
import { SeedService } from './seed/seed.service.js';

/** `node dist/apps/hub/src/main.js`: the hub alone, on DATABASE_URL or an embedded Postgres. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createRootLogger(config.LOG_LEVEL);
  const running = await startHubProcess(config, logger);
  if (config.HUB_DEMO_SEED) await running.hub.app.get(SeedService).seedDemo();
  logger.info({ url: running.hub.url, graphql: `${running.hub.url}/graphql` }, 'hub listening');
  stopOnSignals(logger, running.stop);
}

main().catch(exitOnStartFailure);
