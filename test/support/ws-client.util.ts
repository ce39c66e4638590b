import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Credentials } from './graphql-request.util.js';

export interface LiveFeed<T> {
  events: T[];
  /** Resolves once `count` events have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the close code when the server closes the connection. */
  closed: Promise<number>;
  errors: unknown[];
  dispose(): Promise<void>;
}

/** Opens a graphql-ws connection with the hub's connection_init payload and runs one subscription. */
export async function subscribe<T = any>(
  wsUrl: string,
  credentials: Credentials,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<LiveFeed<T>> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let resolveConnected!: () => void;
  let rejectConnected!: (error: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    resolveConnected = resolve;
    rejectConnected = reject;
  });
  const client: Client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    connectionParams: credentials.apiKey
      ? { apiKey: credentials.apiKey }
      : credentials.token
        ? { authorization: `Bearer ${credentials.token}` }
        : {},
    on: {
      connected: () => resolveConnected(),
      closed: (event) => {
        const code = (event as { code?: number }).code ?? 0;
        rejectConnected(new Error(`connection closed with ${code}`));
        resolveClosed(code);
      },
    },
  });
  await connected;
  client.subscribe<T>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors) errors.push(message.errors);
        if (message.data) events.push(message.data as T);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    closed,
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`expected ${count} events, got ${events.length}: ${JSON.stringify(errors)}`)),
          timeoutMs,
        );
        const check = () => {
          if (events.length >= count) {
            clearTimeout(deadline);
            resolve(events.slice(0, count));
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Resolves when a connection attempt is refused, with the close code. */
export function connectionRefusal(wsUrl: string, connectionParams: Record<string, unknown>): Promise<number> {
  return new Promise((resolve) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams,
      on: { closed: (event) => resolve((event as { code?: number }).code ?? 0) },
      onNonLazyError: () => undefined,
    });
    void client;
  });
}
