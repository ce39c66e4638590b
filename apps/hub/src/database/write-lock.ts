import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { CopyIn, Row, Statement, sendPipelined, sendStatements, statement } from './statements.js';

const HUB_WRITE_LOCK = 7_170_001;

/**
 * Turns parallel query off for the rest of the transaction: the planner misjudges
 * prefix-overlap joins (hundreds of thousands of rows expected, none found) and launched
 * parallel workers for the correlation lookup, 51 ms instead of 2 ms, while every other
 * publish waited for the lock.
 */
const NO_PARALLEL_QUERY = `set_config('max_parallel_workers_per_gather', '0', true)`;

const LOCK = statement(`SELECT ${NO_PARALLEL_QUERY}, pg_advisory_xact_lock($1), now() AS now`, [HUB_WRITE_LOCK]);

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

/** A transaction for runOrderedWrite. */
export interface OrderedWrite<T> {
  /** Read once the lock is held. */
  reads: Statement[];
  /**
   * Called with the transaction's timestamp (what `now()` stamps its rows with) and its id
   * (a 32-bit xid, as row versions carry it in `xmin`) as soon as it has begun, while the
   * lock may still be held by the transaction before: work that needs no more than that
   * can be done while waiting. With `assuming`, it may return the transaction's work
   * outright, written on assumptions that its first statements check under the lock
   * (`ordered_write_assumes`): then nothing is read, and the work goes with the lock and
   * COMMIT in one round trip, which Postgres runs as soon as the transaction before
   * commits, without waiting for this process. If an assumption no longer holds, or
   * anything else fails, the transaction rolls back and AssumptionFailed is thrown.
   */
  begun?(publishedAt: Date, transactionId: string): OrderedWork<T> | void;
  /** Whether `begun` may return the work: the lock then waits for its answer instead of going with BEGIN. */
  assuming?: boolean;
  /** Turns the reads' rows into the statements that go with COMMIT. */
  work(publishedAt: Date, readRows: Row[][]): OrderedWork<T> | Promise<OrderedWork<T>>;
  /** Called as the last round trip leaves. */
  lastRoundTripSent?(): void;
}

/** A transaction whose work was written on assumptions (see OrderedWrite.begun) failed, and was rolled back. */
export class AssumptionFailed extends Error {
  constructor(readonly failure: unknown) {
    super(`ordered write on assumptions failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
}

const BEGIN = [
  statement('START TRANSACTION'),
  statement(`SELECT ${NO_PARALLEL_QUERY}, now() AS now, (pg_current_xact_id()::text::bigint % 4294967296)::text AS transaction`),
];
const TAKE_LOCK = statement(`SELECT pg_advisory_xact_lock($1)`, [HUB_WRITE_LOCK]);

/**
 * Runs a transaction holding the ordered-write lock in two round trips: BEGIN, the lock
 * and the reads in the first (written together, the beginning answered before the lock
 * is granted: see `begun`); the work's statements and COMMIT in the second. With
 * `assuming`, BEGIN goes alone, and the lock goes with the reads, or with the work `begun`
 * returned and COMMIT.
 */
export async function runOrderedWrite<T>(dataSource: DataSource, write: OrderedWrite<T>): Promise<T> {
  // The pool's own client, not a TypeORM query runner: the transaction is driven by hand.
  const [client, releaseToPool] = (await (dataSource.driver as PostgresDriver).obtainMasterConnection()) as [pg.PoolClient, (error?: Error) => void];
  // A lost connection fails the transaction's queries; node-pg also emits it as an 'error'
  // event, which without a listener would end the process (TypeORM's query runners listen too).
  const connectionLost = () => {};
  client.on('error', connectionLost);
  const release = (error?: Error) => {
    client.removeListener('error', connectionLost);
    releaseToPool(error);
  };
  let finalRows: Row[][];
  let committed: (finalRows: Row[][]) => T;
  let assumed = false;
  try {
    const [beginning, locked] = write.assuming ? [sendStatements(client, BEGIN), null] : sendPipelined(client, BEGIN, [TAKE_LOCK, ...write.reads]);
    // Awaited below; a failure of the beginning is thrown first, and fails this one too.
    locked?.catch(() => undefined);
    const [, [{ now: publishedAt, transaction }]] = await beginning;
    const outright = write.begun?.(publishedAt, transaction);
    let done: OrderedWork<T>;
    if (outright) {
      assumed = true;
      done = outright;
    } else {
      const [, ...readRows] = await (locked ?? sendStatements(client, [TAKE_LOCK, ...write.reads]));
      done = await write.work(publishedAt, readRows);
    }
    committed = done.committed;
    const lock = assumed ? [TAKE_LOCK] : [];
    const lastRoundTrip = sendStatements(client, [...lock, ...done.final, statement('COMMIT')]);
    write.lastRoundTripSent?.();
    finalRows = (await lastRoundTrip).slice(lock.length, lock.length + done.final.length);
  } catch (error) {
    // A connection that cannot roll back is closed rather than returned to the pool.
    const rollbackFailure = await client.query('ROLLBACK').then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    release(rollbackFailure);
    throw assumed ? new AssumptionFailed(error) : error;
  }
  release();
  return committed(finalRows);
}
