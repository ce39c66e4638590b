import { pino } from 'pino';
import { loadHubConfig } from '../../apps/hub/src/config/hub-config.js';
import { createScratchDatabase } from '../../apps/hub/src/database/scratch-database.js';
import { RunningHub, startHub } from '../../apps/hub/src/hub.js';

export interface TestHub extends RunningHub {
  wsUrl: string;
  databaseUrl: string;
  /** Closes the hub; with `dropDatabase` also removes its database. */
  close(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.KESSETSU_TEST_ADMIN_URL;
  if (!url) throw new Error('KESSETSU_TEST_ADMIN_URL is unset: run the tests through jest (npm test)');
  return url;
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(adminUrl(), 'kessetsu_test');
}

/** A hub on its own fresh database (or on `databaseUrl`, to share one), listening on a free port. */
export async function startTestHub(env: Record<string, string> = {}, databaseUrl?: string): Promise<TestHub> {
  const database = databaseUrl ? null : await createTestDatabase();
  const config = loadHubConfig({
    HUB_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    HUB_FEED_POLL_MS: '250',
    DATABASE_URL: databaseUrl ?? database!.url,
    ...env,
  });
  const hub = await startHub(config, pino({ level: config.LOG_LEVEL }));
  return {
    ...hub,
    wsUrl: `${hub.url.replace(/^http/, 'ws')}/graphql`,
    databaseUrl: config.DATABASE_URL!,
    close: async () => {
      await hub.close();
      await database?.drop();
    },
  };
}
