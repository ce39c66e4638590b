import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { pino } from 'pino';
import { loadHubConfig } from '../config/hub-config.js';
import { createScratchDatabase, startScratchServer } from '../database/scratch-database.js';
import { startHub } from '../hub.js';

/** Where the SDL the hub serves is committed, for clients and reviews. */
export const SDL_PATH = 'libs/schema/schema.graphql';

const HEADER = '# Emitted by `npm run schema:emit` from the running hub. Do not edit; CI fails when stale.\n\n';

/** Starts the hub on a scratch database and prints the schema it serves. */
export async function servedSdl(): Promise<string> {
  const server = await startScratchServer();
  const database = await createScratchDatabase(server.adminUrl, 'kessetsu_schema');
  try {
    const config = loadHubConfig({ HUB_ENV: 'test', PORT: '0', DATABASE_URL: database.url, HUB_PUBSUB: 'memory' });
    const hub = await startHub(config, pino({ level: 'silent' }));
    const sdl = HEADER + printSchema(hub.app.get(GraphQLSchemaHost).schema);
    await hub.close();
    return sdl;
  } finally {
    await database.drop();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const sdl = await servedSdl();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(SDL_PATH, 'utf8');
    if (committed !== sdl) {
      console.error(`${SDL_PATH} is stale: run npm run schema:emit and commit it`);
      process.exit(1);
    }
    console.log(`${SDL_PATH} is up to date`);
    return;
  }
  writeFileSync(SDL_PATH, sdl);
  console.log(`wrote ${SDL_PATH}`);
}

if (process.argv[1]?.endsWith('emit-schema.js')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
