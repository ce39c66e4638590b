import type { EntityManager } from 'typeorm';

const HUB_WRITE_LOCK = 7_170_001;

/**
 * Serialises the hub's ordered writes (signals, incident changes) until the
 * transaction ends, so that sequence and revision numbers follow commit order: a
 * reader that has seen position N has seen everything before N. Cursors and live
 * feeds rely on it.
 */
export async function lockOrderedWrites(manager: EntityManager): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [HUB_WRITE_LOCK]);
}
