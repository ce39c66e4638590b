import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import { HubConfig } from '../config/hub-config.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { HUB_PUBSUB } from './hub-events.js';
import { PostgresPubSub } from './postgres-pubsub.js';

async function createPubSub(config: HubConfig, logger: Logger): Promise<PubSubEngine> {
  if (config.HUB_PUBSUB === 'memory') return new PubSub();
  const engine = new PostgresPubSub(config.DATABASE_URL!, logger.child({ component: 'pubsub' }));
  await engine.connect();
  return engine;
}

/** Chooses the fan-out engine between hub processes: in-process, or Postgres LISTEN/NOTIFY. */
@Global()
@Module({
  providers: [{ provide: HUB_PUBSUB, inject: [HubConfig, ROOT_LOGGER], useFactory: createPubSub }],
  exports: [HUB_PUBSUB],
})
export class PubSubModule implements OnApplicationShutdown {
  constructor(@Inject(HUB_PUBSUB) private readonly engine: PubSubEngine) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.engine instanceof PostgresPubSub) await this.engine.close();
  }
}
