import { RecentlyUsed } from './recently-used.js';

describe('RecentlyUsed', () => {
  it('keeps at most its capacity, forgetting the least recently read or written first', () => {
    const recent = new RecentlyUsed<string, number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    expect(recent.get('a')).toBe(1);
    recent.set('c', 3);
    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('a')).toBe(1);
    expect(recent.get('c')).toBe(3);
    recent.set('a', 4);
    recent.set('d', 5);
    expect(recent.get('c')).toBeUndefined();
    expect(recent.get('a')).toBe(4);
    expect(recent.get('d')).toBe(5);
  });
});
