import pg from 'pg';
import { OrgKind } from '@kessetsu/schema';
import { graphql } from './support/graphql-request.util.js';
import { spawnHubProcess } from './support/hub-process.util.js';
import { seedMembers } from './support/seed-orgs.util.js';
import { FEED, trafficDrop } from './support/signal-fixtures.util.js';
import { startRestartablePostgres, RestartablePostgres } from './support/restartable-postgres.util.js';
import { createTestDatabase, startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { duplicate signal { id } } }`;
const BATCH = 400;
const BATCHES = 8;

const batchOf = (n: number) =>
  Array.from({ length: BATCH }, (_, i) => trafficDrop({ sourceRef: `partner-${n}-${i}`, regions: [String((i % 47) + 1).padStart(2, '0')] }));

async function storedRefs(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(`SELECT source_ref FROM signal WHERE source_ref LIKE 'partner-%'`)).rows.map((row) => row.source_ref);
  } finally {
    await client.end();
  }
}

describe('nothing acknowledged is lost', () => {
  it('keeps every acknowledged signal exactly once when the hub is killed mid-batch and the partner retries', async () => {
    const database = await createTestDatabase();
    const seeder = await startTestHub({}, database.url);
    const { partner } = await seedMembers(seeder, { partner: { kind: OrgKind.PARTNER } });
    await seeder.close();

    let hub = await spawnHubProcess(database.url);
    const acknowledged = new Set<number>();
    let killed = false;
    for (let n = 0; n < BATCHES; n += 1) {
      const sending = graphql(hub.url, PUBLISH, { signals: batchOf(n) }, { token: partner.token }).then(
        (response) => (response.data ? acknowledged.add(n) : null),
        () => null,
      );
      if (n === 3) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        await hub.stop('SIGKILL');
        killed = true;
      }
      await sending;
      if (killed && !acknowledged.has(n)) break;
    }
    expect(killed).toBe(true);
    hub = await spawnHubProcess(database.url);
    for (let n = 0; n < BATCHES; n += 1) {
      const response = await graphql(hub.url, PUBLISH, { signals: batchOf(n) }, { token: partner.token });
      expect(response.errors).toBeUndefined();
      if (acknowledged.has(n)) expect(response.data!.publishSignals.every((result: any) => result.duplicate)).toBe(true);
    }
    await hub.stop();

    const refs = await storedRefs(database.url);
    expect(refs).toHaveLength(BATCH * BATCHES);
    expect(new Set(refs).size).toBe(BATCH * BATCHES);
    await database.drop();
  }, 120_000);

  describe('through a Postgres restart', () => {
    let postgres: RestartablePostgres;
    let hub: TestHub;

    beforeAll(async () => {
      postgres = await startRestartablePostgres();
      hub = await startTestHub({ HUB_FEED_POLL_MS: '200' }, postgres.url);
    }, 60_000);

    afterAll(async () => {
      await hub?.close().catch(() => undefined);
      await postgres?.destroy();
    });

    it('reconnects by itself, refuses nothing it acknowledged, and live subscribers miss nothing', async () => {
      const { partner, watcher } = await seedMembers(hub, { partner: { kind: OrgKind.CARRIER }, watcher: { kind: OrgKind.CARRIER } });
      const feed = await subscribe(hub.wsUrl, { token: watcher.token }, FEED, { filter: { services: ['restart-test'] } });
      const acknowledgedIds: string[] = [];
      let refusedAttempts = 0;
      const publishUntilAcknowledged = async (n: number) => {
        for (let attempt = 0; attempt < 100; attempt += 1) {
          const response = await graphql(hub.url, PUBLISH, { signals: [trafficDrop({ sourceRef: `restart-${n}`, service: 'restart-test' })] }, { token: partner.token }).catch(
            () => null,
          );
          if (response?.data) {
            acknowledgedIds.push(response.data.publishSignals[0].signal.id);
            return;
          }
          refusedAttempts += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`signal ${n} was never acknowledged`);
      };
      for (let n = 0; n < 5; n += 1) await publishUntilAcknowledged(n);
      await postgres.stop();
      const duringOutage = publishUntilAcknowledged(5);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await postgres.start();
      await duringOutage;
      for (let n = 6; n < 10; n += 1) await publishUntilAcknowledged(n);

      expect(refusedAttempts).toBeGreaterThan(0);
      const events = await feed.waitFor(10, 20_000);
      expect(events.map((event) => event.signalPublished.signal.id)).toEqual(acknowledgedIds);
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

      await hub.close();
      expect(await feed.closed).toBe(1001);
    }, 90_000);
  });
});
