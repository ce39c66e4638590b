import type { EntityManager } from 'typeorm';

const HUB_WRITE_LOCK = 7_170_001;

/**
 * Serialises the hub's ordered writes (signals, incident changes) until the
 * transaction ends, so that sequence and revision numbers follow commit order: a
 * reader that has seen position N has seen everything before N. Cursors and live
 * feeds rely on it. Returns the transaction's timestamp (what `now()` stamps its rows with).
 */
export async function lockOrderedWrites(manager: EntityManager): Promise<Date> {
  const [row] = await manager.query('SELECT pg_advisory_xact_lock($1), now() AS now', [HUB_WRITE_LOCK]);
  return row.now;
}
