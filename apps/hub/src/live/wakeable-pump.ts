import { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import type { HubTrigger } from '../pubsub/hub-events.js';

export interface WakeablePumpOptions {
  name: string;
  pubsub: PubSubEngine;
  /** The notice that there is new work. */
  trigger: HubTrigger;
  /** Whether a notice needs no run of its own: its work is done, or handed over otherwise (then it does not wake the pump). */
  isPassed?(notice: unknown): boolean;
  /** Also run this often, for notices that were lost. */
  pollMs: number;
  logger: Logger;
}

/**
 * Runs one job at a time whenever a PubSub notice arrives or the poll interval
 * passes; a wake during a run makes it go round once more, so no notice is lost
 * and runs never overlap. The job learns whether any wake since its last start came
 * from a notice or the poll (work elsewhere) rather than only from this process.
 */
export class WakeablePump {
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private noticed = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private subscription: number | null = null;

  constructor(
    private readonly job: (noticed: boolean) => Promise<void>,
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

  /** `noticed` is false for work this process hands itself (it knows what it is). */
  wake(noticed = true): void {
    this.noticed ||= noticed;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    const fromNotice = this.noticed;
    this.noticed = false;
    this.running = this.job(fromNotice)
      .catch((error: unknown) => this.options.logger.error({ err: error, feed: this.options.name }, 'live feed pump failed; will retry on next wake'))
      .finally(() => {
        this.running = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake(false);
        }
      });
  }
}
