import { OrgKind } from '@kessetsu/schema';
import { LIST, PUBLISH, routeAnomaly, trafficDrop } from './support/signal-fixtures.util.js';
import { seedMembers } from './support/seed-orgs.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

const DOCUMENTS = 10_000;
const CONCURRENCY = 8;
const SEED = Number(process.env.FUZZ_SEED ?? 20170825);

/** mulberry32: a small seeded generator, so a failing run can be repeated with FUZZ_SEED. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_DOCUMENTS = [
  PUBLISH,
  LIST,
  `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
  `query($id: ID!) { incident(id: $id) { id timeline { type } signals { id } plannedWork { id } } }`,
  `query($f: DateTime!, $t: DateTime!) { aggregates(from: $f, to: $t, bucket: HOUR, groupBy: [REGION, KIND]) { k cells { region suppressed } } }`,
  `{ incidents(first: 5) { edges { cursor node { id participants { pseudonym } } } } advisories { edges { node { id } } } me { email } }`,
  `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key } }`,
];

const WEIRD_VALUES: unknown[] = [
  null, 0, -1, 1.5, 2 ** 53, '', 'x'.repeat(70_000), '203.0.113.0/33', '48', '2017-13-45T25:61:00Z', '../../etc/passwd',
  "'; DROP TABLE signal; --", '\u0000', '日本語', [], [[]], {}, { __proto__: { polluted: true } }, true, 'RED', 'NATIONWIDE',
];

describe('fuzzing the HTTP endpoint', () => {
  let hub: TestHub;
  let token: string;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_PUBLISH_REQUESTS_PER_MINUTE: '100000' });
    token = (await seedMembers(hub, { fuzzer: { kind: OrgKind.CARRIER } })).fuzzer.token;
  });

  afterAll(() => hub?.close());

  it(`answers ${DOCUMENTS} random and mutated requests without a 5xx, a stack trace or a crash`, async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const mutateText = (text: string): string => {
      const chars = [...text];
      for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits -= 1) {
        const at = Math.floor(next() * (chars.length + 1));
        const choice = next();
        if (choice < 0.33) chars.splice(at, 1);
        else if (choice < 0.66) chars.splice(at, 0, pick(['{', '}', '(', ')', '$', '!', ':', '"', '@', '...', 'a', ' ', '\n', '#']));
        else chars[at] = pick(['{', '}', 'x', '"', '[', ']']);
      }
      return chars.join('');
    };
    const mutateValue = (value: unknown, depth = 0): unknown => {
      if (next() < 0.2 || depth > 4) return pick(WEIRD_VALUES);
      if (Array.isArray(value)) return value.map((item) => mutateValue(item, depth + 1));
      if (value && typeof value === 'object') {
        const entries = Object.entries(value).map(([key, item]) => [next() < 0.05 ? `${key}X` : key, mutateValue(item, depth + 1)]);
        if (next() < 0.1) entries.push(['unknownField', pick(WEIRD_VALUES)]);
        return Object.fromEntries(entries);
      }
      return next() < 0.3 ? pick(WEIRD_VALUES) : value;
    };
    const request = (): { body: string; contentType: string } => {
      const kind = next();
      const document = pick(BASE_DOCUMENTS);
      const variables = {
        signals: [trafficDrop(), routeAnomaly()],
        filter: { kinds: ['TRAFFIC_DROP'], regions: ['13'] },
        first: 5,
        e: 'noc@example.jp',
        p: 'password-password',
        id: '01a20742-0000-7000-8000-000000000000',
        f: '2024-01-01T00:00:00Z',
        t: '2024-01-02T00:00:00Z',
        i: { name: 'k', scopes: ['signals:read'] },
      };
      if (kind < 0.4) return { body: JSON.stringify({ query: mutateText(document), variables }), contentType: 'application/json' };
      if (kind < 0.85) return { body: JSON.stringify({ query: document, variables: mutateValue(variables) }), contentType: 'application/json' };
      if (kind < 0.9) return { body: mutateText(JSON.stringify({ query: document, variables })), contentType: 'application/json' };
      if (kind < 0.95) return { body: JSON.stringify(pick(WEIRD_VALUES)), contentType: 'application/json' };
      return { body: JSON.stringify({ query: document }), contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) };
    };

    const failures: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < DOCUMENTS) {
        sent += 1;
        const { body, contentType } = request();
        const response = await fetch(`${hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
          body,
        });
        const text = await response.text();
        if (response.status >= 500 || /\bat [\w.<>]+ \(|node_modules|\.js:\d+:\d+/.test(text)) {
          failures.push(`${response.status} ${body.slice(0, 200)} -> ${text.slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 5)).toEqual([]);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    process.stdout.write(`fuzz: ${sent} requests (seed ${SEED}), ${failures.length} failures\n`);
  }, 300_000);
});
