import pg from 'pg';
import type { EntityManager } from 'typeorm';

/** One SQL statement, its parameters written $1, $2, ... as for a bound query. */
export interface Statement {
  text: string;
  values: unknown[];
}

export type Row = Record<string, any>;

/** The driver's conversion of a value to its text form (exported at runtime, not in @types/pg). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue;

export const statement = (text: string, values: unknown[] = []): Statement => ({ text, values });

/**
 * The same text as the driver's escapeLiteral (quotes doubled; with a backslash, an E''
 * literal with backslashes doubled), by native string replacement: escapeLiteral builds
 * its answer a character at a time, 18 ms for a 170 KB batch of incident records.
 */
export function quoteLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** An array element Postgres reads the same with or without double quotes. */
const BARE_ELEMENT = /^[^\s{}",\\]+$/;

/**
 * An array of strings and numbers none of which needs quoting (ids, counts, codes, epoch
 * times) as its array literal in one join; anything else as the driver writes it, which
 * quotes and escapes every element: two replacements and four strings per element, 6% of
 * what the hub allocated while publishing batches (bench/README.md).
 */
export function arrayLiteral(values: readonly unknown[]): string {
  for (const value of values) {
    const bare =
      typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' && BARE_ELEMENT.test(value) && value.toLowerCase() !== 'null';
    if (!bare) return prepareValue(values) as string;
  }
  return `{${values.join(',')}}`;
}

/**
 * The statement with each parameter written as a literal: the driver's own text form of
 * the value (what it would send for a bound parameter), quoted as the driver's
 * escapeLiteral does. Untyped literals resolve like bound parameters do; every value
 * stays data, never SQL.
 */
export function inlineValues({ text, values }: Statement): string {
  return text.replace(/\$(\d+)/g, (placeholder, position: string) => {
    const index = Number(position) - 1;
    if (index >= values.length) throw new Error(`no value for ${placeholder} in: ${text.slice(0, 80)}`);
    const given = values[index];
    const value = Array.isArray(given) ? arrayLiteral(given) : prepareValue(given);
    if (value === null) return 'NULL';
    if (Buffer.isBuffer(value)) throw new Error(`binary values cannot be inlined (${placeholder})`);
    return quoteLiteral(value);
  });
}

/** A `COPY ... FROM STDIN` statement with its rows, in COPY's text format (one line per row). */
export interface CopyIn {
  copy: string;
  rows: string;
}

const isCopyIn = (step: Statement | CopyIn): step is CopyIn => 'copy' in step;

/** The part of node-pg's connection a query writes its messages with (not in @types/pg). */
interface ProtocolWriter {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * A query whose COPY's rows go out right behind it, in the same write: Postgres reads
 * them when it reaches the COPY (and drops them if an earlier statement failed), so the
 * COPY costs no round trip of its own. node-pg's Query waits for the server to ask, and
 * answers CopyFail because it has no rows to give.
 */
class QueryWithCopyRows extends pg.Query {
  constructor(text: string, rows: Buffer, callback: (error: Error | undefined, results: unknown) => void) {
    super(text, callback);
    const submitQuery = this.submit;
    this.submit = (connection) => {
      submitQuery.call(this, connection);
      const writer = connection as unknown as ProtocolWriter;
      writer.sendCopyFromChunk(rows);
      writer.endCopyFrom();
    };
  }

  /** The rows are on their way already. */
  handleCopyInResponse(): void {}
}

type Results = pg.QueryResult | pg.QueryResult[];

const queryText = (statements: (Statement | CopyIn)[]) => statements.map((step) => (isCopyIn(step) ? step.copy : inlineValues(step))).join(';\n');

const rowsOf = (results: Results): Row[][] => (Array.isArray(results) ? results : [results]).map((result) => result.rows);

/**
 * Sends the statements as one multi-statement query and returns each one's rows, in
 * order: one round trip for all of them, including at most one COPY with its rows.
 * Postgres runs them one after another, each with its own snapshot, and stops at the
 * first error. The writer holding the ordered-write lock uses it: every round trip
 * under the lock also waits for this process's event loop, which other requests keep
 * busy (bench/README.md).
 */
export async function sendStatements(client: pg.ClientBase, statements: (Statement | CopyIn)[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const copies = statements.filter(isCopyIn);
  if (copies.length > 1) throw new Error('one COPY per round trip');
  const text = queryText(statements);
  const results =
    copies.length === 0
      ? ((await client.query(text)) as unknown as Results)
      : await new Promise<Results>((resolve, reject) => {
          client.query(new QueryWithCopyRows(text, Buffer.from(copies[0].rows), (error, answer) => (error ? reject(error) : resolve(answer as Results))));
        });
  return rowsOf(results);
}

/** The part of node-pg's connection that writes a simple query (not in @types/pg). */
interface QueryWriter {
  query(text: string): void;
}

/**
 * Two multi-statement queries written together, each answered as Postgres completes it:
 * Postgres answers (and flushes) the first before it reads the second, so the first's
 * rows arrive while the second may still wait, for a lock say. node-pg sends a query
 * only once the previous one is answered; here the first query's submit writes the
 * second's message too, and the second's submit, when node-pg reaches it, has nothing
 * left to write. Without COPY, and not on a client with node-pg's `query_timeout`, which
 * would take the second query out of its queue after its message has gone.
 */
export function sendPipelined(client: pg.ClientBase, first: Statement[], second: Statement[]): [Promise<Row[][]>, Promise<Row[][]>] {
  if ((client as unknown as { connectionParameters?: { query_timeout?: number } }).connectionParameters?.query_timeout) {
    throw new Error('sendPipelined needs a client without query_timeout');
  }
  const query = (text: string) => {
    let settle!: (error: Error | undefined, results: unknown) => void;
    const rows = new Promise<Row[][]>((resolve, reject) => {
      settle = (error, results) => (error ? reject(error) : resolve(rowsOf(results as Results)));
    });
    return { query: new pg.Query(text, settle), text, rows };
  };
  const head = query(queryText(first));
  const follower = query(queryText(second));
  const submitHead = head.query.submit;
  head.query.submit = (connection) => {
    submitHead.call(head.query, connection);
    (connection as unknown as QueryWriter).query(follower.text);
    follower.query.submit = () => {};
  };
  client.query(head.query);
  client.query(follower.query);
  return [head.rows, follower.rows];
}

/** The connection of a transaction's EntityManager (from DataSource.transaction). */
export async function connectionOf(manager: EntityManager): Promise<pg.PoolClient> {
  if (!manager.queryRunner) throw new Error('expected the EntityManager of a transaction');
  return (await manager.queryRunner.connect()) as pg.PoolClient;
}
