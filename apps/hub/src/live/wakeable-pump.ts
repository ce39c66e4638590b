import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import type { HubTrigger } from '../pubsub/hub-events.js';

export interface WakeablePumpOptions {
  name: string;
  pubsub: PubSubEngine;
  /** The notice that there is new work. */
  trigger: HubTrigger;
  /** Whether a notice announces work already done (then it does not wake the pump). */
  isPassed?(notice: unknown): boolean;
  /** Also run this often, for notices that were lost. */
  pollMs: number;
  logger: Logger;
}

/**
 * Runs one job at a time whenever a PubSub notice arrives or the poll interval
 * passes; a wake during a run makes it go round once more, so no notice is lost
 * and runs never overlap.
 */
export class WakeablePump {
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private subscription: number | null = null;

  constructor(
    private readonly job: () => Promise<void>,
    private readonly options: WakeablePumpOptions,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.options.pubsub.subscribe(
      this.options.trigger,
      (notice: unknown) => {
        if (!this.options.isPassed?.(notice)) this.wake();
      },
      {},
    );
    this.pollTimer = setInterval(() => this.wake(), this.options.pollMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.subscription !== null) this.options.pubsub.unsubscribe(this.subscription);
    await this.running;
  }

  wake(): void {
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.job()
      .catch((error: unknown) => this.options.logger.error({ err: error, feed: this.options.name }, 'live feed pump failed; will retry on next wake'))
      .finally(() => {
        this.running = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }
}
