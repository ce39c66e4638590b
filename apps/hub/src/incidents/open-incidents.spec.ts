import { IncidentStatus, Severity, TlpLabel } from '@kessetsu/schema';
import type { StoredIncident } from './incident-store.js';
import { OpenIncidents } from './open-incidents.js';

const incident = (id: string, revision: bigint, overrides: Partial<StoredIncident> = {}): StoredIncident => ({
  id,
  revision,
  status: IncidentStatus.SINGLE_ORG,
  kinds: ['TRAFFIC_DROP'],
  regions: ['13'],
  services: ['internet'],
  orgIds: ['org-1'],
  signalCount: 1,
  windowStart: new Date('2026-01-01T00:00:00Z'),
  windowEnd: new Date('2026-01-01T00:20:00Z'),
  severity: Severity.MAJOR,
  tlp: TlpLabel.GREEN,
  recipientOrgIds: [],
  tlpCurated: false,
  severityCurated: false,
  title: null,
  note: null,
  openedAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  resolvedAt: null,
  ...overrides,
});

describe('OpenIncidents', () => {
  it('starts unread, then follows the changes read and the revisions committed', () => {
    const open = new OpenIncidents();
    expect(open.revision).toBeNull();
    open.read({ revision: 7n, incidents: [{ incident: incident('a', 5n), keys: ['drop:13'] }] });
    expect(open.revision).toBe(7n);
    expect([...open.offering('drop:13')!]).toEqual(['a']);
    expect(open.offers('a', 'drop:13')).toBe(true);

    open.committed([incident('a', 9n, { signalCount: 2 }), incident('b', 10n)], [{ incidentId: 'b', key: 'drop:27' }, { incidentId: 'a', key: 'drop:27' }]);
    expect(open.revision).toBe(10n);
    expect(open.get('a')!.signalCount).toBe(2);
    expect([...open.offering('drop:27')!].sort()).toEqual(['a', 'b']);
  });

  it('keeps a newer version than a change read late, and never goes back in revision', () => {
    const open = new OpenIncidents();
    open.read({ revision: 9n, incidents: [{ incident: incident('a', 9n, { signalCount: 3 }), keys: [] }] });
    open.read({ revision: 8n, incidents: [{ incident: incident('a', 8n, { signalCount: 2 }), keys: [] }] });
    expect(open.get('a')!.signalCount).toBe(3);
    expect(open.revision).toBe(9n);
  });

  it('lets go of a resolved incident with the keys it offered, and takes it back when reopened', () => {
    const open = new OpenIncidents();
    open.read({ revision: 2n, incidents: [{ incident: incident('a', 2n), keys: ['drop:13', 'victim:org-1'] }, { incident: incident('b', 1n), keys: ['drop:13'] }] });
    open.read({ revision: 3n, incidents: [{ incident: incident('a', 3n, { status: IncidentStatus.RESOLVED }), keys: [] }] });
    expect(open.get('a')).toBeUndefined();
    expect([...open.offering('drop:13')!]).toEqual(['b']);
    expect(open.offering('victim:org-1')).toBeUndefined();
    expect(open.offers('a', 'drop:13')).toBe(false);

    open.read({ revision: 4n, incidents: [{ incident: incident('a', 4n), keys: ['drop:13'] }] });
    expect([...open.offering('drop:13')!].sort()).toEqual(['a', 'b']);
    expect(open.get('a')!.revision).toBe(4n);
  });
});
