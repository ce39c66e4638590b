import { ApolloDriverConfig } from '@nestjs/apollo';
import type { Request, Response } from 'express';
import type { Context } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Viewer } from '@kessetsu/auth';
import { HubConfig } from './config/hub-config.js';
import { formatHubError } from './common/graphql-errors.js';
import { ConnectionInitPayload, LiveConnectionsService } from './live/live-connections.service.js';

export const GRAPHQL_PATH = '/graphql';

interface LiveExtra {
  socket: WebSocket;
  viewer?: Viewer;
  forget?: () => void;
}

type LiveContext = Context<Record<string, unknown> | undefined, unknown>;
const extraOf = (context: LiveContext) => context.extra as LiveExtra;

/** GraphQL over HTTP (Apollo) and graphql-ws on the same path; errors pass through one formatter. */
export function hubGraphqlOptions(config: HubConfig, live: LiveConnectionsService, logger: Logger): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: config.HUB_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: formatHubError(logger.child({ component: 'graphql' })),
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        onConnect: async (context: LiveContext) => {
          const viewer = await live.authenticate(context.connectionParams as ConnectionInitPayload | undefined);
          if (!viewer) return false;
          const extra = extraOf(context);
          extra.viewer = viewer;
          extra.forget = live.register(viewer, extra.socket);
          return true;
        },
        onClose: (context: LiveContext) => extraOf(context).forget?.(),
      },
    },
    context: (request: { req?: Request; res?: Response; extra?: LiveExtra }) =>
      request.extra ? { viewer: request.extra.viewer } : { req: request.req, res: request.res },
  };
}
