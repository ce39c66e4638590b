import { RecentlyUsed } from '../common/recently-used.js';

/**
 * Pairs remembered (about 100 bytes each), the least recently offered first out: an ingest
 * transaction touching 940 incidents re-offers 940 of them, a burst's leak a few dozen.
 */
export const REMEMBERED_KEYS = 20_000;

/**
 * Correlation keys this process has committed to incidents. Keys are never deleted, so
 * one known to be stored need not be offered again: a traffic drop offers its
 * organisation's `victim:` key to the incident it joins every time, and each ingest
 * transaction sent the 940 such keys of the incidents it touched for Postgres to find
 * every one present (7.5 ms of its last round trip, bench/README.md). Keys another process
 * stored are not known here; offering them again costs a conflict, as it always did.
 */
export class CommittedKeys {
  private readonly pairs: RecentlyUsed<string, true>;

  constructor(capacity = REMEMBERED_KEYS) {
    this.pairs = new RecentlyUsed(capacity);
  }

  /** Whether the key is known to be stored for the incident; a hit counts as recent use. */
  has(incidentId: string, key: string): boolean {
    return this.pairs.get(`${incidentId} ${key}`) !== undefined;
  }

  /** Call once the transaction that wrote (or re-offered) the keys has committed. */
  remember(keys: readonly { incidentId: string; key: string }[]): void {
    for (const { incidentId, key } of keys) this.pairs.set(`${incidentId} ${key}`, true);
  }
}
