import { OrgKind } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { signal { id } } }`;
const AGGREGATES = `query($from: DateTime!, $to: DateTime!, $bucket: AggregateBucket!, $groupBy: [AggregateDimension!]) {
  aggregates(from: $from, to: $to, bucket: $bucket, groupBy: $groupBy) {
    k everyCellShown gridComplete cells { bucketStart kind region service suppressed signalCount orgCount affectedUsers }
  }
}`;

const MATRIX = `query($from: DateTime!, $to: DateTime!, $bucket: AggregateBucket!, $groupBy: [AggregateDimension!]) {
  aggregateMatrix(from: $from, to: $to, bucket: $bucket, groupBy: $groupBy) {
    k everyCellShown bucketStarts axes { dimension values } signalCounts orgCounts affectedUsers
  }
}`;

const HOUR = '2023-02-01T05:00:00.000Z';
const range = { from: HOUR, to: '2023-02-01T06:00:00.000Z', bucket: 'HOUR' };

describe('cross-carrier aggregates with k-suppression', () => {
  let hub: TestHub;
  let m: Record<'a' | 'b' | 'c' | 'd' | 'isac' | 'partner' | 'ministry', Member>;

  /** region -> label -> publishing members, and signals each publishes there. */
  const plan: [string, string, ('a' | 'b' | 'c' | 'd')[], number][] = [
    ['13', 'GREEN', ['a', 'b', 'c'], 2],
    ['27', 'GREEN', ['a', 'b'], 1],
    ['40', 'AMBER', ['a', 'b', 'c', 'd'], 1],
    ['30', 'AMBER_STRICT', ['a', 'b', 'c'], 1],
  ];

  beforeAll(async () => {
    hub = await startTestHub();
    m = await seedMembers(hub, {
      a: { kind: OrgKind.CARRIER },
      b: { kind: OrgKind.CARRIER },
      c: { kind: OrgKind.CARRIER },
      d: { kind: OrgKind.CARRIER },
      isac: { kind: OrgKind.ISAC },
      partner: { kind: OrgKind.PARTNER },
      ministry: { kind: OrgKind.MINISTRY },
    });
    for (const [region, tlp, publishers, perOrg] of plan) {
      for (const name of publishers) {
        const signals = Array.from({ length: perOrg }, (_, i) =>
          trafficDrop({
            tlp,
            regions: [region],
            observedStart: new Date(Date.parse(HOUR) + (10 + i) * 60_000).toISOString(),
            observedEnd: null,
            trafficDrop: { dropPercent: 10, peerAsn: 65100 + Number(region), affectedUsers: 1000 },
          }),
        );
        await graphqlOk(hub.url, PUBLISH, { signals }, { token: m[name].token });
      }
    }
  });

  afterAll(() => hub?.close());

  const cellsFor = async (member: Member | null, groupBy: string[]) =>
    (await graphqlOk(hub.url, AGGREGATES, { ...range, groupBy }, member ? { token: member.token } : {})).aggregates;

  it('shows the ministry every cell with exact numbers', async () => {
    const result = await cellsFor(m.ministry, ['REGION']);
    expect(result.everyCellShown).toBe(true);
    const byRegion = Object.fromEntries(result.cells.map((cell: any) => [cell.region, cell]));
    expect(byRegion['13']).toMatchObject({ suppressed: false, signalCount: 6, orgCount: 3, affectedUsers: 6000 });
    expect(byRegion['27']).toMatchObject({ suppressed: false, signalCount: 2, orgCount: 2 });
    expect(byRegion['30']).toMatchObject({ suppressed: false, signalCount: 3, orgCount: 3 });
    expect(byRegion['40']).toMatchObject({ suppressed: false, signalCount: 4, orgCount: 4 });
    const total = (await cellsFor(m.ministry, [])).cells;
    expect(total).toEqual([expect.objectContaining({ signalCount: 15, orgCount: 4, suppressed: false })]);
  });

  /** What each tier may count, restated from the brief: AMBER for carriers and ISAC only; never AMBER_STRICT. */
  const expectations: [string, 'a' | 'isac' | 'partner' | null, Record<string, number | 'suppressed'>][] = [
    ['carrier', 'a', { '13': 6, '27': 'suppressed', '40': 4, '30': 'suppressed', '01': 'suppressed' }],
    ['ISAC', 'isac', { '13': 6, '27': 'suppressed', '40': 4, '30': 'suppressed', '01': 'suppressed' }],
    ['partner', 'partner', { '13': 6, '27': 'suppressed', '40': 'suppressed', '30': 'suppressed', '01': 'suppressed' }],
    ['anonymous', null, { '13': 'suppressed', '27': 'suppressed', '40': 'suppressed', '30': 'suppressed', '01': 'suppressed' }],
  ];

  it.each(expectations)('withholds small and empty cells alike from a %s viewer', async (_tier, name, expected) => {
    const result = await cellsFor(name ? m[name] : null, ['REGION', 'KIND']);
    expect(result).toMatchObject({ k: 3, everyCellShown: false, gridComplete: true });
    expect(result.cells).toHaveLength(49 * 4);
    for (const cell of result.cells) {
      if (cell.suppressed) expect([cell.signalCount, cell.orgCount, cell.affectedUsers]).toEqual([null, null, null]);
      else expect(cell.orgCount).toBeGreaterThanOrEqual(3);
    }
    for (const [region, value] of Object.entries(expected)) {
      const cell = result.cells.find((c: any) => c.region === region && c.kind === 'TRAFFIC_DROP');
      if (value === 'suppressed') expect(cell).toMatchObject({ suppressed: true, signalCount: null });
      else expect(cell).toMatchObject({ suppressed: false, signalCount: value });
    }
  });

  const matrixFor = async (member: Member | null, variables: Record<string, unknown>) =>
    (await graphqlOk(hub.url, MATRIX, variables, member ? { token: member.token } : {})).aggregateMatrix;

  it.each([
    ['ministry', 'ministry'],
    ['carrier', 'a'],
    ['partner', 'partner'],
  ] as const)('lays out the same counts as a dense matrix for a %s viewer', async (_tier, name) => {
    const groupBy = ['KIND', 'REGION'];
    const { cells } = await cellsFor(m[name], groupBy);
    const matrix = await matrixFor(m[name], { ...range, groupBy });
    const [kinds, regions] = matrix.axes.map((axis: any) => axis.values);
    expect(matrix.axes.map((axis: any) => axis.dimension)).toEqual(groupBy);
    expect(matrix.bucketStarts).toEqual([HOUR]);
    expect(matrix.signalCounts).toHaveLength(kinds.length * regions.length);
    const shown = cells.filter((cell: any) => !cell.suppressed);
    expect(shown.length).toBeGreaterThan(0);
    for (const kind of kinds) {
      for (const region of regions) {
        const index = kinds.indexOf(kind) * regions.length + regions.indexOf(region);
        const cell = shown.find((c: any) => c.kind === kind && c.region === region);
        const expected = cell ? [cell.signalCount, cell.orgCount, cell.affectedUsers] : name === 'ministry' ? [0, 0, 0] : [null, null, null];
        expect([matrix.signalCounts[index], matrix.orgCounts[index], matrix.affectedUsers[index]]).toEqual(expected);
      }
    }
  });

  it('answers the same matrix over graphql-ws, where no HTTP stringifier splices the columns in', async () => {
    const variables = { ...range, groupBy: ['KIND', 'REGION'] };
    const overHttp = await matrixFor(m.a, variables);
    const live = await subscribe(hub.wsUrl, { token: m.a.token }, MATRIX, variables);
    try {
      const [answer] = await live.waitFor(1);
      expect(live.errors).toEqual([]);
      expect(answer.aggregateMatrix).toEqual(overHttp);
    } finally {
      await live.dispose();
    }
  });

  it('counts a signal published after the grid was last read', async () => {
    const before = (await cellsFor(m.ministry, ['REGION'])).cells.find((cell: any) => cell.region === '13');
    const matrixBefore = await matrixFor(m.ministry, { ...range, groupBy: ['REGION'] });
    const column13 = matrixBefore.axes[0].values.indexOf('13');
    expect(matrixBefore.signalCounts[column13]).toBe(before.signalCount);
    const late = trafficDrop({
      tlp: 'GREEN',
      regions: ['13'],
      observedStart: new Date(Date.parse(HOUR) + 50 * 60_000).toISOString(),
      observedEnd: null,
      trafficDrop: { dropPercent: 10, peerAsn: 65199, affectedUsers: 500 },
    });
    await graphqlOk(hub.url, PUBLISH, { signals: [late] }, { token: m.d.token });
    const after = (await cellsFor(m.ministry, ['REGION'])).cells.find((cell: any) => cell.region === '13');
    expect(after).toMatchObject({ signalCount: before.signalCount + 1, orgCount: before.orgCount + 1, affectedUsers: before.affectedUsers + 500 });
    const matrixAfter = await matrixFor(m.ministry, { ...range, groupBy: ['REGION'] });
    expect([matrixAfter.signalCounts[column13], matrixAfter.orgCounts[column13], matrixAfter.affectedUsers[column13]]).toEqual([
      after.signalCount,
      after.orgCount,
      after.affectedUsers,
    ]);
    const day = await matrixFor(m.ministry, { from: '2023-02-01T10:00:00Z', to: '2023-02-01T11:00:00Z', bucket: 'DAY', groupBy: ['REGION'] });
    expect(day.bucketStarts).toEqual(['2023-01-31T15:00:00.000Z']);
    expect(day.signalCounts[day.axes[0].values.indexOf('13')]).toBe(after.signalCount);
  });

  it('breaks counts down by service with the same suppression', async () => {
    const ministry = await cellsFor(m.ministry, ['SERVICE']);
    expect(ministry.cells).toEqual([expect.objectContaining({ service: expect.any(String), suppressed: false, orgCount: 4 })]);
    const carrier = await matrixFor(m.a, { ...range, groupBy: ['SERVICE', 'REGION'] });
    const regions = carrier.axes[1].values;
    expect(carrier.signalCounts[regions.indexOf('13')]).toBeGreaterThanOrEqual(6);
    expect(carrier.signalCounts[regions.indexOf('27')]).toBeNull();
  });

  it('counts every signal of a batch large enough to be copied in, and a repeated one once', async () => {
    const hour = '2023-02-03T05:00:00.000Z';
    const signal = (n: number) =>
      trafficDrop({
        sourceRef: `copied-${n}`,
        regions: ['13'],
        observedStart: new Date(Date.parse(hour) + (n % 60) * 60_000).toISOString(),
        observedEnd: null,
        trafficDrop: { dropPercent: 10, peerAsn: 65113, affectedUsers: 2 },
      });
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => signal(from + i));
    await graphqlOk(hub.url, PUBLISH, { signals: batch(0, 300) }, { token: m.a.token });
    // 100 repeats: the transaction draws 300 positions and stores 200, leaving a gap.
    await graphqlOk(hub.url, PUBLISH, { signals: batch(200, 500) }, { token: m.a.token });
    await graphqlOk(hub.url, PUBLISH, { signals: batch(500, 501) }, { token: m.a.token });
    const result = await graphqlOk(
      hub.url,
      AGGREGATES,
      { from: hour, to: '2023-02-03T06:00:00.000Z', bucket: 'HOUR', groupBy: ['REGION'] },
      { token: m.ministry.token },
    );
    expect(result.aggregates.cells).toEqual([expect.objectContaining({ region: '13', signalCount: 501, orgCount: 1, affectedUsers: 1002 })]);
  });

  it('refuses a reversed range naming the field', async () => {
    const response = await graphql(hub.url, AGGREGATES, { from: range.to, to: range.from, bucket: 'DAY' }, { token: m.ministry.token });
    expect(response.errors![0].extensions!.fieldErrors[0].field).toBe('to');
  });
});
