import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

export const MAX_ASN = 4294967295;

function parseAsn(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ASN) {
    throw new GraphQLError(`ASN must be an integer from 0 to ${MAX_ASN}`);
  }
  return value;
}

/** A 32-bit autonomous system number (RFC 6793), which does not fit GraphQL's signed Int. */
export const AsnScalar = new GraphQLScalarType<number, number>({
  name: 'ASN',
  description: 'Autonomous system number, 0..4294967295 (RFC 6793).',
  parseValue: parseAsn,
  serialize: (value) => parseAsn(typeof value === 'string' ? Number(value) : value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw new GraphQLError('ASN must be an integer literal');
    return parseAsn(Number(ast.value));
  },
});
