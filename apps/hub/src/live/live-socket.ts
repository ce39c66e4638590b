import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { Opcode, frameHeaderLength, writeFrameHeader } from './websocket-frame.js';

/**
 * Unsent bytes a subscriber's socket may hold before a send waits for them to leave
 * (about a hundred signal events); past it the subscriber's own bounded queue fills
 * and a feed that falls too far behind is ended as before (see AsyncQueue).
 */
export const UNSENT_HIGH_WATER = 64 * 1024;

/**
 * The hub's side of one graphql-ws connection, through which the live feeds send their
 * `next` messages (see sharedExecutionSubscribe). A message arrives as UTF-8 parts (the
 * subscription's own prefix around a payload shared by every subscriber of its class)
 * and leaves as one WebSocket frame written straight to the TCP socket: the frame header
 * joined to the first part, the rest written as they are, so the shared payload is
 * neither copied nor encoded per subscriber (ws would measure and encode the text again
 * for each; a copy into one buffer per message cost an 8 KB pool slab every ten messages,
 * 15% of the hub's busy time at 5,000 subscribers). Every message sent in one tick leaves
 * in one write: the socket is corked until the end of the tick, so a subscriber behind by
 * several events gets them in one system call instead of one each.
 *
 * Writing beside ws is sound because ws writes its own frames (graphql-ws' `complete`,
 * errors, pings, close) synchronously to the same socket as long as no extension such as
 * compression is negotiated, which the constructor checks; frames therefore leave in the
 * order they are sent.
 */
export class LiveSocket {
  // ws keeps its TCP socket in `_socket`.
  private readonly tcp: Socket;
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.tcp.uncork();
  };

  constructor(private readonly webSocket: WebSocket) {
    if (webSocket.extensions !== '') throw new Error(`LiveSocket writes plain frames; the connection negotiated "${webSocket.extensions}"`);
    this.tcp = (webSocket as unknown as { _socket: Socket })._socket;
  }

  /**
   * Sends one text message made of the given UTF-8 parts. Returns a promise, to be awaited
   * before sending more, when the socket already holds UNSENT_HIGH_WATER unsent bytes;
   * otherwise nothing. A socket that is closing or closed takes nothing (graphql-ws ends
   * its subscriptions).
   */
  send(parts: readonly [Buffer, ...Buffer[]]): Promise<void> | undefined {
    if (this.webSocket.readyState !== this.webSocket.OPEN) return undefined;
    let length = 0;
    for (const part of parts) length += part.length;
    const headerLength = frameHeaderLength(length);
    const head = Buffer.allocUnsafe(headerLength + parts[0].length);
    writeFrameHeader(head, Opcode.TEXT, length);
    parts[0].copy(head, headerLength);
    if (!this.corked) {
      this.corked = true;
      this.tcp.cork();
      process.nextTick(this.uncork);
    }
    // Past the high-water mark the caller waits until the message's last part has left.
    let left: (() => void) | undefined;
    const sent = this.tcp.writableLength >= UNSENT_HIGH_WATER ? new Promise<void>((resolve) => (left = resolve)) : undefined;
    const last = parts.length - 1;
    this.tcp.write(head, last === 0 ? left : undefined);
    for (let i = 1; i <= last; i += 1) this.tcp.write(parts[i], i === last ? left : undefined);
    return sent;
  }
}
