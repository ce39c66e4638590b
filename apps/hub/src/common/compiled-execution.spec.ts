import { EventEmitter } from 'node:events';
import { ApolloServer } from '@apollo/server';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { DocumentNode, GraphQLError, buildSchema, execute, parse } from 'graphql';
import { compiledExecution, releasedOnceAnswered } from './compiled-execution.js';

describe('compiledExecution', () => {
  const schema = buildSchema(`
    enum Severity { MINOR MAJOR }
    input Item { ref: String! severity: Severity! tags: [String!] }
    type Stored { index: Int! ref: String! severity: Severity tags: [String!] note: String }
    type Query { item(ref: String!): Stored stored: Stored }
    type Mutation { store(items: [Item!]!): [Stored!]! fail: Stored }
  `);
  let resolverCalls = 0;
  const mutation = schema.getMutationType()!.getFields();
  mutation.store.resolve = (_root, { items }: { items: { ref: string; severity: string; tags?: string[] }[] }) => {
    resolverCalls += 1;
    return items.map((item, index) => ({ index, ref: item.ref, severity: item.severity, tags: item.tags ?? null, note: null }));
  };
  mutation.fail.resolve = () => {
    throw new RangeError('no such item');
  };
  const query = schema.getQueryType()!.getFields();
  query.item.resolve = (_root, { ref }: { ref: string }) => ({ index: 0, ref, severity: 'MINOR' });
  // A property holding a function, which graphql-js's default resolver would call.
  query.stored.resolve = () => ({ index: 1, ref: 'r', note: () => 'called' });

  let executor: GatewayExecutor;
  beforeAll(async () => {
    const gateway = compiledExecution(schema);
    let schemaGiven = false;
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => (schemaGiven = apiSchema === schema));
    expect(schemaGiven).toBe(true);
    executor = (await gateway.load({ apollo: { key: undefined, keyHash: undefined, graphRef: undefined } } as never)).executor!;
  });

  const run = (document: DocumentNode, variables: Record<string, unknown> = {}, operationName: string | null = null) =>
    executor({ document, operationName, request: { variables }, context: {} } as unknown as GatewayGraphQLRequestContext);

  const STORE = parse(`mutation Store($items: [Item!]!) { store(items: $items) { index ref severity tags note } }`);
  const items = [
    { ref: 'a', severity: 'MAJOR', tags: ['x', 'y'] },
    { ref: 'b', severity: 'MINOR' },
  ];

  it('answers as graphql-js does, the same document executed again', async () => {
    const expected = await execute({ schema, document: STORE, variableValues: { items } });
    expect(await run(STORE, { items })).toEqual(expected);
    expect(await run(STORE, { items: items.slice(1) })).toEqual(await execute({ schema, document: STORE, variableValues: { items: items.slice(1) } }));
  });

  it("runs the compiled query: a property holding a function is a value to it, where graphql-js's default resolver calls it", async () => {
    const document = parse(`{ stored { ref note } }`);
    expect((await execute({ schema, document })).data).toEqual({ stored: { ref: 'r', note: 'called' } });
    const compiled = await run(document);
    expect(compiled.data).toEqual({ stored: { ref: 'r', note: null } });
    expect(compiled.errors?.[0].message).toMatch(/String cannot represent value/);
  });

  it("answers variables it cannot coerce with graphql-js's errors, naming the path of each bad value, and runs no resolver", async () => {
    resolverCalls = 0;
    const result = await run(STORE, { items: [items[0], { ref: 'b', severity: 'HUGE' }, { severity: 'MINOR' }] });
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((error) => error.message)).toEqual([
      'Variable "$items" got invalid value "HUGE" at "items[1].severity"; Value "HUGE" does not exist in "Severity" enum.',
      'Variable "$items" got invalid value { severity: "MINOR" } at "items[2]"; Field "ref" of required type "String!" was not provided.',
    ]);
    expect(resolverCalls).toBe(0);
  });

  it('runs the named operation of a document holding several, and leaves an unknown name to graphql-js', async () => {
    const document = parse(`query One { item(ref: "one") { ref } } query Two { item(ref: "two") { ref } }`);
    expect((await run(document, {}, 'Two')).data).toEqual({ item: { ref: 'two' } });
    expect((await run(document, {}, 'One')).data).toEqual({ item: { ref: 'one' } });
    expect((await run(document, {}, 'Three')).errors?.map((error) => error.message)).toEqual(['Unknown operation named "Three".']);
  });

  it("keeps a resolver's own error as the GraphQL error's original, for the hub's error formatter", async () => {
    const result = await run(parse(`mutation { fail { ref } }`));
    expect(result.data).toEqual({ fail: null });
    const [error] = result.errors!;
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).originalError).toBeInstanceOf(RangeError);
    expect(error.path).toEqual(['fail']);
  });

  describe('releasedOnceAnswered', () => {
    /** An Apollo server with the plugin, its gateway recording the request contexts Apollo hands the executor. */
    const withServer = async (run: (server: ApolloServer, seen: GatewayGraphQLRequestContext[]) => Promise<void>) => {
      const seen: GatewayGraphQLRequestContext[] = [];
      const gateway = compiledExecution(schema);
      const recording: GatewayInterface = {
        ...gateway,
        load: async (options) => {
          const { executor } = await gateway.load(options);
          return { executor: (requestContext) => (seen.push(requestContext), executor!(requestContext)) };
        },
      };
      const server = new ApolloServer({ gateway: recording, plugins: [releasedOnceAnswered()] });
      await server.start();
      try {
        await run(server, seen);
      } finally {
        await server.stop();
      }
    };

    it("empties what the executor's request context reaches once the answer is written, not before", () =>
      withServer(async (server, seen) => {
        const res = new EventEmitter();
        const contextValue = { res, viewer: 'a viewer' };
        const answer = await server.executeOperation({ query: `query($ref: String!) { item(ref: $ref) { ref } }`, variables: { ref: 'r1' } }, { contextValue });
        expect(answer.body).toEqual({ kind: 'single', singleResult: { data: { item: { ref: 'r1' } } } });
        const [requestContext] = seen;
        // Apollo's status accessor reads the response through its own copy of the request's context.
        const status = () => requestContext.response!.http!.status;
        expect(status).not.toThrow();
        // Apollo runs the operation on its own copy of the context value.
        expect(requestContext.context).toEqual(contextValue);

        res.emit('finish');
        expect(requestContext.context).toEqual({ res: undefined, viewer: undefined });
        expect(status).toThrow(TypeError);
      }));

    it('leaves a request without an HTTP response (an operation run in-process) as it is', () =>
      withServer(async (server, seen) => {
        const contextValue = { viewer: 'a viewer' };
        await server.executeOperation({ query: `{ item(ref: "r2") { ref } }` }, { contextValue });
        expect(seen[0].context).toEqual({ viewer: 'a viewer' });
        expect(() => seen[0].response!.http!.status).not.toThrow();
      }));
  });
});
