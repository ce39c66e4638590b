import { ExecutionArgs, ExecutionResult, createSourceEventStream, execute, print } from 'graphql';
import { Viewer, visibilityClass } from '@kessetsu/auth';
import { closableIterator } from './closable-iterator.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-ws `subscribe` that executes each live event once per visibility class,
 * operation and variables, instead of once per subscriber (what graphql-js does).
 *
 * The feeds hand every subscriber of one class the same event object (see
 * OrderedFeedSource.eventFor), so the event's identity plus the class, document and
 * variables decide the result; it is computed by the first subscriber to need it and
 * shared by the rest. The cache is keyed weakly by the event, so it lives exactly as
 * long as some subscriber still holds the event.
 */
export function sharedExecutionSubscribe(): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const results = new WeakMap<object, Map<string, Result>>();
  return async (args) => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const source = stream[Symbol.asyncIterator]();
    const viewer = (args.contextValue as { viewer?: Viewer } | undefined)?.viewer;
    const operationKey = [
      viewer ? visibilityClass(viewer) : 'no-viewer',
      args.operationName ?? '',
      JSON.stringify(args.variableValues ?? {}),
      print(args.document),
    ].join('\n');
    const resultFor = (event: unknown): Result => {
      if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
      let byOperation = results.get(event);
      if (!byOperation) {
        byOperation = new Map();
        results.set(event, byOperation);
      }
      let result = byOperation.get(operationKey);
      if (!result) {
        result = execute({ ...args, rootValue: event });
        byOperation.set(operationKey, result);
      }
      return result;
    };
    return closableIterator<ExecutionResult>(
      async () => {
        const next = await source.next();
        return next.done ? { value: undefined, done: true } : { value: await resultFor(next.value), done: false };
      },
      () => {
        void source.return?.();
        return { value: undefined, done: true };
      },
    );
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
