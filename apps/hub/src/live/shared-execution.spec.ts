import { ExecutionResult, buildSchema, parse } from 'graphql';
import { OrgKind, UserRole } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { sharedExecutionSubscribe } from './shared-execution.js';

const schema = buildSchema(`
  type Query { ping: Int }
  type Tick { n: Int! seenBy: String! }
  type Subscription { tick: Tick! }
`);

const viewer = (orgId: string): Viewer => ({
  principal: 'user',
  orgId,
  orgKind: OrgKind.CARRIER,
  role: UserRole.VIEWER,
  scopes: [],
  userId: `user-${Math.random()}`,
  apiKeyId: null,
  expiresAt: null,
});

/** One subscription whose source yields the given event objects. */
async function run(subscribe: ReturnType<typeof sharedExecutionSubscribe>, who: Viewer, events: object[], query = 'subscription { tick { n seenBy } }') {
  const iterator = await subscribe({
    schema,
    document: parse(query),
    contextValue: { viewer: who },
    rootValue: { tick: async function* () { yield* events; } },
  });
  const results: ExecutionResult[] = [];
  for await (const result of iterator as AsyncIterable<ExecutionResult>) results.push(result);
  return results;
}

describe('sharedExecutionSubscribe', () => {
  let executions = 0;
  const event = (n: number) => ({
    tick: {
      n,
      seenBy: (_args: unknown, context: { viewer: Viewer }) => {
        executions += 1;
        return context.viewer.orgId;
      },
    },
  });

  beforeEach(() => (executions = 0));

  it('executes an event once for all subscribers of one visibility class', async () => {
    const subscribe = sharedExecutionSubscribe();
    const events = [event(1), event(2)];
    const [first, second] = await Promise.all([run(subscribe, viewer('org-a'), events), run(subscribe, viewer('org-a'), events)]);
    expect(executions).toBe(2);
    expect(first.map((result) => result.data)).toEqual([{ tick: { n: 1, seenBy: 'org-a' } }, { tick: { n: 2, seenBy: 'org-a' } }]);
    expect(second[0]).toBe(first[0]);
  });

  it('executes separately per class, per document and per event', async () => {
    const subscribe = sharedExecutionSubscribe();
    const shared = event(1);
    const [a, b, other] = await Promise.all([
      run(subscribe, viewer('org-a'), [shared]),
      run(subscribe, viewer('org-b'), [shared]),
      run(subscribe, viewer('org-a'), [shared], 'subscription { tick { seenBy } }'),
    ]);
    expect(a[0].data).toEqual({ tick: { n: 1, seenBy: 'org-a' } });
    expect(b[0].data).toEqual({ tick: { n: 1, seenBy: 'org-b' } });
    expect(other[0].data).toEqual({ tick: { seenBy: 'org-a' } });
    expect(executions).toBe(3);
    await run(subscribe, viewer('org-a'), [event(1)]);
    expect(executions).toBe(4);
  });

  it('returns the errors of a subscription that cannot start', async () => {
    const refuse = () => {
      throw new Error('not signed in');
    };
    const result = await sharedExecutionSubscribe()({ schema, document: parse('subscription { tick { n } }'), rootValue: { tick: refuse } });
    expect(result).toMatchObject({ errors: [expect.objectContaining({ message: 'not signed in' })] });
  });
});
