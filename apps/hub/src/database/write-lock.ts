import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { CopyIn, Row, Statement, sendStatements, statement } from './statements.js';

const HUB_WRITE_LOCK = 7_170_001;

/**
 * Takes the lock and turns parallel query off for the rest of the transaction: the
 * planner misjudges prefix-overlap joins (hundreds of thousands of rows expected, none
 * found) and launched parallel workers for the correlation lookup, 51 ms instead of 2 ms,
 * while every other publish waited for the lock.
 */
const LOCK = statement(`SELECT set_config('max_parallel_workers_per_gather', '0', true), pg_advisory_xact_lock($1), now() AS now`, [
  HUB_WRITE_LOCK,
]);

/**
 * Serialises the hub's ordered writes (signals, incident changes) until the
 * transaction ends, so that sequence and revision numbers follow commit order: a
 * reader that has seen position N has seen everything before N. Cursors and live
 * feeds rely on it. Returns the transaction's timestamp (what `now()` stamps its rows with).
 */
export async function lockOrderedWrites(manager: EntityManager): Promise<Date> {
  const [row] = await manager.query(LOCK.text, LOCK.values);
  return row.now;
}

/** What a transaction under the ordered-write lock does once its reads are in (see runOrderedWrite). */
export interface OrderedWork<T> {
  /** Sent with COMMIT, in the transaction's last round trip. */
  final: (Statement | CopyIn)[];
  /** Takes the final statements' rows after the commit. */
  committed(finalRows: Row[][]): T;
}

/**
 * Runs a transaction holding the ordered-write lock in two round trips: BEGIN, the lock
 * and `reads` in the first; `work` turns their rows (and the transaction's timestamp,
 * what `now()` stamps its rows with) into the statements that go with COMMIT in the
 * second. `lastRoundTripSent` is called as that one leaves.
 */
export async function runOrderedWrite<T>(
  dataSource: DataSource,
  reads: Statement[],
  work: (publishedAt: Date, readRows: Row[][]) => OrderedWork<T> | Promise<OrderedWork<T>>,
  lastRoundTripSent: () => void = () => {},
): Promise<T> {
  // The pool's own client, not a TypeORM query runner: the transaction is driven by hand.
  const [client, release] = (await (dataSource.driver as PostgresDriver).obtainMasterConnection()) as [pg.PoolClient, (error?: Error) => void];
  let finalRows: Row[][];
  let committed: (finalRows: Row[][]) => T;
  try {
    const [, [lock], ...readRows] = await sendStatements(client, [statement('START TRANSACTION'), LOCK, ...reads]);
    const done = await work(lock.now, readRows);
    committed = done.committed;
    const lastRoundTrip = sendStatements(client, [...done.final, statement('COMMIT')]);
    lastRoundTripSent();
    finalRows = (await lastRoundTrip).slice(0, done.final.length);
  } catch (error) {
    // A connection that cannot roll back is closed rather than returned to the pool.
    const rollbackFailure = await client.query('ROLLBACK').then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    release(rollbackFailure);
    throw error;
  }
  release();
  return committed(finalRows);
}
