import type { ApolloServerPlugin } from '@apollo/server';
import type { Request } from 'express';
import { enforceOperationLimits } from './operation-limits.js';
import type { RateLimiter } from './rate-limiter.js';

/** HTTP side of the abuse limits: refused before execution, hence a real 429 with Retry-After. */
export function operationLimitsPlugin(limiter: RateLimiter): ApolloServerPlugin<{ req?: Request }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, contextValue }) {
          if (!operation) return;
          const headers = contextValue.req?.headers ?? {};
          const apiKey = headers['x-api-key'];
          enforceOperationLimits(limiter, operation, request.variables, {
            credential: headers.authorization ?? (typeof apiKey === 'string' ? apiKey : null),
            address: contextValue.req?.ip ?? 'unknown',
          });
        },
      };
    },
  };
}
