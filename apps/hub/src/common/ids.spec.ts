import { isUuid, newId } from './ids.js';

describe('newId', () => {
  it('makes RFC 9562 version-7 ids carrying the current millisecond', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 1);
  });

  it('increases strictly within one process, also past 4,096 ids in a millisecond, and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(ids.findIndex((id, i) => i > 0 && id <= ids[i - 1])).toBe(-1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('varies its random part across refills of the pool', () => {
    const tails = new Set(Array.from({ length: 3_000 }, () => newId().slice(19)));
    expect(tails.size).toBe(3_000);
  });
});
