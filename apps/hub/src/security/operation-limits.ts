import { GraphQLError, Kind, OperationDefinitionNode, valueFromASTUntyped } from 'graphql';
import { RateLimitedException } from '@kessetsu/schema';
import type { RateLimiter } from './rate-limiter.js';

export interface OperationCaller {
  /** The credential as presented (verified or not): a bearer token or an API key. */
  credential: string | null;
  address: string;
}

function rootFields(operation: OperationDefinitionNode) {
  return operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection] : []));
}

/**
 * Applies the abuse limits to an operation before it executes, on HTTP and on
 * graphql-ws alike, so that a refusal can be a 429 with Retry-After on HTTP.
 * Throws a GraphQLError carrying RATE_LIMITED, `retryAfter` and the HTTP advice.
 */
export function enforceOperationLimits(
  limiter: RateLimiter,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  caller: OperationCaller,
): void {
  if (operation.operation !== 'mutation') return;
  try {
    for (const field of rootFields(operation)) {
      if (field.name.value === 'login') {
        const emailArgument = field.arguments?.find((argument) => argument.name.value === 'email');
        const email = emailArgument ? valueFromASTUntyped(emailArgument.value, variables) : null;
        limiter.consume('login', `email:${String(email ?? '').trim().toLowerCase()}`);
        limiter.consume('login-address', caller.address);
      }
      if (field.name.value === 'publishSignals') limiter.consume('publish', caller.credential ?? caller.address);
    }
  } catch (error) {
    if (!(error instanceof RateLimitedException)) throw error;
    throw new GraphQLError(error.message, {
      extensions: {
        code: error.code,
        retryAfter: error.retryAfterSeconds,
        http: { status: 429, headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) },
      },
    });
  }
}
