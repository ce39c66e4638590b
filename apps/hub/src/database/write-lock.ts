import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { Row, Statement, sendStatements, statement } from './statements.js';

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

/** A transaction holding the ordered-write lock (see runOrderedWrite). */
export interface OrderedWrite {
  /** The transaction's connection, for COPY. */
  readonly client: pg.PoolClient;
  /** The transaction's timestamp. */
  readonly publishedAt: Date;
  /** One round trip for all the statements; their rows in order. */
  send(statements: Statement[]): Promise<Row[][]>;
}

/**
 * Runs `work` in a transaction holding the ordered-write lock, in as few round trips
 * as the work allows: BEGIN, the lock and `reads` go in one, and `work` returns the
 * statements that go with COMMIT in the last (their rows are handed to `committed`).
 * `lastRoundTripSent` is called as that last round trip leaves.
 */
export async function runOrderedWrite<T>(
  dataSource: DataSource,
  reads: Statement[],
  work: (write: OrderedWrite, readRows: Row[][]) => Promise<{ final: Statement[]; committed: (finalRows: Row[][]) => T }>,
  lastRoundTripSent: () => void = () => {},
): Promise<T> {
  // The pool's own client, not a TypeORM query runner: the transaction is driven by hand.
  const [client, release] = (await (dataSource.driver as PostgresDriver).obtainMasterConnection()) as [pg.PoolClient, (error?: Error) => void];
  let finalRows: Row[][];
  let committed: (finalRows: Row[][]) => T;
  try {
    const [, [lock], ...readRows] = await sendStatements(client, [statement('START TRANSACTION'), LOCK, ...reads]);
    const write: OrderedWrite = { client, publishedAt: lock.now, send: (statements) => sendStatements(client, statements) };
    const done = await work(write, readRows);
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
