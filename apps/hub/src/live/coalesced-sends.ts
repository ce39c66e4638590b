import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Unsent bytes a subscriber's socket may hold before a send waits for them to leave
 * (about a hundred signal events); past it the subscriber's own bounded queue fills
 * and a feed that falls too far behind is ended as before (see AsyncQueue).
 */
export const UNSENT_HIGH_WATER = 64 * 1024;

type SendCallback = (error?: Error) => void;

/**
 * Lets every message one tick sends on this socket leave in one write. graphql-ws waits for
 * each send's write callback before it takes the subscriber's next event, so every message
 * cost a `writev` of its own: half the hub's CPU in a 1,000-subscriber fan-out, and the
 * receivers paid a read per message too. Here a send completes at once while the socket
 * holds fewer than UNSENT_HIGH_WATER unsent bytes, and the socket stays corked until the
 * end of the tick, so a subscriber behind by several events gets them in one write.
 */
export function coalesceSends(webSocket: WebSocket): void {
  // ws keeps its TCP socket in `_socket`; corking it makes its frames join one writev.
  const tcp = (webSocket as unknown as { _socket: Socket })._socket;
  const send = webSocket.send.bind(webSocket) as (data: unknown, ...rest: unknown[]) => void;
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp.uncork();
  };
  webSocket.send = ((data: unknown, ...rest: unknown[]) => {
    const callback = typeof rest.at(-1) === 'function' ? (rest.pop() as SendCallback) : undefined;
    if (!corked && webSocket.readyState === webSocket.OPEN) {
      corked = true;
      tcp.cork();
      process.nextTick(uncork);
    }
    if (!callback || webSocket.bufferedAmount >= UNSENT_HIGH_WATER) {
      send(data, ...rest, ...(callback ? [callback] : []));
      return;
    }
    send(data, ...rest);
    callback();
  }) as WebSocket['send'];
}
