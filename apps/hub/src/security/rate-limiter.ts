import { Injectable } from '@nestjs/common';
import { RateLimitedException } from '@kessetsu/schema';
import { HubConfig } from '../config/hub-config.js';

export type RateLimitedAction = 'login' | 'login-address' | 'publish' | 'connect';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_TRACKED_KEYS = 100_000;

/**
 * Token buckets per action and key (an identity, an email, an address), in this
 * process. Each action refills at its per-minute rate up to a burst of the same size.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMinute: Record<RateLimitedAction, number>;

  constructor(config: HubConfig) {
    this.perMinute = {
      login: config.HUB_LOGIN_ATTEMPTS_PER_MINUTE,
      // Many people of one organisation may sign in from behind one address.
      'login-address': config.HUB_LOGIN_ATTEMPTS_PER_MINUTE * 10,
      publish: config.HUB_PUBLISH_REQUESTS_PER_MINUTE,
      connect: config.HUB_CONNECTIONS_PER_MINUTE,
    };
  }

  /** Takes one token or throws RATE_LIMITED saying when to retry. */
  consume(action: RateLimitedAction, key: string, now = Date.now()): void {
    const capacity = this.perMinute[action];
    const id = `${action}\u0000${key}`;
    const bucket = this.buckets.get(id) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 60_000) * capacity);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      throw new RateLimitedException(Math.max(1, Math.ceil(((1 - bucket.tokens) / capacity) * 60)), action.startsWith('login') ? 'sign-in attempts' : `${action} requests`);
    }
    bucket.tokens -= 1;
    if (!this.buckets.has(id) && this.buckets.size >= MAX_TRACKED_KEYS) this.buckets.clear();
    this.buckets.set(id, bucket);
  }
}
