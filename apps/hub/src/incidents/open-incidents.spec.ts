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
    open.read({ revision: 7n, incidents: [{ incident: incident('a', 5n), keys: ['drop:13'], prefixes: ['192.0.2.0/24'] }] });
    expect(open.revision).toBe(7n);
    expect([...open.offering('drop:13')!]).toEqual(['a']);
    expect([...open.overlapping('192.0.2.128/25')]).toEqual(['a']);
    expect(open.offers('a', 'drop:13')).toBe(true);

    open.committed([incident('a', 9n, { signalCount: 2 }), incident('b', 10n)], [{ incidentId: 'b', key: 'drop:27' }], [{ incidentId: 'a', prefix: '10.0.0.0/8' }]);
    expect(open.revision).toBe(10n);
    expect(open.get('a')!.signalCount).toBe(2);
    expect([...open.offering('drop:27')!]).toEqual(['b']);
    expect([...open.overlapping('10.1.0.0/16')]).toEqual(['a']);
  });

  it('keeps a newer version than a change read late, and never goes back in revision', () => {
    const open = new OpenIncidents();
    open.read({ revision: 9n, incidents: [{ incident: incident('a', 9n, { signalCount: 3 }), keys: [], prefixes: [] }] });
    open.read({ revision: 8n, incidents: [{ incident: incident('a', 8n, { signalCount: 2 }), keys: [], prefixes: [] }] });
    expect(open.get('a')!.signalCount).toBe(3);
    expect(open.revision).toBe(9n);
  });

  it('lets go of a resolved incident with everything it offered, and takes it back when reopened', () => {
    const open = new OpenIncidents();
    open.read({ revision: 2n, incidents: [{ incident: incident('a', 2n), keys: ['drop:13'], prefixes: ['192.0.2.0/24', '192.0.2.0/25'] }] });
    open.read({ revision: 3n, incidents: [{ incident: incident('a', 3n, { status: IncidentStatus.RESOLVED }), keys: [], prefixes: [] }] });
    expect(open.get('a')).toBeUndefined();
    expect(open.offering('drop:13')).toBeUndefined();
    expect(open.overlapping('192.0.2.0/24').size).toBe(0);
    expect(open.offers('a', 'drop:13')).toBe(false);

    open.read({ revision: 4n, incidents: [{ incident: incident('a', 4n), keys: ['drop:13'], prefixes: ['192.0.2.0/25'] }] });
    expect([...open.offering('drop:13')!]).toEqual(['a']);
    expect([...open.overlapping('192.0.2.0/24')]).toEqual(['a']);
    expect(open.overlapping('192.0.2.128/25').size).toBe(0);
  });
});
