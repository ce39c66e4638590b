import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { HubExpressAdapter } from './common/express-adapter.js';
import { PinoNestLogger } from './common/logger.js';
import { requestLogging } from './common/request-logging.js';
import { hubValidationPipe } from './common/validation.js';
import { documentSizeLimit } from './security/document-limits.js';
import { securityHeaders } from './security/security-headers.js';
import { HubConfig } from './config/hub-config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { SeedService } from './seed/seed.service.js';

export const MAX_REQUEST_BODY = '16mb';
/** How long an idle keep-alive connection is kept (see where it is set). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunningHub {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Builds and starts the hub on an already chosen database (config.DATABASE_URL). */
export async function startHub(config: HubConfig, logger: Logger): Promise<RunningHub> {
  if (!config.DATABASE_URL) throw new Error('startHub needs DATABASE_URL; the launcher starts an embedded Postgres otherwise');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, logger), new HubExpressAdapter(), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bodyParser: false,
    abortOnError: false,
  });
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  app.use('/graphql', documentSizeLimit);
  app.useGlobalPipes(hubValidationPipe());
  app.disable('x-powered-by');
  // Express hashes every response body for an ETag; API answers are never revalidated, so it is CPU for nothing.
  app.set('etag', false);
  app.use(securityHeaders);
  app.use(requestLogging(logger.child({ component: 'http' }), app.get(MetricsService)));
  // Browsers may call the hub only from the portal; outside production an unset origin allows any.
  const allowedOrigins = config.HUB_PORTAL_ORIGIN?.split(',') ?? (config.HUB_ENV === 'production' ? false : true);
  app.enableCors({ origin: allowedOrigins, credentials: false });
  app.enableShutdownHooks();
  await app.init();
  const seed = app.get(SeedService);
  await seed.bootstrapAdmin();
  // Idle keep-alive sockets stay open longer than clients and proxies keep theirs (undici reuses
  // a socket until the server's advertised timeout; load balancers commonly idle out at 60 s), so the
  // hub is not the side that closes a socket a client is just reusing (ECONNRESET on the client).
  const server = app.getHttpServer();
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await app.listen(config.PORT, config.HUB_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return { app, url: `http://${config.HUB_HOST}:${port}`, close: () => app.close() };
}
