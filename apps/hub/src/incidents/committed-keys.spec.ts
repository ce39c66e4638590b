import { CommittedKeys } from './committed-keys.js';

describe('CommittedKeys', () => {
  it('knows a key only for the incident it was committed to, once remembered', () => {
    const keys = new CommittedKeys();
    expect(keys.has('incident-a', 'victim:org-1')).toBe(false);
    keys.remember([{ incidentId: 'incident-a', key: 'victim:org-1' }]);
    expect(keys.has('incident-a', 'victim:org-1')).toBe(true);
    expect(keys.has('incident-b', 'victim:org-1')).toBe(false);
    expect(keys.has('incident-a', 'victim:org-2')).toBe(false);
  });

  it('forgets the least recently offered pair beyond its capacity', () => {
    const keys = new CommittedKeys(2);
    keys.remember([
      { incidentId: 'a', key: 'k1' },
      { incidentId: 'a', key: 'k2' },
    ]);
    expect(keys.has('a', 'k1')).toBe(true);
    keys.remember([{ incidentId: 'a', key: 'k3' }]);
    expect(keys.has('a', 'k2')).toBe(false);
    expect(keys.has('a', 'k1')).toBe(true);
    expect(keys.has('a', 'k3')).toBe(true);
  });
});
