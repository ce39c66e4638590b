import pg from 'pg';
import { OrgKind } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { signal { id } incident { id } } }`;
const INCIDENT = `query($id: ID!) { incident(id: $id) { signalCount status orgCount } }`;
/** Large enough to be copied: the next transaction then begins while this one's last round trip runs (SignalWriter). */
const BATCH = 250;
const quote = (id: string) => `'${id.replace(/'/g, "''")}'`;

/**
 * A publishing transaction that follows a copied one is correlated and written whole
 * before it holds the write lock, over the incidents as the transaction committing before
 * it will leave them, on assumptions it checks first under the lock; if one fails, its
 * signals are written again after a read. Each case holds the first transaction at its
 * COPY (a SHARE lock on the signal table) while the second begins and waits for the write
 * lock.
 */
describe('writes on assumptions', () => {
  let hub: TestHub;
  let m: Record<'ntt' | 'kddi', Member>;
  let holder: pg.Client;
  let hour = Date.parse('2022-06-01T00:00:00Z');

  beforeAll(async () => {
    hub = await startTestHub();
    m = await seedMembers(hub, { ntt: { kind: OrgKind.CARRIER, asns: [64500] }, kddi: { kind: OrgKind.CARRIER, asns: [64501] } });
    holder = new pg.Client({ connectionString: hub.databaseUrl });
    await holder.connect();
  });

  afterAll(async () => {
    await holder?.end();
    await hub?.close();
  });

  /** Drops in one region and peer, in an hour of their own, so that each case has its own incidents. */
  const scenario = (region: string, peerAsn: number) => {
    hour += 6 * 3600_000;
    const start = new Date(hour).toISOString();
    return (count: number, overrides: Record<string, unknown> = {}) =>
      Array.from({ length: count }, () => trafficDrop({ observedStart: start, observedEnd: null, regions: [region], trafficDrop: { dropPercent: 30, peerAsn }, ...overrides }));
  };
  const publish = (member: Member, signals: Record<string, unknown>[]) => graphql(hub.url, PUBLISH, { signals }, { token: member.token });
  const incident = async (id: string) => (await graphqlOk(hub.url, INCIDENT, { id }, { token: m.ntt.token })).incident;
  const incidentsOf = (response: Awaited<ReturnType<typeof publish>>) => new Set(response.data!.publishSignals.map((item: any) => item.incident.id));

  const assumed = async () => {
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const count = (outcome: string) => Number(new RegExp(`^kessetsu_writes_on_assumptions_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    return { committed: count('committed'), failed: count('failed') };
  };
  /** A single-signal publish: written by INSERT, it leaves the signal sequence unknown to the writer, so the next copied transaction reads first. */
  const settleWithSmallPublish = async () => expect((await publish(m.ntt, scenario('02', 64980)(1))).errors).toBeUndefined();
  const sequencesOf = async (response: Awaited<ReturnType<typeof publish>>) => {
    const ids = response.data!.publishSignals.map((item: any) => item.signal.id);
    const { rows } = await holder.query(`SELECT min(sequence)::bigint AS first, max(sequence)::bigint AS last FROM signal WHERE id = ANY($1::uuid[])`, [ids]);
    return { first: BigInt(rows[0].first), last: BigInt(rows[0].last) };
  };

  /** Waits until `count` connections wait for a lock of this type ('relation': the held table; 'advisory': the write lock). */
  const waiting = async (lockType: 'relation' | 'advisory', count = 1) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await holder.query(
        // This database only: on a shared server other suites' transactions wait for locks too.
        // By pg_locks alone: inside the holding transaction pg_stat_activity is a snapshot
        // taken when first read, without the connections the hub's pool opened since.
        `SELECT count(*)::int AS n FROM pg_locks l
         WHERE NOT l.granted AND l.locktype = $1 AND l.pid <> pg_backend_pid()
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [lockType],
      );
      if (rows[0].n >= count) return;
      if (Date.now() > deadline) {
        await holder.query('SELECT pg_stat_clear_snapshot()');
        const { rows: activity } = await holder.query(
          `SELECT a.pid, a.state, a.wait_event_type, a.wait_event, left(a.query, 80) AS query, (SELECT string_agg(l.locktype || ':' || l.mode || ':' || l.granted, ' ') FROM pg_locks l WHERE l.pid = a.pid) AS locks
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`,
        );
        throw new Error(`no transaction waits for a ${lockType} lock: ${JSON.stringify(activity)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  /** As `waiting`, failing at once with the publish's answer if it came first (an error, say). */
  const waitingUnlessAnswered = (lockType: 'relation' | 'advisory', answer: ReturnType<typeof publish>, count = 1) =>
    Promise.race([
      waiting(lockType, count),
      answer.then((answered) => {
        throw new Error(`answered before waiting for a ${lockType} lock: ${JSON.stringify(answered.errors ?? answered.data).slice(0, 500)}`);
      }),
    ]);

  /**
   * Publishes `first` and, once it waits at its COPY, `second`; lets both go once the
   * second waits for the write lock. `beforeSecond` runs once the first waits (and may
   * queue `waitingBeforeSecond` transactions for the write lock), `beforeRelease` once
   * the second waits.
   */
  const publishWhileFirstCommits = async (
    first: [Member, Record<string, unknown>[]],
    second: [Member, Record<string, unknown>[]],
    { beforeSecond = async () => {}, waitingBeforeSecond = 0, beforeRelease = async () => {} } = {},
  ) => {
    await holder.query('BEGIN');
    try {
      await holder.query('LOCK TABLE signal IN SHARE MODE');
      const firstAnswer = publish(...first);
      await waitingUnlessAnswered('relation', firstAnswer);
      await beforeSecond();
      const secondAnswer = publish(...second);
      await waitingUnlessAnswered('advisory', secondAnswer, waitingBeforeSecond + 1);
      await beforeRelease();
      await holder.query('COMMIT');
      return [await firstAnswer, await secondAnswer];
    } catch (error) {
      await holder.query('ROLLBACK');
      throw error;
    }
  };

  it('joins what the transaction before opened while it commits, written before its lock', async () => {
    const drops = scenario('13', 64990);
    await settleWithSmallPublish();
    const before = await assumed();
    const [first, second] = await publishWhileFirstCommits([m.ntt, drops(BATCH)], [m.kddi, drops(BATCH)]);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const [opened] = incidentsOf(first);
    expect(incidentsOf(second)).toEqual(new Set([opened]));
    expect(await incident(opened as string)).toEqual({ signalCount: 2 * BATCH, status: 'CROSS_CARRIER', orgCount: 2 });
    // The first read first (the sequence was unknown after the single-signal publish); the second did not.
    expect(await assumed()).toEqual({ committed: before.committed + 1, failed: before.failed });
    const [firstSequences, secondSequences] = [await sequencesOf(first), await sequencesOf(second)];
    expect(secondSequences.first).toBe(firstSequences.last + 1n);
  });

  // The first reads, and has drawn its sequences before it is refused (at its COPY, or at COMMIT by
  // a deferred trigger): only the check that it committed tells, without which the second would
  // count the first's signals into the incident both joined.
  it.each([
    ['at its COPY', `ALTER TABLE signal ADD CONSTRAINT test_refused CHECK (source_ref <> 'refused')`, `ALTER TABLE signal DROP CONSTRAINT IF EXISTS test_refused`],
    [
      'at its COMMIT',
      `CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$;
       CREATE CONSTRAINT TRIGGER test_refused AFTER INSERT ON signal DEFERRABLE INITIALLY DEFERRED
         FOR EACH ROW WHEN (NEW.source_ref = 'refused') EXECUTE FUNCTION test_refuse()`,
      `DROP TRIGGER IF EXISTS test_refused ON signal; DROP FUNCTION IF EXISTS test_refuse()`,
    ],
  ])('is written again when the transaction before fails %s: the incident both joined counts only its own signals', async (when, refuse, allow) => {
    const drops = scenario(when === 'at its COPY' ? '27' : '28', 64991);
    await holder.query(refuse);
    try {
      // A single-signal publish opens the incident both join (and leaves the sequence unknown, so the first reads).
      const [earlier] = (await graphqlOk(hub.url, PUBLISH, { signals: drops(1) }, { token: m.ntt.token })).publishSignals;
      const before = await assumed();
      const [first, second] = await publishWhileFirstCommits([m.ntt, [...drops(BATCH - 1), ...drops(1, { sourceRef: 'refused' })]], [m.kddi, drops(BATCH)]);
      expect(first.errors).toHaveLength(1);
      expect(second.errors).toBeUndefined();
      expect(incidentsOf(second)).toEqual(new Set([earlier.incident.id]));
      expect(await incident(earlier.incident.id)).toEqual({ signalCount: 1 + BATCH, status: 'CROSS_CARRIER', orgCount: 2 });
      expect(await assumed()).toEqual({ committed: before.committed, failed: before.failed + 1 });
    } finally {
      await holder.query(allow);
    }
  });

  it('is written again when some of its signals turn out to be stored by the transaction before', async () => {
    const drops = scenario('14', 64994);
    const firstSignals = drops(BATCH);
    await settleWithSmallPublish();
    const before = await assumed();
    const [first, second] = await publishWhileFirstCommits([m.ntt, firstSignals], [m.ntt, [...drops(BATCH - 1), firstSignals[0]]]);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data!.publishSignals[BATCH - 1].signal.id).toBe(first.data!.publishSignals[0].signal.id);
    const [opened] = incidentsOf(first);
    expect(incidentsOf(second)).toEqual(new Set([opened]));
    expect(await incident(opened as string)).toEqual({ signalCount: 2 * BATCH - 1, status: 'SINGLE_ORG', orgCount: 1 });
    expect(await assumed()).toEqual({ committed: before.committed, failed: before.failed + 1 });
  });

  it('is written again when another change came before its lock: nothing joins an incident resolved meanwhile', async () => {
    const drops = scenario('40', 64992);
    const elsewhere = scenario('01', 64993);
    const [earlier] = (await graphqlOk(hub.url, PUBLISH, { signals: drops(1) }, { token: m.ntt.token })).publishSignals;
    const resolved = earlier.incident.id as string;
    const before = await assumed();
    // As a resolution by another hub process or the quiet sweep writes it: under the write
    // lock, queued behind the first transaction and ahead of the second.
    const resolver = new pg.Client({ connectionString: hub.databaseUrl });
    await resolver.connect();
    let resolution: Promise<unknown> = Promise.resolve();
    const [first, second] = await publishWhileFirstCommits([m.ntt, elsewhere(BATCH)], [m.kddi, drops(BATCH)], {
      beforeSecond: async () => {
        resolution = resolver.query(`BEGIN; SELECT pg_advisory_xact_lock(7170001);
          UPDATE incident SET status = 'RESOLVED', resolved_at = now(), revision = nextval(pg_get_serial_sequence('incident', 'revision')) WHERE id = ${quote(resolved)};
          UPDATE incident_key SET open = false WHERE incident_id = ${quote(resolved)}; COMMIT`);
        await waiting('advisory');
      },
      waitingBeforeSecond: 1,
    });
    await resolution;
    await resolver.end();
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const opened = incidentsOf(second);
    expect(opened.size).toBe(1);
    expect(opened.has(resolved)).toBe(false);
    expect(await incident(resolved)).toEqual({ signalCount: 1, status: 'RESOLVED', orgCount: 1 });
    expect(await incident([...opened][0] as string)).toEqual({ signalCount: BATCH, status: 'SINGLE_ORG', orgCount: 1 });
    const after = await assumed();
    expect(after).toEqual({ committed: before.committed, failed: before.failed + 1 });

    // Right after others wrote, the next transaction reads first; once one reads no change
    // by others, those after it are written on assumptions again.
    const later = scenario('41', 64995);
    for (const signals of [later(BATCH), later(BATCH), later(BATCH)]) expect((await publish(m.ntt, signals)).errors).toBeUndefined();
    expect(await assumed()).toEqual({ committed: after.committed + 2, failed: after.failed });
  });

  it('is written again when someone else drew from the signal sequence: its signals follow what was drawn', async () => {
    const drops = scenario('33', 64996);
    await settleWithSmallPublish();
    const before = await assumed();
    let drawn = 0n;
    const [first, second] = await publishWhileFirstCommits([m.ntt, drops(BATCH)], [m.kddi, drops(BATCH)], {
      beforeRelease: async () => {
        const { rows } = await holder.query(`SELECT nextval(pg_get_serial_sequence('signal', 'sequence'))::text AS drawn`);
        drawn = BigInt(rows[0].drawn);
      },
    });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect((await sequencesOf(first)).last).toBeLessThan(drawn);
    expect((await sequencesOf(second)).first).toBeGreaterThan(drawn);
    const [opened] = incidentsOf(first);
    expect(incidentsOf(second)).toEqual(new Set([opened]));
    expect(await incident(opened as string)).toEqual({ signalCount: 2 * BATCH, status: 'CROSS_CARRIER', orgCount: 2 });
    expect(await assumed()).toEqual({ committed: before.committed, failed: before.failed + 1 });
  });
});
