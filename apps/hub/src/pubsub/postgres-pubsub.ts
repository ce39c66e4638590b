import { PubSubEngine } from 'graphql-subscriptions';
import pg from 'pg';
import type { Logger } from 'pino';

const CHANNEL = 'kessetsu_events';
const RECONNECT_DELAY_MS = 1000;

type Listener = (message: unknown) => void;

/**
 * graphql-subscriptions engine over Postgres LISTEN/NOTIFY, so that hub processes
 * sharing one database hear each other. One connection listens; publishing uses a
 * short-lived query on the pool. Payloads must stay under Postgres' 8000-byte limit,
 * so the hub sends small notices and reads the data itself.
 */
export class PostgresPubSub extends PubSubEngine {
  private listenerClient: pg.Client | null = null;
  private readonly subscriptions = new Map<number, { trigger: string; listener: Listener }>();
  private nextId = 1;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  private readonly publisherPool: pg.Pool;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    /** Called after a reconnect, when notices may have been missed. */
    private readonly onReconnect: () => void = () => {},
  ) {
    super();
    this.publisherPool = new pg.Pool({ connectionString, max: 2, application_name: 'kessetsu-notify' });
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

  async publish(triggerName: string, payload: unknown): Promise<void> {
    await this.publisherPool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ triggerName, payload })]);
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
