import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, OperationDefinitionNode } from 'graphql';
import type { Request } from 'express';
import type { LiveConnectionsService } from '../live/live-connections.service.js';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

function asksForSchema(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value));
}

/** In production the schema is described only to signed-in members. */
export function introspectionGate(credentials: Pick<LiveConnectionsService, 'viewerFor'>): ApolloServerPlugin<{ req?: Request }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (!operation || !asksForSchema(operation)) return;
          const headers = contextValue.req?.headers ?? {};
          const apiKey = headers['x-api-key'];
          const viewer = await credentials.viewerFor({ authorization: headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined });
          if (!viewer) {
            throw new GraphQLError('Introspection needs a signed-in member', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
          }
        },
      };
    },
  };
}
