import { startScratchServer, ScratchServer } from '../../apps/hub/src/database/scratch-database.js';

declare global {
  var kessetsuTestServer: ScratchServer | undefined;
}

/** One Postgres server for the whole run; test files create their own databases on it. */
export default async function globalSetup(): Promise<void> {
  const server = await startScratchServer();
  globalThis.kessetsuTestServer = server;
  process.env.KESSETSU_TEST_ADMIN_URL = server.adminUrl;
}
