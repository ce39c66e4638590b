import { ASTVisitor, GraphQLSchema, buildSchema, parse, specifiedRules } from 'graphql';
import { cachedValidation } from './validation-cache.js';

const SDL = `type Query { ping: String } type Subscription { ticks(every: Int!): Int! }`;

/** The specified rules plus one that counts the documents it is asked to validate. */
function countingRules() {
  const counted = { documents: 0 };
  const counting = (): ASTVisitor => ({ Document: () => void (counted.documents += 1) });
  return { rules: [...specifiedRules, counting], counted };
}

describe('cachedValidation', () => {
  let schema: GraphQLSchema;
  beforeEach(() => (schema = buildSchema(SDL)));

  it('validates a document text once, however many subscriptions parse it', () => {
    const { rules, counted } = countingRules();
    const validate = cachedValidation(rules);
    const text = 'subscription { ticks(every: 5) }';
    expect(validate(schema, parse(text))).toEqual([]);
    expect(validate(schema, parse(text))).toEqual([]);
    expect(counted.documents).toBe(1);
    expect(validate(schema, parse('subscription { ticks(every: 6) }'))).toEqual([]);
    expect(counted.documents).toBe(2);
  });

  it('gives an invalid text its errors every time, with their locations', () => {
    const { rules, counted } = countingRules();
    const validate = cachedValidation(rules);
    const text = 'subscription {\n  ticks(every: "often") }';
    const first = validate(schema, parse(text));
    const again = validate(schema, parse(text));
    expect(counted.documents).toBe(1);
    expect(again.map((error) => error.toJSON())).toEqual(first.map((error) => error.toJSON()));
    expect(first[0].message).toMatch(/Int cannot represent/);
    expect(first[0].locations).toEqual([{ line: 2, column: 16 }]);
  });

  it('keeps each schema apart, and only the most recently used texts', () => {
    const { rules, counted } = countingRules();
    const validate = cachedValidation(rules, 2);
    const [a, b, c] = [5, 6, 7].map((every) => `subscription { ticks(every: ${every}) }`);
    validate(schema, parse(a));
    validate(schema, parse(b));
    validate(schema, parse(a));
    validate(schema, parse(c));
    expect(counted.documents).toBe(3);
    // b was the least recently used when c came: a is still known, b is validated again.
    validate(schema, parse(a));
    expect(counted.documents).toBe(3);
    validate(schema, parse(b));
    expect(counted.documents).toBe(4);
    validate(buildSchema(SDL), parse(b));
    expect(counted.documents).toBe(5);
  });

  it('validates a document without its text (built, not parsed) every time', () => {
    const { rules, counted } = countingRules();
    const validate = cachedValidation(rules);
    const document = parse('subscription { ticks(every: 5) }', { noLocation: true });
    validate(schema, document);
    validate(schema, document);
    expect(counted.documents).toBe(2);
  });
});
