import { PubSub } from 'graphql-subscriptions';
import { pino } from 'pino';
import { HubTrigger } from '../pubsub/hub-events.js';
import { WakeablePump } from './wakeable-pump.js';

/** A pump whose job records how it was asked to run and finishes only when released. */
function pumpUnderTest(isPassed?: (notice: unknown) => boolean) {
  const pubsub = new PubSub();
  const runs: boolean[] = [];
  let release: () => void = () => {};
  const pump = new WakeablePump(
    (noticed) => {
      runs.push(noticed);
      return new Promise<void>((resolve) => (release = resolve));
    },
    { name: 'test', pubsub, trigger: HubTrigger.SIGNALS_COMMITTED, isPassed, pollMs: 3_600_000, logger: pino({ level: 'silent' }) },
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { pump, pubsub, runs, release: () => release(), settle };
}

describe('WakeablePump', () => {
  it('tells a run that follows a notice received during a local run to read what others committed', async () => {
    const { pump, pubsub, runs, release, settle } = pumpUnderTest();
    await pump.start();
    pump.wake(false);
    expect(runs).toEqual([false]);
    await pubsub.publish(HubTrigger.SIGNALS_COMMITTED, { maxSequence: '9' });
    pump.wake(false);
    release();
    await settle();
    expect(runs).toEqual([false, true]);
    release();
    await settle();
    await pump.stop();
  });

  it('runs only once more for any number of wakes during a run, and not for notices already passed', async () => {
    const { pump, pubsub, runs, release, settle } = pumpUnderTest((notice) => (notice as { maxSequence: string }).maxSequence === 'old');
    await pump.start();
    await pubsub.publish(HubTrigger.SIGNALS_COMMITTED, { maxSequence: 'old' });
    expect(runs).toEqual([]);
    pump.wake(false);
    pump.wake(false);
    pump.wake(false);
    release();
    await settle();
    expect(runs).toEqual([false, false]);
    release();
    await settle();
    expect(runs).toEqual([false, false]);
    await pump.stop();
  });
});
