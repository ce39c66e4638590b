import { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Request, Response } from 'express';
import type { Context, ServerOptions } from 'graphql-ws';
import { DocumentNode, GraphQLError, getOperationAST, parse, specifiedRules } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Viewer } from '@kessetsu/auth';
import { HubConfig } from './config/hub-config.js';
import { formatHubError } from './common/graphql-errors.js';
import { stringifyWithJsonText } from './common/json-text.js';
import { LiveSocket } from './live/live-socket.js';
import { LiveOperationContext, sharedExecutionSubscribe } from './live/shared-execution.js';
import { cachedValidation } from './live/validation-cache.js';
import { ConnectionInitPayload, LiveConnectionHandle, LiveConnectionsService } from './live/live-connections.service.js';
import { DOCUMENT_LIMITS, documentLimitsRule } from './security/document-limits.js';
import { introspectionGate } from './security/introspection-gate.plugin.js';
import { enforceOperationLimits } from './security/operation-limits.js';
import { operationLimitsPlugin } from './security/operation-limits.plugin.js';
import type { RateLimiter } from './security/rate-limiter.js';

export const GRAPHQL_PATH = '/graphql';

interface LiveExtra {
  socket: WebSocket;
  /** The upgrade request; dropped once the connection is accepted (it is kilobytes per idle subscriber). */
  request?: IncomingMessage;
  /** The client's address, kept from the upgrade request for the abuse limits. */
  address?: string;
  viewer?: Viewer;
  connection?: LiveConnectionHandle;
  /** What the live feeds send their messages through. */
  liveSocket?: LiveSocket;
}

type LiveContext = Context<Record<string, unknown> | undefined, unknown>;
const extraOf = (context: LiveContext) => context.extra as LiveExtra;

/** GraphQL over HTTP (Apollo) and graphql-ws on the same path; errors pass through one formatter. */
export function hubGraphqlOptions(config: HubConfig, live: LiveConnectionsService, limiter: RateLimiter, logger: Logger): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    plugins: [
      // The hub sets no cache hints; Apollo's default cache-control plugin would wrap every field resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      operationLimitsPlugin(limiter),
      ...(config.HUB_ENV === 'production' ? [introspectionGate(live)] : []),
    ],
    includeStacktraceInErrorResponses: false,
    // Apollo's own stringifier (JSON.stringify and a newline), splicing in count grids written ahead.
    stringifyResult: (result) => `${stringifyWithJsonText(result)}\n`,
    formatError: formatHubError(logger.child({ component: 'graphql' })),
    validationRules: [documentLimitsRule],
    subscriptions: {
      // Nest forwards every graphql-ws option to useServer, though its type lists fewer.
      'graphql-ws': {
        path: GRAPHQL_PATH,
        subscribe: sharedExecutionSubscribe(),
        onConnect: async (context: LiveContext) => {
          const extra = extraOf(context);
          extra.address = extra.request?.socket.remoteAddress ?? 'unknown';
          extra.request = undefined;
          const viewer = await live.authenticate(context.connectionParams as ConnectionInitPayload | undefined, extra.address);
          if (!viewer) return false;
          extra.viewer = viewer;
          extra.connection = live.register(viewer, extra.socket);
          extra.liveSocket = new LiveSocket(extra.socket);
          return true;
        },
        onSubscribe: (context: LiveContext, id: string, payload: { query?: string; operationName?: string | null; variables?: Record<string, unknown> | null }) => {
          if ((payload.query?.length ?? 0) > DOCUMENT_LIMITS.maxLength) {
            return [new GraphQLError(`The document is longer than ${DOCUMENT_LIMITS.maxLength} characters`)];
          }
          const limited = limitsRefusal(limiter, payload, context);
          if (limited) return [limited];
          if (!extraOf(context).connection?.admit(id)) {
            return [new GraphQLError('Too many live subscriptions for this credential; close one first', { extensions: { code: 'RATE_LIMITED' } })];
          }
          return undefined;
        },
        onComplete: (context: LiveContext, id: string) => extraOf(context).connection?.release(id),
        validate: cachedValidation([...specifiedRules, documentLimitsRule]),
        onClose: (context: LiveContext) => extraOf(context).connection?.forget(),
      } satisfies Partial<ServerOptions> & { path: string } as object,
    },
    // Apollo calls this with the HTTP request; graphql-ws with its connection and the subscription's id.
    context: (request: { req?: Request; res?: Response; extra?: LiveExtra }, subscriptionId?: string): LiveOperationContext | { req?: Request; res?: Response } =>
      request.extra
        ? {
            viewer: request.extra.viewer,
            live: request.extra.liveSocket && subscriptionId !== undefined ? { socket: request.extra.liveSocket, subscriptionId } : undefined,
          }
        : { req: request.req, res: request.res },
  };
}

/** graphql-ws side of the abuse limits (mutations may also arrive over the socket). */
function limitsRefusal(
  limiter: RateLimiter,
  payload: { query?: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  context: LiveContext,
): GraphQLError | null {
  let document: DocumentNode;
  try {
    document = parse(payload.query ?? '');
  } catch {
    return null;
  }
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return null;
  const params = (context.connectionParams ?? {}) as ConnectionInitPayload;
  const credential = typeof params.authorization === 'string' ? params.authorization : typeof params.apiKey === 'string' ? params.apiKey : null;
  try {
    enforceOperationLimits(limiter, operation, payload.variables ?? undefined, {
      credential,
      address: extraOf(context).address ?? 'unknown',
    });
    return null;
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}
