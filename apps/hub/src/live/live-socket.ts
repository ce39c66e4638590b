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
 * `next` messages (see sharedExecutionSubscribe). Messages arrive as payloads shared by
 * every subscriber of a class, between the subscription's own prefix and suffix, and each
 * leaves as one WebSocket frame written straight to the TCP socket: the frame header joined
 * to the prefix (and to the end of the message before it), the payload written as it is,
 * so the shared payload is neither copied nor encoded per subscriber (ws would measure and
 * encode the text again for each; a copy into one buffer per message cost an 8 KB pool
 * slab every ten messages, 15% of the hub's busy time at 5,000 subscribers). Every message
 * sent in one tick leaves in one write: the socket is corked until the end of the tick, so
 * a subscriber behind by several events gets them in one system call instead of one each.
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

  /** Bytes written to the connection that have not left yet. */
  get unsent(): number {
    return this.tcp.writableLength;
  }

  /**
   * Sends one text message per payload, each the payload between `prefix` and `suffix`
   * (UTF-8). Returns a promise, to be awaited before sending more, when the socket already
   * holds UNSENT_HIGH_WATER unsent bytes; otherwise nothing. A socket that is closing or
   * closed takes nothing (graphql-ws ends its subscriptions).
   *
   * Two writes a message: its header and prefix, joined to the end of the message before it,
   * then its payload as it is; the last suffix goes alone. Node keeps an entry for every
   * corked write, and at 5,000 subscribers those entries were a fifth of the hub's allocations.
   */
  send(prefix: Buffer, payloads: readonly Buffer[], suffix: Buffer): Promise<void> | undefined {
    if (this.webSocket.readyState !== this.webSocket.OPEN || payloads.length === 0) return undefined;
    if (!this.corked) {
      this.corked = true;
      this.tcp.cork();
      process.nextTick(this.uncork);
    }
    // Past the high-water mark the caller waits until the last message has left.
    let left: (() => void) | undefined;
    const sent = this.tcp.writableLength >= UNSENT_HIGH_WATER ? new Promise<void>((resolve) => (left = resolve)) : undefined;
    for (let i = 0; i < payloads.length; i += 1) {
      const length = prefix.length + payloads[i].length + suffix.length;
      // Every message but the first starts with the suffix of the one before it.
      const start = i === 0 ? 0 : suffix.length;
      const headerLength = frameHeaderLength(length);
      const head = Buffer.allocUnsafe(start + headerLength + prefix.length);
      if (start > 0) suffix.copy(head);
      writeFrameHeader(head, Opcode.TEXT, length, false, start);
      prefix.copy(head, start + headerLength);
      this.tcp.write(head);
      this.tcp.write(payloads[i]);
    }
    this.tcp.write(suffix, left);
    return sent;
  }
}
