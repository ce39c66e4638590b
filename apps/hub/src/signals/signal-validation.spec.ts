import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compileValidityCheck } from '../common/validity-check.js';
import { SignalInput } from './dto/signal.input.js';
import { DETAILS_FIELDS } from './signal-details.js';
import { validateSignalBatch, validateSignalBatchYielding } from './signal-validation.js';

/** The hub's clock during these specs: 2017-08-25 13:00 JST. */
const NOW = new Date('2017-08-25T04:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const RECIPIENT = '0b4f3c7e-1f6a-4b8e-9a39-3f2d5c1e7a10';

/** Plain objects as GraphQL delivers them: enums as strings, DateTime as Date. */
const common = {
  sourceRef: 'noc-2017-08-25-001',
  severity: 'MAJOR',
  tlp: 'AMBER',
  observedStart: minutes(-38),
  observedEnd: null,
  regions: ['13'],
  service: 'internet',
  text: '接続ISPとのトラフィックが約20%減少',
};

const VALID: Record<string, Record<string, unknown>> = {
  TRAFFIC_DROP: { ...common, kind: 'TRAFFIC_DROP', trafficDrop: { dropPercent: 20, peerAsn: 2516, affectedUsers: 1200 } },
  ROUTE_ANOMALY: {
    ...common,
    kind: 'ROUTE_ANOMALY',
    regions: ['NATIONWIDE'],
    routeAnomaly: {
      anomalyType: 'ROUTE_LEAK',
      prefixes: ['203.0.113.0/24', '2001:db8::/32'],
      originAsn: 4713,
      leakingAsn: 15169,
      asPath: [2516, 3356, 15169],
      prefixCount: 107000,
    },
  },
  RESOLVER_FAILURE: {
    ...common,
    kind: 'RESOLVER_FAILURE',
    service: 'dns',
    resolverFailure: { resolverRole: 'RECURSIVE', failureMode: 'RESPONSE_DROP', failureRate: 35.5, domains: ['example.jp'] },
  },
  SERVICE_OUTAGE: {
    ...common,
    kind: 'SERVICE_OUTAGE',
    service: 'mail',
    observedEnd: minutes(-5),
    serviceOutage: { symptom: 'DELIVERY_FAILURE', affectedUsers: 5000 },
  },
  MAINTENANCE: {
    ...common,
    kind: 'MAINTENANCE',
    severity: 'INFO',
    tlp: 'GREEN',
    observedStart: minutes(600),
    maintenance: { plannedStart: minutes(600), plannedEnd: minutes(720), description: 'ACL change on core routers' },
  },
};

const validate = (...items: object[]) => validateSignalBatch(items, NOW);
/** Each distinct (index, field) pair reported, sorted. */
const places = (items: object[]) => [...new Set(validate(...items).errors.map((e) => `[${e.index}].${e.field}`))].sort();

describe('validateSignalBatch', () => {
  it.each(Object.entries(VALID))('accepts a valid %s signal', (_kind, input) => {
    const { errors, inputs } = validate(input);
    expect(errors).toEqual([]);
    expect(inputs).toHaveLength(1);
  });

  it.each([
    ['RED with a named recipient', { ...VALID.TRAFFIC_DROP, tlp: 'RED', recipientOrgIds: [RECIPIENT] }],
    ['an end equal to the start', { ...VALID.TRAFFIC_DROP, observedEnd: VALID.TRAFFIC_DROP.observedStart }],
    ['text of exactly 4000 characters', { ...VALID.TRAFFIC_DROP, text: 'あ'.repeat(4000) }],
    ['a maintenance window starting two hours ahead', { ...VALID.MAINTENANCE, observedStart: minutes(120) }],
    ['dropPercent of 100', { ...VALID.TRAFFIC_DROP, trafficDrop: { dropPercent: 100 } }],
    ['region 01 and region 47', { ...VALID.TRAFFIC_DROP, regions: ['01', '47'] }],
  ])('accepts %s', (_case, input) => {
    expect(validate(input).errors).toEqual([]);
  });

  it('accepts a batch holding every kind at once', () => {
    const batch = Object.values(VALID).map((input, i) => ({ ...input, sourceRef: `ref-${i}` }));
    const { errors, inputs } = validate(...batch);
    expect(errors).toEqual([]);
    expect(inputs).toHaveLength(5);
  });

  it('keeps DateTime fields as dates in the typed inputs', () => {
    const [input] = validate(VALID.MAINTENANCE).inputs;
    expect(input.observedStart).toBeInstanceOf(Date);
    expect(input.observedStart.getTime()).toBe(minutes(600).getTime());
    expect(input.maintenance?.plannedEnd).toBeInstanceOf(Date);
  });

  const route = (details: Record<string, unknown>) => ({
    ...VALID.ROUTE_ANOMALY,
    routeAnomaly: { anomalyType: 'MORE_SPECIFIC', prefixes: ['203.0.113.0/24'], ...details },
  });
  const { trafficDrop: _omitDrop, ...dropWithoutDetails } = VALID.TRAFFIC_DROP;

  it.each<[string, Record<string, unknown>, string]>([
    ['details missing for the kind', dropWithoutDetails, 'trafficDrop'],
    ['details missing (null) for the kind', { ...VALID.TRAFFIC_DROP, trafficDrop: null }, 'trafficDrop'],
    ['details for a different kind', { ...VALID.TRAFFIC_DROP, serviceOutage: { symptom: 'UNREACHABLE' } }, 'serviceOutage'],
    ['TLP:RED without recipients', { ...VALID.TRAFFIC_DROP, tlp: 'RED' }, 'recipientOrgIds'],
    ['TLP:RED with an empty recipient list', { ...VALID.TRAFFIC_DROP, tlp: 'RED', recipientOrgIds: [] }, 'recipientOrgIds'],
    ['recipients on an AMBER signal', { ...VALID.TRAFFIC_DROP, recipientOrgIds: [RECIPIENT] }, 'recipientOrgIds'],
    ['observedEnd before observedStart', { ...VALID.TRAFFIC_DROP, observedEnd: minutes(-60) }, 'observedEnd'],
    ['region 48', { ...VALID.TRAFFIC_DROP, regions: ['13', '48'] }, 'regions'],
    ['region 00', { ...VALID.TRAFFIC_DROP, regions: ['00'] }, 'regions'],
    ['dropPercent 0', { ...VALID.TRAFFIC_DROP, trafficDrop: { dropPercent: 0 } }, 'trafficDrop.dropPercent'],
    ['dropPercent 101', { ...VALID.TRAFFIC_DROP, trafficDrop: { dropPercent: 101 } }, 'trafficDrop.dropPercent'],
    ['prefix length 33', route({ prefixes: ['203.0.113.0/33'] }), 'routeAnomaly.prefixes'],
    ['a prefix that is not one', route({ prefixes: ['203.0.113.0/24', 'not-a-prefix'] }), 'routeAnomaly.prefixes'],
    ['prefixCount below the prefixes listed', route({ prefixes: ['192.0.2.0/24', '198.51.100.0/24'], prefixCount: 1 }), 'routeAnomaly.prefixCount'],
    [
      'maintenance ending before it starts',
      { ...VALID.MAINTENANCE, maintenance: { plannedStart: minutes(720), plannedEnd: minutes(600) } },
      'maintenance.plannedEnd',
    ],
    ['sourceRef with spaces', { ...VALID.TRAFFIC_DROP, sourceRef: 'noc 2017 001' }, 'sourceRef'],
    ['service in upper case', { ...VALID.TRAFFIC_DROP, service: 'Internet' }, 'service'],
    ['text over 4000 characters', { ...VALID.TRAFFIC_DROP, text: 'a'.repeat(4001) }, 'text'],
    ['observedStart two hours in the future', { ...VALID.TRAFFIC_DROP, observedStart: minutes(120) }, 'observedStart'],
  ])('rejects %s, naming the field', (_case, input, field) => {
    const batch = [{ ...VALID.SERVICE_OUTAGE, sourceRef: 'first-item' }, input];
    expect(places(batch)).toEqual([`[1].${field}`]);
    for (const error of validate(...batch).errors) expect(error.message).toMatch(/\S/);
  });

  it('rejects a sourceRef repeated within a batch, on the later item only', () => {
    const first = { ...VALID.TRAFFIC_DROP, sourceRef: 'dup' };
    const other = { ...VALID.SERVICE_OUTAGE, sourceRef: 'unique' };
    const again = { ...VALID.ROUTE_ANOMALY, sourceRef: 'dup' };
    expect(places([first, other, again])).toEqual(['[2].sourceRef']);
  });

  it('reports every bad item of a batch with its own index', () => {
    const batch = [
      { ...VALID.TRAFFIC_DROP, sourceRef: 'a' },
      { ...VALID.TRAFFIC_DROP, sourceRef: 'b', regions: ['48'] },
      { ...VALID.MAINTENANCE, sourceRef: 'c' },
      { ...VALID.TRAFFIC_DROP, sourceRef: 'd', trafficDrop: { dropPercent: 101 }, service: 'DNS' },
    ];
    expect(places(batch)).toEqual(['[1].regions', '[3].service', '[3].trafficDrop.dropPercent']);
  });
});

describe('validateSignalBatchYielding', () => {
  it('reports the same errors with the same indexes as the one-pass validation, across slices', async () => {
    const items = Array.from({ length: 600 }, (_, i) =>
      i === 10 || i === 520 ? { ...VALID.TRAFFIC_DROP, sourceRef: `ref-${i}`, regions: ['99'] } : { ...VALID.TRAFFIC_DROP, sourceRef: i === 555 ? 'ref-3' : `ref-${i}` },
    );
    const yielded = await validateSignalBatchYielding(items, NOW);
    expect(yielded.errors).toEqual(validateSignalBatch(items, NOW).errors);
    expect(yielded.errors.map((error) => `${error.index}.${error.field}`)).toEqual(['10.regions', '520.regions', '555.sourceRef']);
    expect(yielded.inputs).toHaveLength(600);
  });
});

describe('compileValidityCheck(SignalInput)', () => {
  const passes = compileValidityCheck(SignalInput);
  const classValidatorPasses = (item: object) => validateSync(plainToInstance(SignalInput, item), { forbidUnknownValues: false }).length === 0;
  const DATE_FIELDS = new Set(['observedStart', 'observedEnd', 'maintenance.plannedStart', 'maintenance.plannedEnd']);

  /** Values that break (or pass) one rule or another of the decorators. */
  const REPLACEMENTS: unknown[] = [
    undefined, null, '', ' ', 'x', 'a'.repeat(201), 'a'.repeat(4001), 'Internet', 'dns', 'noc 1', 'noc-1', 'é',
    0, -1, 0.005, 1, 1.5, 64, 100, 101, 1e7, 2e8, 3e8, Number.NaN, Number.POSITIVE_INFINITY, true, {}, [],
    ['13'], ['13', '13'], ['48'], ['NATIONWIDE', '01'], Array.from({ length: 50 }, (_, i) => String((i % 47) + 1).padStart(2, '0')),
    [RECIPIENT], [RECIPIENT, RECIPIENT], ['not-a-uuid'], Array.from({ length: 51 }, () => RECIPIENT),
    ['203.0.113.0/24'], ['203.0.113.0/33'], ['2001:db8::/32', 'not-a-prefix'], ['example.jp'], ['example..jp'], ['example.jp', 'example.jp'],
    [1, 2, 3], Array.from({ length: 65 }, () => 1), new Date('2017-08-25T03:00:00Z'), new Date(Number.NaN), '2017-08-25T03:00:00Z',
    { dropPercent: 20 }, { symptom: 'UNREACHABLE' },
  ];

  /** Every top-level field and every details field of every kind, each set to every replacement. */
  function* mutations(): Generator<[string, Record<string, unknown>]> {
    for (const [kind, valid] of Object.entries(VALID)) {
      yield [`${kind} as is`, valid];
      for (const [field, value] of Object.entries(valid)) {
        const paths = value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
          ? [field, ...Object.keys(value).map((key) => `${field}.${key}`), `${field}.missing`]
          : [field];
        for (const path of [...paths, 'recipientOrgIds']) {
          for (const replacement of REPLACEMENTS) {
            const [head, tail] = path.split('.');
            const item = tail
              ? { ...valid, [head]: { ...(valid[head] as object), [tail]: replacement } }
              : { ...valid, [head]: replacement };
            yield [`${kind} with ${path} = ${String(replacement).slice(0, 20)}`, item];
          }
        }
      }
    }
  }

  it('agrees with class-validator on thousands of generated signals, except values class-transformer would convert', () => {
    const verdicts = { passed: 0, failed: 0, convertedDates: 0 };
    for (const [name, item] of mutations()) {
      const expected = classValidatorPasses(item);
      const actual = passes(item);
      const convertedDate = [...DATE_FIELDS].some((path) => {
        const [head, tail] = path.split('.');
        const value = tail ? (item[head] as Record<string, unknown> | undefined)?.[tail] : item[head];
        return value !== null && value !== undefined && !(value instanceof Date);
      }) || DETAILS_FIELDS.some((field) => item[field] instanceof Date);
      if (convertedDate && expected && !actual) {
        verdicts.convertedDates += 1;
        continue;
      }
      if (actual !== expected) throw new Error(`${name}: compiled ${actual}, class-validator ${expected}`);
      verdicts[actual ? 'passed' : 'failed'] += 1;
    }
    expect(verdicts.passed).toBeGreaterThan(500);
    expect(verdicts.failed).toBeGreaterThan(1000);
    expect(verdicts.convertedDates).toBeGreaterThan(0);
  });

  it('leaves a date given as text to class-validator, which converts it', () => {
    const item = { ...VALID.TRAFFIC_DROP, observedStart: (VALID.TRAFFIC_DROP.observedStart as Date).toISOString() };
    expect(passes(item)).toBe(false);
    expect(validate(item).errors).toEqual([]);
    expect(validate(item).inputs[0].observedStart).toBeInstanceOf(Date);
  });
});
