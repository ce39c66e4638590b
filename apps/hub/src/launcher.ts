import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { HubConfig } from './config/hub-config.js';
import { createRootLogger } from './common/logger.js';
import { exitOnStartFailure, loadConfigOrExit, startHubProcess, stopOnSignals } from './hub-process.js';
import { replay2017 } from './replay/replay-2017.js';
import { DemoSeedResult, SeedService } from './seed/seed.service.js';
import { startPortalServer } from '../../portal/server/portal-server.js';

/**
 * `npm start`: the whole product on one machine — embedded Postgres (unless
 * DATABASE_URL is set), the hub with demo data, and the portal — then prints where
 * to go and how to sign in.
 */
const PORTAL_DIST = 'apps/portal/dist';

async function main(): Promise<void> {
  const portalPort = Number(process.env.PORTAL_PORT ?? 4100);
  const config = loadConfigOrExit({
    HUB_DEMO_SEED: 'true',
    HUB_PORTAL_ORIGIN: `http://127.0.0.1:${portalPort},http://localhost:${portalPort}`,
    ...process.env,
  });
  const logger = createRootLogger(config.LOG_LEVEL);
  const running = await startHubProcess(config, logger);
  const hub = running.hub;
  const demo = config.HUB_DEMO_SEED ? await hub.app.get(SeedService).seedDemo() : null;
  if (demo?.created) {
    // The demo opens on the 2017-08-25 route leak, already correlated across carriers.
    await replay2017({ hubUrl: hub.url, speed: Infinity, historical: true, runId: 'demo', log: (line) => logger.info({ replay: '2017' }, line) });
  }
  const portal = existsSync(PORTAL_DIST)
    ? await startPortalServer({ port: portalPort, host: config.HUB_HOST, hubPublicUrl: config.publicUrl })
    : null;
  process.stdout.write(banner(config, hub.url, portal?.url ?? null, demo, running.embeddedDatabase));
  stopOnSignals(logger, async () => {
    await portal?.close();
    await running.stop();
  });
}

function banner(config: HubConfig, hubUrl: string, portalUrl: string | null, demo: DemoSeedResult | null, embedded: boolean): string {
  const lines = [
    '',
    '  Kessetsu is running',
    `    Portal:       ${portalUrl ?? '(not built: run npm run build:portal)'}`,
    `    GraphQL API:  ${hubUrl}/graphql   (WebSocket: ${hubUrl.replace(/^http/, 'ws')}/graphql)`,
    `    Health:       ${hubUrl}/healthz    Metrics: ${hubUrl}/metrics`,
    `    Database:     ${embedded ? `embedded Postgres in ${config.HUB_DATA_DIR}/postgres` : 'DATABASE_URL'}`,
  ];
  if (demo) {
    lines.push('', `  Demo logins (password for all: ${demo.logins[0]?.password}):`);
    for (const login of demo.logins) lines.push(`    ${login.kind.padEnd(9)} ${login.email.padEnd(28)} ${login.organisation}`);
    if (demo.partnerApiKey) {
      lines.push('', '  Partner API key (shown once; send as X-Api-Key):', `    ${demo.partnerApiKey}`);
    }
  }
  lines.push(
    '',
    '  Replay the 2017-08-25 route leak live (sign in as noc@ntt-com.example first):',
    `    npm run replay:2017 -- --hub ${hubUrl} --speed 30`,
    '',
    '  Stop with Ctrl+C.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

main().catch(exitOnStartFailure);
