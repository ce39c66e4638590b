import { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule, validate } from 'graphql';
import { RecentlyUsed } from '../common/recently-used.js';

/** Document texts whose validation is kept per schema; the least recently used goes first. */
export const VALIDATED_DOCUMENTS = 500;

/**
 * graphql-ws's `validate`, answering from memory for a document text it has validated before.
 * Thousands of NOCs subscribe with the same few documents, and after an outage they all
 * reconnect at once; validating the subscription document against the hub's schema takes
 * about 180 us, parsing it 4. The answer depends only on the schema, the rules and the text
 * (an error's locations too), so it is kept per text. Apollo keeps its own for HTTP.
 */
export function cachedValidation(
  rules: readonly ValidationRule[],
  capacity = VALIDATED_DOCUMENTS,
): (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[] {
  const bySchema = new WeakMap<GraphQLSchema, RecentlyUsed<string, readonly GraphQLError[]>>();
  return (schema, document) => {
    const text = document.loc?.source.body;
    if (text === undefined) return validate(schema, document, rules);
    let validated = bySchema.get(schema);
    if (!validated) bySchema.set(schema, (validated = new RecentlyUsed(capacity)));
    let errors = validated.get(text);
    if (!errors) {
      errors = validate(schema, document, rules);
      validated.set(text, errors);
    }
    return errors;
  };
}
