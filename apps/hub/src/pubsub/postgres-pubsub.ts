import { randomUUID } from 'node:crypto';
import { PubSubEngine } from 'graphql-subscriptions';
import pg from 'pg';
import type { Logger } from 'pino';
import { Statement, statement } from '../database/statements.js';

const CHANNEL = 'kessetsu_events';
const RECONNECT_DELAY_MS = 1000;
/** Postgres' limit on a NOTIFY payload in its default build. */
const MAX_NOTICE_BYTES = 7999;
/** Notices sent by one query at most. */
const NOTICES_PER_QUERY = 100;

type Listener = (message: unknown) => void;

interface QueuedNotice {
  message: string;
  sent(): void;
  failed(error: unknown): void;
}

/**
 * graphql-subscriptions engine over Postgres LISTEN/NOTIFY, so that hub processes
 * sharing one database hear each other. One connection listens; publishing uses a
 * query on its own connection, one for all the notices published in the same turn of
 * the event loop (a commit announces new signals and changed incidents together: one
 * round trip and one Postgres transaction instead of two). Payloads must stay under
 * Postgres' 8000-byte limit, so the hub sends small notices and reads the data itself.
 */
export class PostgresPubSub extends PubSubEngine {
  /** This hub process among those listening, for notices that name their sender. */
  readonly processId = randomUUID();
  private listenerClient: pg.Client | null = null;
  private readonly subscriptions = new Map<number, { trigger: string; listener: Listener }>();
  private nextId = 1;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private queued: QueuedNotice[] = [];
  private sending = false;

  private readonly publisherPool: pg.Pool;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    /** Called after a reconnect, when notices may have been missed. */
    private readonly onReconnect: () => void = () => {},
  ) {
    super();
    this.publisherPool = new pg.Pool({ connectionString, max: 1, application_name: 'kessetsu-notify' });
    // An idle connection the server drops must not crash the process; the next publish reconnects.
    this.publisherPool.on('error', (error) => this.logger.warn({ err: error }, 'NOTIFY connection lost'));
  }

  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'kessetsu-listen' });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.handleConnectionLoss(client, error));
    client.on('end', () => this.handleConnectionLoss(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listenerClient = client;
  }

  publish(triggerName: string, payload: unknown): Promise<void> {
    const message = JSON.stringify({ triggerName, payload });
    const bytes = Buffer.byteLength(message);
    if (bytes > MAX_NOTICE_BYTES) return Promise.reject(new Error(`notice ${triggerName} is ${bytes} bytes; NOTIFY takes at most ${MAX_NOTICE_BYTES}`));
    return new Promise((sent, failed) => {
      this.queued.push({ message, sent, failed });
      if (this.queued.length === 1) queueMicrotask(() => void this.sendQueued());
    });
  }

  /**
   * A statement that sends the notice when the transaction running it commits, in commit
   * order, its payload computed by `payloadSql` in that transaction. Sent by the committing
   * query itself, it reaches the other processes without waiting for this one to read the
   * commit's answer and send a notice of its own, a wait its delivery rounds lengthened.
   */
  noticeAtCommit(triggerName: string, payloadSql: string): Statement {
    return statement(`SELECT pg_notify($1, json_build_object('triggerName', $2::text, 'payload', ${payloadSql})::text)`, [CHANNEL, triggerName]);
  }

  async subscribe(triggerName: string, onMessage: Listener): Promise<number> {
    const id = this.nextId++;
    this.subscriptions.set(id, { trigger: triggerName, listener: onMessage });
    return id;
  }

  unsubscribe(subId: number): void {
    this.subscriptions.delete(subId);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listenerClient;
    this.listenerClient = null;
    await client?.end().catch(() => undefined);
    await this.publisherPool.end();
  }

  /**
   * Sends the queued notices, a query at a time so that they commit in the order they
   * were published; what is published meanwhile goes with the next query.
   */
  private async sendQueued(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, NOTICES_PER_QUERY);
        const calls = batch.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
        try {
          await this.publisherPool.query(`SELECT ${calls}`, [CHANNEL, ...batch.map((notice) => notice.message)]);
          for (const notice of batch) notice.sent();
        } catch (error) {
          for (const notice of batch) notice.failed(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private dispatch(raw: string | undefined): void {
    if (!raw) return;
    let message: { triggerName: string; payload: unknown };
    try {
      message = JSON.parse(raw);
    } catch {
      this.logger.warn({ raw: raw.slice(0, 200) }, 'ignoring malformed notification');
      return;
    }
    for (const { trigger, listener } of this.subscriptions.values()) {
      if (trigger === message.triggerName) listener(message.payload);
    }
  }

  private handleConnectionLoss(client: pg.Client, error: Error): void {
    if (this.closed || this.listenerClient !== client) return;
    this.listenerClient = null;
    this.logger.warn({ err: error }, 'LISTEN connection lost; reconnecting');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.connect()
        .then(() => {
          this.logger.info('LISTEN connection restored');
          this.onReconnect();
        })
        .catch((error: Error) => {
          this.logger.warn({ err: error }, 'LISTEN reconnect failed');
          this.scheduleReconnect();
        });
    }, RECONNECT_DELAY_MS);
  }
}
