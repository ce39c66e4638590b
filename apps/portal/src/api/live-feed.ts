import { createClient, type Client } from 'graphql-ws';
import { loadEndpoints } from './graphql-client.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** Close codes after which retrying cannot help: the credential is gone. */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

export interface LiveSubscription<T> {
  query: string;
  variables: () => Record<string, unknown>;
  onData: (data: T) => void;
}

/**
 * One graphql-ws connection that reconnects by itself. Each subscription passes its
 * last cursor as `after` when it is re-established, so nothing is missed.
 */
export async function openLiveConnection(
  token: string,
  onState: (state: ConnectionState) => void,
  onAuthLost: () => void,
): Promise<Client> {
  const { hubWsUrl } = await loadEndpoints();
  let connectedBefore = false;
  return createClient({
    url: hubWsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: Infinity,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries))),
    shouldRetry: (event) => !AUTH_CLOSE_CODES.has((event as CloseEvent).code),
    on: {
      connecting: () => onState(connectedBefore ? 'reconnecting' : 'connecting'),
      connected: () => {
        connectedBefore = true;
        onState('live');
      },
      closed: (event) => {
        if (AUTH_CLOSE_CODES.has((event as CloseEvent).code)) {
          onState('closed');
          onAuthLost();
        } else {
          onState('reconnecting');
        }
      },
    },
  });
}

/**
 * Subscribes, and subscribes again with fresh variables (the latest cursor) whenever
 * the stream ends or the connection comes back: graphql-ws would otherwise re-send
 * the original `after` and replay everything since the page loaded.
 */
export function subscribeResuming<T>(client: Client, subscription: LiveSubscription<T>): () => void {
  let stopped = false;
  let dispose: (() => void) | null = null;
  let dropped = false;
  const stopWatchingClose = client.on('closed', () => (dropped = true));
  const stopWatchingConnect = client.on('connected', () => {
    if (!dropped) return;
    dropped = false;
    restart();
  });
  const restart = () => {
    dispose?.();
    start();
  };
  const start = () => {
    if (stopped) return;
    dispose = client.subscribe<T>(
      { query: subscription.query, variables: subscription.variables() },
      {
        next: (message) => message.data && subscription.onData(message.data as T),
        error: () => setTimeout(start, 1000),
        complete: () => setTimeout(start, 250),
      },
    );
  };
  start();
  return () => {
    stopped = true;
    stopWatchingClose();
    stopWatchingConnect();
    dispose?.();
  };
}
