import type { NextFunction, Request, Response } from 'express';
import { ASTVisitor, FieldNode, GraphQLError, Kind, OperationDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

/** Bounds on one GraphQL document, checked before anything executes (HTTP and WebSocket alike). */
export const DOCUMENT_LIMITS = {
  /** Characters of query text. */
  maxLength: 20_000,
  /** Nested selection sets below an operation. */
  maxDepth: 10,
  /** Fields requested under an alias, across the document. */
  maxAliases: 20,
  /** Fields selected in total, counting fragments where they are spread. */
  maxFields: 500,
};

function depthOf(selectionSet: SelectionSetNode | undefined, context: ValidationContext, seen: Set<string>): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, context, seen) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, context, seen));
    } else if (!seen.has(selection.name.value)) {
      const fragment = context.getFragment(selection.name.value);
      deepest = Math.max(deepest, depthOf(fragment?.selectionSet, context, new Set([...seen, selection.name.value])));
    }
  }
  return deepest;
}

function fieldsOf(selectionSet: SelectionSetNode | undefined, context: ValidationContext, seen: Set<string>): number {
  if (!selectionSet) return 0;
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += 1 + fieldsOf(selection.selectionSet, context, seen);
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += fieldsOf(selection.selectionSet, context, seen);
    else if (!seen.has(selection.name.value)) {
      count += fieldsOf(context.getFragment(selection.name.value)?.selectionSet, context, new Set([...seen, selection.name.value]));
    }
  }
  return count;
}

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

/** Refuses operations nested deeper, wider or with more aliases than DOCUMENT_LIMITS allow. */
export const documentLimitsRule: ValidationRule = (context): ASTVisitor => {
  let aliases = 0;
  return {
    Field(node: FieldNode) {
      if (node.alias && ++aliases === DOCUMENT_LIMITS.maxAliases + 1) {
        context.reportError(limitError(`The document uses more than ${DOCUMENT_LIMITS.maxAliases} aliases`));
      }
    },
    OperationDefinition(node: OperationDefinitionNode) {
      const depth = depthOf(node.selectionSet, context, new Set());
      if (depth > DOCUMENT_LIMITS.maxDepth) {
        context.reportError(limitError(`The operation is nested ${depth} levels deep; at most ${DOCUMENT_LIMITS.maxDepth} are allowed`));
      }
      const fields = fieldsOf(node.selectionSet, context, new Set());
      if (fields > DOCUMENT_LIMITS.maxFields) {
        context.reportError(limitError(`The operation selects ${fields} fields; at most ${DOCUMENT_LIMITS.maxFields} are allowed`));
      }
    },
  };
};

/** Refuses over-long query text on HTTP before it is parsed. */
export function documentSizeLimit(request: Request, response: Response, next: NextFunction): void {
  const query: unknown = request.body?.query ?? request.query?.query;
  if (typeof query === 'string' && query.length > DOCUMENT_LIMITS.maxLength) {
    response.status(400).json({
      errors: [{ message: `The document is longer than ${DOCUMENT_LIMITS.maxLength} characters`, extensions: { code: 'BAD_REQUEST' } }],
    });
    return;
  }
  next();
}
