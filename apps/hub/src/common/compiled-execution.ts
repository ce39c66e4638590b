import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { DocumentNode, GraphQLSchema, execute, printSchema } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/**
 * Executes HTTP operations as code compiled once per document (graphql-jit), through the
 * one hook Apollo Server has for replacing execution (its gateway executor). For a
 * 1,000-signal publish, graphql-js took 6.5 ms to coerce the variables and complete the
 * answer, the compiled query 2.2 ms (bench/README.md). graphql-js still answers every
 * request that does not execute (variables that cannot be coerced, a document that does
 * not compile): its messages name the path of the bad value, the compiled query's do not.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  // Apollo keeps one parsed document per query text (its document store), so compiled
  // queries are found by document, and leave with it.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiledFor = (document: DocumentNode, operationName: string | null): CompiledQuery | null => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let query = byOperation.get(key);
    if (query === undefined) {
      const compiling = compileQuery(schema, document, operationName ?? undefined);
      query = isCompiledQuery(compiling) ? compiling : null;
      byOperation.set(key, query);
    }
    return query;
  };
  const executor: GatewayExecutor = async ({ document, operationName, request, context }) => {
    const query = compiledFor(document, operationName);
    const result = query ? await query.query(undefined, context, request.variables ?? {}) : null;
    if (result && result.data !== undefined) return result;
    return execute({ schema, document, contextValue: context, variableValues: request.variables, operationName });
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      // Only Apollo's schema reporting reads the SDL, and the hub does not report: it is
      // printed if asked for, not at every start (2 ms).
      callback({
        apiSchema: schema,
        get coreSupergraphSdl() {
          return printSchema(schema);
        },
      });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}

/** Sets every own property of an object to undefined, so that whatever still references it reaches nothing through it. */
function emptied(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const held = value as Record<string, unknown>;
  for (const key of Object.keys(held)) held[key] = undefined;
}

/**
 * Lets a request's objects go once its answer is written. For a gateway, Apollo hands
 * each request to the executor in an object literal whose status getter and setter close
 * over a copy of the request's context; accessors that differ per object give each one a
 * hidden class of its own, and hidden classes live in the old generation, so every
 * young-generation collection kept whatever that copy reached (the body, the answer, the
 * HTTP request and response) until the next full one: 4.5 MB promoted and a 13-16 ms
 * pause per scavenge at 320 trivial queries/s, against 0.3 MB and 5 ms without the
 * gateway (bench/README.md, "Seventeenth session"). The copy shares the context value,
 * the request and the response with the context plugins see, so emptying those three
 * cuts what it reaches. Only after `finish`: a request whose client went away may still
 * be executing, and Apollo writes its answer into the response.
 */
export function releasedOnceAnswered(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue, request, response }: GraphQLRequestContext<BaseContext>) {
      // The HTTP context hubGraphqlOptions builds; an operation run in-process has no response.
      const { res } = contextValue as { res?: Response };
      res?.once('finish', () => {
        emptied(contextValue);
        emptied(request);
        emptied(response);
      });
    },
  };
}

/** Nest's Apollo driver with HTTP operations run by compiledExecution (subscriptions have their own, live/shared-execution.ts). */
@Injectable()
export class CompiledApolloDriver extends ApolloDriver {
  override async registerServer(options: ApolloDriverConfig): Promise<void> {
    const { schema } = options as ApolloDriverConfig & { schema: GraphQLSchema };
    await super.registerServer({
      ...options,
      gateway: compiledExecution(schema),
      plugins: [...(options.plugins ?? []), releasedOnceAnswered()],
    } as ApolloDriverConfig);
  }
}
