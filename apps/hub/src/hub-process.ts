import type { Logger } from 'pino';
import { ConfigError, HubConfig, loadHubConfig } from './config/hub-config.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { RunningHub, startHub } from './hub.js';

/**
 * Node flags a hub process runs with (`npm start` and `npm run bench` pass the same).
 * A 32 MB young generation: a hub publishing large batches keeps thousands of signals in
 * flight, and with Node's default of 16 MB every scavenge copied them (a 100,000-signal
 * burst: 264 scavenges, 3.2 s; 145 and 2.7 s with 32 MB). 64 MB was faster still but
 * doubled the memory bench's RSS per idle subscriber (bench/README.md).
 */
export const HUB_NODE_FLAGS = ['--max-semi-space-size=32'];

/**
 * The environment a hub process runs in (`npm start` and `npm run bench` set the same).
 * graphql-js checks every type test against a second copy of itself unless NODE_ENV is
 * production: a quarter of the cost of coercing a 1,000-signal batch (14 -> 10 us per
 * signal). The hub's own behaviour follows HUB_ENV, and Apollo's defaults that NODE_ENV
 * would change (introspection, stack traces, landing page) are all set explicitly.
 */
export const HUB_PROCESS_ENV = { NODE_ENV: 'production' };

/** Reads the configuration, or explains what is wrong and exits with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): HubConfig {
  try {
    return loadHubConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

export interface HubProcess {
  hub: RunningHub;
  embeddedDatabase: boolean;
  stop(): Promise<void>;
}

/** Starts the hub on DATABASE_URL, or first an embedded Postgres under HUB_DATA_DIR. */
export async function startHubProcess(config: HubConfig, logger: Logger): Promise<HubProcess> {
  const embedded = config.DATABASE_URL ? null : await startEmbeddedPostgres(config.HUB_DATA_DIR, config.HUB_EMBEDDED_PG_PORT, logger);
  if (embedded) config.DATABASE_URL = embedded.url;
  const hub = await startHub(config, logger);
  return {
    hub,
    embeddedDatabase: embedded !== null,
    stop: async () => {
      await hub.close();
      await embedded?.stop();
    },
  };
}

/** Graceful stop on SIGINT/SIGTERM: close listeners and connections, then exit. */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  const handle = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => handle('SIGINT'));
  process.once('SIGTERM', () => handle('SIGTERM'));
}

export function exitOnStartFailure(error: unknown): never {
  process.stderr.write(`Kessetsu failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
