import { pino } from 'pino';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { loadHubConfig } from '../apps/hub/src/config/hub-config.js';
import { createScratchDatabase, startScratchServer } from '../apps/hub/src/database/scratch-database.js';
import { RunningHub, startHub } from '../apps/hub/src/hub.js';
import { OrganisationsService } from '../apps/hub/src/organisations/organisations.service.js';
import { UsersService } from '../apps/hub/src/users/users.service.js';

export interface BenchHub {
  hub: RunningHub;
  databaseUrl: string;
  tokens: string[];
  close(): Promise<void>;
}

const PASSWORD = 'bench-password-1';

/** A hub on a fresh database (embedded, or on DATABASE_URL's server) with `publishers` carrier logins, limits lifted. */
export async function startBenchHub(publishers: number, env: Record<string, string> = {}): Promise<BenchHub> {
  const server = await startScratchServer();
  const database = await createScratchDatabase(server.adminUrl, 'kessetsu_bench');
  const config = loadHubConfig({
    HUB_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    HUB_PUBLISH_REQUESTS_PER_MINUTE: '10000000',
    HUB_LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    HUB_MAX_BATCH_SIZE: '5000',
    ...env,
  });
  const hub = await startHub(config, pino({ level: 'silent' }));
  const tokens: string[] = [];
  for (let i = 0; i < publishers; i += 1) {
    const org = await hub.app.get(OrganisationsService).insert({ name: `bench-carrier-${i}`, kind: OrgKind.CARRIER, asns: [64600 + i] });
    const email = `noc${i}@bench.example`;
    await hub.app.get(UsersService).insert({ orgId: org.id, email, displayName: `NOC ${i}`, role: UserRole.PUBLISHER, password: PASSWORD });
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(email: "${email}", password: "${PASSWORD}") { accessToken } }` }),
    });
    tokens.push(((await response.json()) as any).data.login.accessToken);
  }
  return {
    hub,
    databaseUrl: database.url,
    tokens,
    close: async () => {
      await hub.close();
      await database.drop();
      await server.stop();
    },
  };
}

export function table(title: string, rows: [string, string, string][]): void {
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), ['measure', 'value', 'peer or limit'][column].length));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(['measure', 'value', 'peer or limit'])}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
