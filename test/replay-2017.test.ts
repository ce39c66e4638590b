import { replay2017 } from '../apps/hub/src/replay/replay-2017.js';
import { SeedService } from '../apps/hub/src/seed/seed.service.js';
import { DEMO_PASSWORD } from '../apps/hub/src/seed/demo-organisations.js';
import { graphqlOk } from './support/graphql-request.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const UPDATES = `subscription { incidentUpdated { cursor incident { id status crossCarrier orgCount kinds participants { isViewerOrganization organization { name } } } } }`;

const login = async (hub: TestHub, email: string) =>
  (await graphqlOk(hub.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: DEMO_PASSWORD }))
    .login.accessToken as string;

/** The 2017-08-25 leak, replayed as the demo does: both carriers see one cross-carrier incident, fast. */
describe('2017 replay', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
    await hub.app.get(SeedService).seedDemo();
  });

  afterAll(() => hub?.close());

  it("puts NTT Com's traffic drop and KDDI's route leak in one cross-carrier incident on both feeds within a second", async () => {
    const ntt = await subscribe(hub.wsUrl, { token: await login(hub, 'noc@ntt-com.example') }, UPDATES);
    const kddi = await subscribe(hub.wsUrl, { token: await login(hub, 'noc@kddi.example') }, UPDATES);
    const crossOn = async (feed: typeof ntt) => {
      for (let waited = 0; waited < 10_000; waited += 20) {
        const update = feed.events.map((event) => event.incidentUpdated).find((u) => u.incident.crossCarrier);
        if (update) return { update, at: Date.now() };
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no cross-carrier update');
    };
    const watching = Promise.all([crossOn(ntt), crossOn(kddi)]);
    const lines: string[] = [];
    let kddiPublishedAt = 0;
    await replay2017({
      hubUrl: hub.url,
      speed: 60 * 10,
      historical: false,
      runId: 'test',
      log: (line) => {
        lines.push(line);
        if (line.includes('kddi') && line.includes('ROUTE_ANOMALY')) kddiPublishedAt = Date.now();
      },
    });
    expect(lines[1]).toMatch(/kddi\s+ROUTE_ANOMALY\s+-> incident CROSS_CARRIER, 1 other org/);

    const [seenByNtt, seenByKddi] = await watching;
    expect(seenByNtt.update.incident.id).toBe(seenByKddi.update.incident.id);
    const firstCrossForNtt = ntt.events.findIndex((event) => event.incidentUpdated.incident.crossCarrier);
    expect(firstCrossForNtt).toBeGreaterThanOrEqual(0);
    expect(seenByNtt.at - kddiPublishedAt).toBeLessThan(1000);
    expect(seenByKddi.at - kddiPublishedAt).toBeLessThan(1000);
    const participants = seenByNtt.update.incident.participants;
    expect(participants.filter((p: any) => p.organization !== null).map((p: any) => p.organization.name)).toEqual(['NTT Communications']);

    const final = ntt.events.at(-1).incidentUpdated.incident;
    expect(final).toMatchObject({ status: 'CROSS_CARRIER', orgCount: 3 });
    expect(final.kinds.sort()).toEqual(['ROUTE_ANOMALY', 'SERVICE_OUTAGE', 'TRAFFIC_DROP']);
    await ntt.dispose();
    await kddi.dispose();
  });
});
