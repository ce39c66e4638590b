/**
 * Answers of a credential lookup (an active user, an unrevoked key) reused for a short
 * time on the hot path, one query less per request. A revocation drops them: `forget`
 * at once in the process that revoked, the revocation notice in the others; a lookup
 * that a revocation overtook does not cache what it read. `ttlMs` bounds a notice lost
 * to a reconnect.
 */
export class RevocableCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private revocations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly limit: number,
  ) {}

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.entries.get(key);
    if (cached && cached.until > Date.now()) return cached.value;
    const revocationsBefore = this.revocations;
    const value = await load();
    if (value !== null && this.revocations === revocationsBefore) {
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }

  /** Drops `key`; without one, everything (when a revoked credential is not known by its cache key). */
  forget(key?: string): void {
    this.revocations += 1;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}
