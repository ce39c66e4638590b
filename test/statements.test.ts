import pg from 'pg';
import { DataSource } from 'typeorm';
import { inlineValues, quoteLiteral, sendPipelined, sendStatements, statement } from '../apps/hub/src/database/statements.js';
import { AssumptionFailed, runOrderedWrite } from '../apps/hub/src/database/write-lock.js';
import { OrderedWriteAssumptions1796800000000 } from '../apps/hub/src/database/migrations/1796800000000-OrderedWriteAssumptions.js';
import { createTestDatabase } from './support/test-hub.util.js';

/** Values whose text is hostile to hand-made SQL: every one must come back as sent. */
const HOSTILE_TEXTS = [
  "O'Reilly",
  "'); DROP TABLE probe; --",
  'back\\slash and \\\\ two',
  "E'\\x41'",
  'dollar $1 and $$ quoted $$',
  'line\nbreak\ttab\rreturn',
  '東京 NOC の "引用"',
  '',
];

describe('statements sent in one round trip', () => {
  let database: { url: string; drop(): Promise<void> };
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE probe (id int PRIMARY KEY, label text NOT NULL)');
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it.each(HOSTILE_TEXTS)('inlines %j as data, equal to the bound parameter', async (text) => {
    const [[inlined]] = await sendStatements(client, [statement('SELECT $1::text AS value, $1::text = $2 AS same', [text, text])]);
    const bound = await client.query('SELECT $1::text AS value', [text]);
    expect(inlined.value).toBe(bound.rows[0].value);
    expect(inlined.value).toBe(text);
    expect(inlined.same).toBe(true);
  });

  it('inlines arrays, nulls, dates, numbers and JSON as the driver would bind them', async () => {
    const observed = new Date('2017-08-25T03:22:00.123Z');
    const values = [HOSTILE_TEXTS, ['a,b', '{c}', null, '"d"'], null, observed, 64500, JSON.stringify({ note: "it's \\ \"quoted\"" })];
    const text = 'SELECT $1::text[] AS texts, $2::text[] AS tricky, $3::int AS nothing, $4::timestamptz AS at, $5::int AS asn, $6::jsonb AS details';
    const [[inlined]] = await sendStatements(client, [statement(text, values)]);
    const bound = (await client.query(text, values)).rows[0];
    expect(inlined).toEqual(bound);
    expect(inlined.texts).toEqual(HOSTILE_TEXTS);
    expect(inlined.at.getTime()).toBe(observed.getTime());
    expect(inlined.details).toEqual({ note: "it's \\ \"quoted\"" });
  });

  it('inlines arrays written without quotes (ids, numbers, words) exactly as bound ones, and quotes what needs it', async () => {
    const arrays = [
      ['01a24a6d-6367-7353-9d3b-902265b9726e', '01a24a6d-6367-7353-9d3b-902265b9726f'],
      ['plain', "O'Reilly", '東京', 'route-asn:64500', 'drop:13:internet:-'],
      ['NULL', 'null', 'Null', 'nullish'],
      ['a b', ' lead', 'trail ', 'tab\there', 'x'],
      ['back\\slash', 'quote"d', 'brace{', 'comma,', ''],
      [1, -2, 3.5, 1e21, Number.NaN],
      [],
    ];
    const text = arrays.map((_array, i) => `$${i + 1}::text[] AS a${i}`).join(', ');
    const [[inlined]] = await sendStatements(client, [statement(`SELECT ${text}`, arrays)]);
    const bound = (await client.query(`SELECT ${text}`, arrays)).rows[0];
    expect(inlined).toEqual(bound);
    expect(inlined.a2).toEqual(['NULL', 'null', 'Null', 'nullish']);
    expect(inlined.a3).toEqual(['a b', ' lead', 'trail ', 'tab\there', 'x']);
  });

  it('answers each statement’s rows in order, and stops at the first error', async () => {
    const rows = await sendStatements(client, [
      statement('INSERT INTO probe (id, label) VALUES ($1, $2) RETURNING id', [1, 'first']),
      statement('SELECT count(*)::int AS n FROM probe'),
      statement('UPDATE probe SET label = $1 WHERE id = $2', ['renamed', 1]),
    ]);
    expect(rows).toEqual([[{ id: 1 }], [{ n: 1 }], []]);
    await expect(
      sendStatements(client, [
        statement('INSERT INTO probe (id, label) VALUES ($1, $2)', [2, 'second']),
        statement('INSERT INTO probe (id, label) VALUES ($1, NULL)', [3]),
        statement('INSERT INTO probe (id, label) VALUES ($1, $2)', [4, 'never']),
      ]),
    ).rejects.toThrow(/null value in column "label"/);
    // Outside a transaction block the message is one implicit transaction: none of it stays.
    const { rows: ids } = await client.query('SELECT id FROM probe ORDER BY id');
    expect(ids).toEqual([{ id: 1 }]);
  });

  it('sends a COPY’s rows with the query, in order among the statements, in one round trip', async () => {
    const rows = HOSTILE_TEXTS.map((text, i) => `${10 + i}\t${text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}\n`);
    const answer = await sendStatements(client, [
      statement('INSERT INTO probe (id, label) VALUES ($1, $2) RETURNING id', [9, 'before the copy']),
      { copy: 'COPY probe (id, label) FROM STDIN', rows: rows.join('') },
      statement('SELECT array_agg(label ORDER BY id) AS labels FROM probe WHERE id >= 10'),
    ]);
    expect(answer).toEqual([[{ id: 9 }], [], [{ labels: HOSTILE_TEXTS }]]);
  });

  it('leaves the connection usable when a statement before or inside the COPY fails', async () => {
    const copy = { copy: 'COPY probe (id, label) FROM STDIN', rows: '50\tfifty\n' };
    await expect(sendStatements(client, [statement('SELECT 1 / 0'), copy])).rejects.toThrow(/division by zero/);
    await expect(sendStatements(client, [{ ...copy, rows: '51\tfifty-one\n9\tduplicate\n' }])).rejects.toThrow(/duplicate key/);
    expect(await sendStatements(client, [statement('SELECT count(*)::int AS n FROM probe WHERE id >= 50')])).toEqual([[{ n: 0 }]]);
    await expect(sendStatements(client, [copy, copy])).rejects.toThrow(/one COPY per round trip/);
  });

  it('answers two queries written together each as it completes, the first while the second waits for a lock', async () => {
    const holder = await holdLock(database.url, 'LOCK TABLE probe IN ACCESS EXCLUSIVE MODE');
    try {
      const [first, second] = sendPipelined(client, [statement('SELECT $1::int AS a', [1]), statement('SELECT 2 AS b')], [statement('SELECT count(*) >= 0 AS counted FROM probe')]);
      expect(await first).toEqual([[{ a: 1 }], [{ b: 2 }]]);
      let secondDone = false;
      void second.then(() => (secondDone = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(secondDone).toBe(false);
      await holder.release();
      expect(await second).toEqual([[{ counted: true }]]);
    } finally {
      await holder.end();
    }
    // Each fails on its own; the connection stays usable for the next query.
    const [failed, after] = sendPipelined(client, [statement('SELECT 1 / 0')], [statement('SELECT 3 AS c')]);
    await expect(failed).rejects.toThrow(/division by zero/);
    expect(await after).toEqual([[{ c: 3 }]]);
    const [fine, failedSecond] = sendPipelined(client, [statement('SELECT 4 AS d')], [statement('SELECT 1 / 0')]);
    expect(await fine).toEqual([[{ d: 4 }]]);
    await expect(failedSecond).rejects.toThrow(/division by zero/);
    expect(await sendStatements(client, [statement('SELECT 5 AS e')])).toEqual([[{ e: 5 }]]);
    // node-pg's read timeout would drop the second query from its queue once written.
    const timed = new pg.Client({ connectionString: database.url, query_timeout: 1000 });
    expect(() => sendPipelined(timed, [statement('SELECT 1')], [statement('SELECT 2')])).toThrow(/query_timeout/);
  });

  it('quotes exactly as the driver’s escapeLiteral does', () => {
    for (const text of [...HOSTILE_TEXTS, "\\'", "''\\\\", '\\']) expect(quoteLiteral(text)).toBe(pg.escapeLiteral(text));
  });

  it('refuses a placeholder without a value', () => {
    expect(() => inlineValues(statement('SELECT $1, $2', ['only one']))).toThrow(/no value for \$2/);
  });
});

describe('runOrderedWrite', () => {
  let database: { url: string; drop(): Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 1 });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE ledger (id int PRIMARY KEY, note text NOT NULL)');
    const runner = dataSource.createQueryRunner();
    await new OrderedWriteAssumptions1796800000000().up(runner);
    await runner.release();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('commits the final statements and hands their rows over; rolls back everything when one fails', async () => {
    const answer = await runOrderedWrite(dataSource, {
      reads: [statement('SELECT count(*)::int AS n FROM ledger')],
      work: (publishedAt, [[before]]) => {
        expect(before.n).toBe(0);
        expect(publishedAt).toBeInstanceOf(Date);
        return {
          final: [
            statement('INSERT INTO ledger VALUES ($1, $2) RETURNING note', [1, 'inserted with COMMIT']),
            { copy: 'COPY ledger (id, note) FROM STDIN', rows: '2\tcopied with COMMIT\n' },
          ],
          committed: (rows) => rows,
        };
      },
    });
    expect(answer).toEqual([[{ note: 'inserted with COMMIT' }], []]);

    await expect(
      runOrderedWrite(dataSource, {
        reads: [],
        work: () => ({
          final: [statement('INSERT INTO ledger VALUES ($1, $2)', [3, 'rolled back']), { copy: 'COPY ledger (id, note) FROM STDIN', rows: '1\tduplicate key\n' }],
          committed: () => 'unreachable',
        }),
      }),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      runOrderedWrite(dataSource, {
        reads: [],
        work: async () => {
          throw new Error('work failed');
        },
      }),
    ).rejects.toThrow('work failed');
    await expect(
      runOrderedWrite(dataSource, {
        reads: [statement('SELECT 1 / 0')],
        begun: () => {},
        work: () => ({ final: [], committed: () => 'unreachable' }),
      }),
    ).rejects.toThrow(/division by zero/);

    // The only pooled connection came back usable, outside any transaction.
    expect(await dataSource.query('SELECT id, note FROM ledger ORDER BY id')).toEqual([
      { id: 1, note: 'inserted with COMMIT' },
      { id: 2, note: 'copied with COMMIT' },
    ]);
    expect(await dataSource.query('SELECT pg_current_xact_id_if_assigned() IS NULL AS idle')).toEqual([{ idle: true }]);
  });

  it('fails, and leaves the pool usable, when its connection is lost while it waits for the lock', async () => {
    const holder = await holdLock(database.url, 'SELECT pg_advisory_xact_lock(7170001)');
    try {
      let begun = false;
      const write = runOrderedWrite(dataSource, {
        reads: [],
        begun: () => void (begun = true),
        work: () => ({ final: [], committed: () => 'unreachable' }),
      });
      const failure = expect(write).rejects.toThrow(/terminat/);
      await waitFor(() => begun);
      const holderClient = new pg.Client({ connectionString: database.url });
      await holderClient.connect();
      try {
        const { rows } = await holderClient.query(
          // This database only: on a shared server other suites' transactions wait for the same lock.
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database()`,
        );
        expect(rows).toEqual([{ done: true }]);
      } finally {
        await holderClient.end();
      }
      await failure;
    } finally {
      await holder.end();
    }
    const answer = await runOrderedWrite(dataSource, { reads: [statement('SELECT 7 AS n')], work: (_at, [[read]]) => ({ final: [], committed: () => read.n }) });
    expect(answer).toBe(7);
  });

  it('sends the work begun returns with the lock and COMMIT, without reading, once the lock is free', async () => {
    const holder = await holdLock(database.url, 'SELECT pg_advisory_xact_lock(7170001)');
    try {
      let begunAs: { at: Date; transaction: string } | undefined;
      let sent = false;
      const write = runOrderedWrite(dataSource, {
        assuming: true,
        reads: [statement('SELECT 1 / 0')],
        begun: (at, transaction) => {
          begunAs = { at, transaction };
          return {
            final: [statement(`SELECT ordered_write_assumes(true, 'nothing') AS holds`), statement(`INSERT INTO ledger VALUES (20, 'assumed') RETURNING now() AS now`)],
            committed: (rows) => rows,
          };
        },
        work: () => {
          throw new Error('read instead');
        },
        lastRoundTripSent: () => void (sent = true),
      });
      await waitFor(() => sent);
      // The only pooled connection is the write's: another looks, until the write waits for the lock.
      const looker = new pg.Client({ connectionString: database.url });
      await looker.connect();
      try {
        for (let waits = 0; waits === 0; await new Promise((resolve) => setTimeout(resolve, 10))) {
          const { rows } = await looker.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          waits = rows[0].n;
        }
        expect(await looker.query('SELECT count(*)::int AS n FROM ledger WHERE id = 20')).toMatchObject({ rows: [{ n: 0 }] });
      } finally {
        await looker.end();
      }
      await holder.release();
      expect(await write).toEqual([[{ holds: true }], [{ now: begunAs!.at }]]);
      // The id it was begun with is the one its rows carry, which the next transaction's read and assumption leave out.
      expect(await dataSource.query(`SELECT xmin::text AS written_by FROM ledger WHERE id = 20`)).toEqual([{ written_by: begunAs!.transaction }]);
    } finally {
      await holder.end();
    }
  });

  it('fails with AssumptionFailed, writing nothing, when an assumption no longer holds; the pool stays usable', async () => {
    const failure: unknown = await runOrderedWrite(dataSource, {
      assuming: true,
      reads: [],
      begun: () => ({
        final: [statement(`INSERT INTO ledger VALUES (21, 'not kept')`), statement(`SELECT ordered_write_assumes(false, 'the ledger had no row 21')`)],
        committed: () => 'unreachable',
      }),
      work: () => ({ final: [], committed: () => 'unreachable' }),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AssumptionFailed);
    expect((failure as AssumptionFailed).message).toMatch(/assumed that the ledger had no row 21, which no longer holds/);
    expect(((failure as AssumptionFailed).failure as { code?: string }).code).toBe('KA001');
    expect(await dataSource.query('SELECT count(*)::int AS n FROM ledger WHERE id = 21')).toEqual([{ n: 0 }]);
    expect(await dataSource.query('SELECT pg_current_xact_id_if_assigned() IS NULL AS idle')).toEqual([{ idle: true }]);
  });

  it('reads and works as usual when begun, assuming, returns no work', async () => {
    const answer = await runOrderedWrite(dataSource, {
      assuming: true,
      reads: [statement('SELECT 8 AS n')],
      begun: () => undefined,
      work: (_at, [[read]]) => ({ final: [statement(`INSERT INTO ledger VALUES (22, 'read first')`)], committed: () => read.n }),
    });
    expect(answer).toBe(8);
    expect(await dataSource.query('SELECT note FROM ledger WHERE id = 22')).toEqual([{ note: 'read first' }]);
  });

  it('tells its timestamp while another holds the lock, and stamps its rows with it', async () => {
    const holder = await holdLock(database.url, 'SELECT pg_advisory_xact_lock(7170001)');
    try {
      const steps: string[] = [];
      let begunAt: Date | undefined;
      const write = runOrderedWrite(dataSource, {
        reads: [statement('SELECT now() AS now')],
        begun: (publishedAt) => {
          begunAt = publishedAt;
          steps.push('begun');
        },
        work: (publishedAt, [[read]]) => {
          steps.push('work');
          expect(read.now).toEqual(publishedAt);
          return { final: [statement(`INSERT INTO ledger VALUES (10, 'stamped') RETURNING now() AS now`)], committed: ([[row]]) => row.now as Date };
        },
      });
      await waitFor(() => steps.length > 0);
      expect(steps).toEqual(['begun']);
      await holder.release();
      const stamped = await write;
      expect(steps).toEqual(['begun', 'work']);
      expect(stamped).toEqual(begunAt);
    } finally {
      await holder.end();
    }
  });
});

/** Another connection holding a lock (taken by `lockSql` in its transaction) until `release`. */
async function holdLock(url: string, lockSql: string): Promise<{ release(): Promise<void>; end(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(lockSql);
  return {
    release: async () => void (await client.query('COMMIT')),
    end: () => client.end(),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
