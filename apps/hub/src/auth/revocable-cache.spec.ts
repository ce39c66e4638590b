import { RevocableCache } from './revocable-cache.js';

describe('RevocableCache', () => {
  /** A lookup that counts its calls. */
  const counting = (value: string | null) => {
    const load = async () => {
      load.calls += 1;
      return value;
    };
    load.calls = 0;
    return load;
  };

  it('reuses an answer until it expires, and never caches a missing one', async () => {
    // Long enough that a busy CI machine cannot pause 500 ms between the first two reads.
    const cache = new RevocableCache<string>(500, 10);
    const load = counting('alice');
    expect(await cache.get('u1', load)).toBe('alice');
    expect(await cache.get('u1', load)).toBe('alice');
    expect(load.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 550));
    await cache.get('u1', load);
    expect(load.calls).toBe(2);
    const missing = counting(null);
    await cache.get('u2', missing);
    await cache.get('u2', missing);
    expect(missing.calls).toBe(2);
  });

  it('forgets one key, or all of them', async () => {
    const cache = new RevocableCache<string>(60_000, 10);
    const load = counting('x');
    await cache.get('a', load);
    await cache.get('b', load);
    cache.forget('a');
    await cache.get('a', load);
    await cache.get('b', load);
    expect(load.calls).toBe(3);
    cache.forget();
    await cache.get('b', load);
    expect(load.calls).toBe(4);
  });

  it('does not cache what a lookup read before a revocation overtook it', async () => {
    const cache = new RevocableCache<string>(60_000, 10);
    let finish: (value: string) => void = () => undefined;
    const slow = cache.get('u1', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.forget('u1');
    finish('read before the revocation');
    expect(await slow).toBe('read before the revocation');
    const load = counting('read after');
    expect(await cache.get('u1', load)).toBe('read after');
    expect(load.calls).toBe(1);
  });

  it('starts over instead of growing past its limit', async () => {
    const cache = new RevocableCache<string>(60_000, 2);
    const load = counting('x');
    for (const key of ['a', 'b', 'c', 'a']) await cache.get(key, load);
    expect(load.calls).toBe(4);
  });
});
