import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Unsent bytes a subscriber's socket may hold before a send waits for them to leave
 * (about a hundred signal events); past it the subscriber's own bounded queue fills
 * and a feed that falls too far behind is ended as before (see AsyncQueue).
 */
export const UNSENT_HIGH_WATER = 64 * 1024;

/**
 * The hub's side of one graphql-ws connection, through which the live feeds send their
 * `next` messages (see sharedExecutionSubscribe). Every message sent in one tick leaves in
 * one write: the socket is corked until the end of the tick, so a subscriber behind by
 * several events gets them in one system call instead of one each.
 */
export class LiveSocket {
  // ws keeps its TCP socket in `_socket`; corking it makes ws's frames join one writev.
  private readonly tcp: Socket;
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.tcp.uncork();
  };

  constructor(private readonly webSocket: WebSocket) {
    this.tcp = (webSocket as unknown as { _socket: Socket })._socket;
  }

  /**
   * Sends one message. Returns a promise, to be awaited before sending more, when the
   * socket already holds UNSENT_HIGH_WATER unsent bytes; otherwise nothing. A closed
   * socket takes nothing (graphql-ws ends its subscriptions).
   */
  send(text: string): Promise<void> | undefined {
    if (this.webSocket.readyState !== this.webSocket.OPEN) return undefined;
    if (!this.corked) {
      this.corked = true;
      this.tcp.cork();
      process.nextTick(this.uncork);
    }
    if (this.webSocket.bufferedAmount < UNSENT_HIGH_WATER) {
      this.webSocket.send(text);
      return undefined;
    }
    return new Promise((resolve) => this.webSocket.send(text, () => resolve()));
  }
}
