import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { Opcode, frameHeaderLength, writeFrameHeader } from './websocket-frame.js';

/**
 * Unsent bytes a subscriber's socket may hold before a send waits for them to leave
 * (about a hundred signal events); past it the subscriber's own bounded queue fills
 * and a feed that falls too far behind is ended as before (see AsyncQueue).
 */
export const UNSENT_HIGH_WATER = 64 * 1024;

/** Room for what one send frames: a backlog up to the high-water mark plus its last message. */
const FRAMING_BYTES = 2 * UNSENT_HIGH_WATER;

/**
 * Where every LiveSocket frames its messages before writing them. Node writes a buffer to a
 * socket with nothing unsent at once, and is done with it when `write` returns; only a write
 * the kernel does not take whole keeps referring to it, and then the next send frames into a
 * new one (see LiveSocket.send).
 */
let framing = Buffer.allocUnsafeSlow(FRAMING_BYTES);

/**
 * The hub's side of one graphql-ws connection, through which the live feeds send their
 * `next` messages (see sharedExecutionSubscribe). Messages arrive as payloads shared by
 * every subscriber of a class, between the subscription's own prefix and suffix; one send
 * frames them all, back to back, into one buffer and writes it straight to the TCP socket
 * in one write, a system call per subscriber and round however many events it carries.
 *
 * Copying the shared payload costs less than not copying it: written as separate parts of
 * a corked socket, every part was an entry of Node's write queue and an iovec of `writev`
 * (a subscriber behind by 20 events made about 40 of each), with a header buffer per message;
 * one buffer and one write took a quarter off the hub's CPU at 5,000 subscribers. ws would
 * measure, encode and copy the text again for every subscriber.
 *
 * Writing beside ws is sound because ws writes its own frames (graphql-ws' `complete`,
 * errors, pings, close) synchronously to the same socket as long as no extension such as
 * compression is negotiated, which the constructor checks; frames therefore leave in the
 * order they are sent.
 */
export class LiveSocket {
  // ws keeps its TCP socket in `_socket`.
  private readonly tcp: Socket;

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
   * (UTF-8), in one write. Returns a promise, to be awaited before sending more, when the
   * socket already holds UNSENT_HIGH_WATER unsent bytes; otherwise nothing. A socket that
   * is closing or closed takes nothing (graphql-ws ends its subscriptions).
   */
  send(prefix: Buffer, payloads: readonly Buffer[], suffix: Buffer): Promise<void> | undefined {
    if (this.webSocket.readyState !== this.webSocket.OPEN || payloads.length === 0) return undefined;
    let bytes = 0;
    for (const payload of payloads) {
      const length = prefix.length + payload.length + suffix.length;
      bytes += frameHeaderLength(length) + length;
    }
    // A socket still holding unsent bytes queues the write, buffer and all: it gets a buffer of its own.
    const queued = this.tcp.writableLength > 0;
    const shared = !queued && bytes <= framing.length;
    const frames = shared ? framing : Buffer.allocUnsafe(bytes);
    let offset = 0;
    for (const payload of payloads) {
      const length = prefix.length + payload.length + suffix.length;
      writeFrameHeader(frames, Opcode.TEXT, length, false, offset);
      offset += frameHeaderLength(length);
      frames.set(prefix, offset);
      offset += prefix.length;
      frames.set(payload, offset);
      offset += payload.length;
      frames.set(suffix, offset);
      offset += suffix.length;
    }
    // Past the high-water mark the caller waits until these messages have left.
    let left: (() => void) | undefined;
    const sent = this.tcp.writableLength >= UNSENT_HIGH_WATER ? new Promise<void>((resolve) => (left = resolve)) : undefined;
    this.tcp.write(shared ? frames.subarray(0, bytes) : frames, left);
    if (shared && this.tcp.writableLength > 0) framing = Buffer.allocUnsafeSlow(FRAMING_BYTES);
    return sent;
  }
}
