import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { HubErrorCode, HubException } from '@kessetsu/schema';
import type { Logger } from 'pino';

const CLIENT_CODES_FROM_GRAPHQL = new Set<string>([
  ...Object.values(HubErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The single place where an error becomes what a client sees: hub exceptions keep
 * their code and message, GraphQL's own request errors pass through, and anything
 * else is logged and masked so no internals or stack traces leave the hub.
 */
export function formatHubError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (original instanceof HubException) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...original.extensions, code: original.code },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES_FROM_GRAPHQL.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...extensions, code } };
    }
    if (original instanceof GraphQLError && original.originalError === undefined && !formatted.path) {
      // Errors raised by graphql-js itself about the document (e.g. variable coercion).
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    }
    logger.error({ err: original, path: formatted.path }, 'unhandled error in GraphQL operation');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
