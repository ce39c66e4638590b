import { dayScope, pseudonymFor } from './pseudonym.js';

const KEY = Buffer.from('kessetsu unit-spec key, not a real secret');
const OTHER_KEY = Buffer.from('kessetsu unit-spec key, another one');
const ORG = '6f1c2a9e-0b7d-4c3e-9f51-2d8a7b6c5e40';
const OTHER_ORG = 'a3e5d7c9-1b2f-4a6e-8c0d-9e7f5a3b1c20';

describe('pseudonymFor', () => {
  it('is stable for the same key, scope and organisation', () => {
    expect(pseudonymFor(KEY, 'incident:1', ORG)).toBe(pseudonymFor(Buffer.from(KEY), 'incident:1', ORG));
  });

  it('differs across scopes, so incidents cannot be linked', () => {
    expect(pseudonymFor(KEY, 'incident:1', ORG)).not.toBe(pseudonymFor(KEY, 'incident:2', ORG));
    expect(pseudonymFor(KEY, 'day:2017-08-25', ORG)).not.toBe(pseudonymFor(KEY, 'day:2017-08-26', ORG));
  });

  it('differs across organisations in one scope', () => {
    expect(pseudonymFor(KEY, 'incident:1', ORG)).not.toBe(pseudonymFor(KEY, 'incident:1', OTHER_ORG));
  });

  it('depends on the hub key', () => {
    expect(pseudonymFor(KEY, 'incident:1', ORG)).not.toBe(pseudonymFor(OTHER_KEY, 'incident:1', ORG));
  });

  it('is "org-" followed by six characters', () => {
    expect(pseudonymFor(KEY, 'incident:1', ORG)).toMatch(/^org-[A-Z0-9]{6}$/);
  });

  it('gives 200 organisations in one scope 200 different names', () => {
    const names = Array.from({ length: 200 }, (_, i) => pseudonymFor(KEY, 'incident:42', `org-id-${i}`));
    for (const name of names) expect(name).toMatch(/^org-[A-Z0-9]{6}$/);
    expect(new Set(names).size).toBe(200);
  });
});

/**
 * A date whose local calendar is Japan's (UTC+9), whatever zone the test process runs
 * in (Jest does not let a spec change the process time zone). An implementation that
 * read the local date would see the 26th below.
 */
class JapanLocalDate extends Date {
  private jst(): Date {
    return new Date(this.getTime() + 9 * 3600_000);
  }
  override getFullYear() {
    return this.jst().getUTCFullYear();
  }
  override getMonth() {
    return this.jst().getUTCMonth();
  }
  override getDate() {
    return this.jst().getUTCDate();
  }
  override getHours() {
    return this.jst().getUTCHours();
  }
  override getTimezoneOffset() {
    return -540;
  }
  override toDateString() {
    return this.jst().toISOString().slice(0, 10);
  }
  override toLocaleDateString() {
    return this.toDateString();
  }
}

describe('dayScope', () => {
  it('uses the UTC date, not the local one', () => {
    const earlyMorningJst = new JapanLocalDate('2017-08-26T08:59:00+09:00');
    expect(earlyMorningJst.getDate()).toBe(26);
    expect(dayScope(earlyMorningJst)).toBe('day:2017-08-25');
    expect(dayScope(new JapanLocalDate('2017-08-26T09:00:00+09:00'))).toBe('day:2017-08-26');
  });

  it('is the same for two moments on one UTC day and differs on the next', () => {
    expect(dayScope(new Date('2017-08-25T00:00:00Z'))).toBe('day:2017-08-25');
    expect(dayScope(new Date('2017-08-25T23:59:59.999Z'))).toBe('day:2017-08-25');
    expect(dayScope(new Date('2017-08-26T00:00:00Z'))).toBe('day:2017-08-26');
  });
});
