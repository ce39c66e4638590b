import { pino } from 'pino';
import { PostgresPubSub } from '../apps/hub/src/pubsub/postgres-pubsub.js';
import { createTestDatabase } from './support/test-hub.util.js';

/** Collects what one engine hears on a trigger until `count` messages arrived. */
function heard(engine: PostgresPubSub, trigger: string, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const messages: unknown[] = [];
    const timer = setTimeout(() => reject(new Error(`heard ${messages.length} of ${count}: ${JSON.stringify(messages)}`)), 5000);
    void engine.subscribe(trigger, (message) => {
      messages.push(message);
      if (messages.length === count) {
        clearTimeout(timer);
        resolve(messages);
      }
    });
  });
}

describe('PostgresPubSub between two hub processes', () => {
  let database: { url: string; drop(): Promise<void> };
  let publisher: PostgresPubSub;
  let listener: PostgresPubSub;

  beforeAll(async () => {
    database = await createTestDatabase();
    publisher = new PostgresPubSub(database.url, pino({ level: 'silent' }));
    listener = new PostgresPubSub(database.url, pino({ level: 'silent' }));
    await publisher.connect();
    await listener.connect();
  });

  afterAll(async () => {
    await publisher.close();
    await listener.close();
    await database.drop();
  });

  it('delivers the notices of one turn in the order they were published', async () => {
    const arrived = heard(listener, 'ordered', 5);
    await Promise.all([1, 2, 3, 4, 5].map((n) => publisher.publish('ordered', { n })));
    expect(await arrived).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
  });

  it('sends a turn’s notices in one transaction: the same notice twice arrives once', async () => {
    const arrived = heard(listener, 'same-turn', 2);
    await Promise.all([publisher.publish('same-turn', { n: 1 }), publisher.publish('same-turn', { n: 1 }), publisher.publish('same-turn', { n: 2 })]);
    expect(await arrived).toEqual([{ n: 1 }, { n: 2 }]);
    const nextTurn = heard(listener, 'next-turn', 2);
    await publisher.publish('next-turn', { n: 1 });
    await publisher.publish('next-turn', { n: 1 });
    expect(await nextTurn).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('refuses a notice over the NOTIFY limit by its size, and still sends the others of its turn', async () => {
    const arrived = heard(listener, 'sized', 2);
    const outcomes = await Promise.allSettled([
      publisher.publish('sized', { n: 1 }),
      publisher.publish('sized', { text: 'x'.repeat(8000) }),
      publisher.publish('sized', { n: 2 }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/notice sized is 80\d\d bytes; NOTIFY takes at most 7999/);
    expect(await arrived).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('sends more notices than one query carries, all of them, in order', async () => {
    const arrived = heard(listener, 'many', 250);
    await Promise.all(Array.from({ length: 250 }, (_, n) => publisher.publish('many', { n })));
    expect(await arrived).toEqual(Array.from({ length: 250 }, (_, n) => ({ n })));
  });
});
