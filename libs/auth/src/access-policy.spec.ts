import { OrgKind, TlpLabel, UserRole, ApiKeyScope } from '@kessetsu/schema';
import { aggregateScope, canView, disclosureFor, incidentAudienceOf, combineLabels } from './access-policy.js';
import { ANONYMOUS_VIEWER, Viewer } from './viewer.js';

const user = (orgId: string, orgKind: OrgKind, role = UserRole.VIEWER): Viewer => ({
  principal: 'user',
  orgId,
  orgKind,
  role,
  scopes: [],
  userId: `u-${orgId}`,
  apiKeyId: null,
  expiresAt: null,
});
const key = (orgId: string, orgKind: OrgKind, scopes: ApiKeyScope[]): Viewer => ({
  principal: 'api-key',
  orgId,
  orgKind,
  role: null,
  scopes,
  userId: null,
  apiKeyId: `k-${orgId}`,
  expiresAt: null,
});

/** The design brief's table, written out independently of the module under test. */
const RECEIVES: Record<TlpLabel, (viewer: { kind: OrgKind | null; own: boolean; named: boolean }) => boolean> = {
  [TlpLabel.CLEAR]: () => true,
  [TlpLabel.GREEN]: ({ kind }) => kind !== null,
  [TlpLabel.AMBER]: ({ kind, own }) => own || kind === OrgKind.CARRIER || kind === OrgKind.ISAC || kind === OrgKind.MINISTRY,
  [TlpLabel.AMBER_STRICT]: ({ kind, own }) => own || kind === OrgKind.MINISTRY,
  [TlpLabel.RED]: ({ kind, own, named }) => own || named || kind === OrgKind.MINISTRY,
};

const kinds = [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY, OrgKind.PARTNER];
const cases = Object.values(TlpLabel).flatMap((tlp) =>
  [null, ...kinds].flatMap((kind) =>
    (['own', 'named', 'other'] as const)
      .filter((relation) => kind !== null || relation === 'other')
      .map((relation) => ({ tlp, kind, relation })),
  ),
);

describe('access policy', () => {
  it.each(cases)('$tlp to a $kind viewer ($relation)', ({ tlp, kind, relation }) => {
    const viewer = kind === null ? ANONYMOUS_VIEWER : user(relation === 'own' ? 'publisher' : relation === 'named' ? 'named' : 'other', kind);
    const record = { tlp, publisherOrgId: 'publisher', recipientOrgIds: ['named', 'named', 'publisher'] };
    const expected = RECEIVES[tlp]({ kind, own: relation === 'own', named: relation === 'named' && tlp === TlpLabel.RED });
    expect(canView(viewer, record)).toBe(expected);
    const disclosure = disclosureFor(viewer, record);
    const identity = kind !== null && (relation === 'own' || kind === OrgKind.MINISTRY);
    expect(disclosure).toEqual(expected ? { identity, rawText: identity } : null);
  });

  it('gives a publish-only key its own records and nothing beyond public ones', () => {
    const publishOnly = key('publisher', OrgKind.PARTNER, [ApiKeyScope.SIGNALS_PUBLISH]);
    expect(canView(publishOnly, { tlp: TlpLabel.AMBER_STRICT, publisherOrgId: 'publisher', recipientOrgIds: [] })).toBe(true);
    expect(canView(publishOnly, { tlp: TlpLabel.GREEN, publisherOrgId: 'other', recipientOrgIds: [] })).toBe(false);
    expect(canView(publishOnly, { tlp: TlpLabel.CLEAR, publisherOrgId: 'other', recipientOrgIds: [] })).toBe(true);
  });

  it('shows an incident to its participants whatever its label', () => {
    const audience = incidentAudienceOf({ tlp: TlpLabel.AMBER_STRICT, participantOrgIds: ['a', 'b'], recipientOrgIds: [] });
    expect(audience).toEqual(expect.arrayContaining(['org:a', 'org:b', 'kind:MINISTRY']));
    expect(audience).not.toContain('kind:CARRIER');
  });

  it('lets an incident inherit the more restrictive label, narrowing RED recipients', () => {
    expect(combineLabels({ tlp: TlpLabel.GREEN, recipientOrgIds: [] }, { tlp: TlpLabel.AMBER, recipientOrgIds: [] }).tlp).toBe(TlpLabel.AMBER);
    expect(combineLabels({ tlp: TlpLabel.RED, recipientOrgIds: ['x', 'y'] }, { tlp: TlpLabel.RED, recipientOrgIds: ['y', 'z'] })).toEqual({
      tlp: TlpLabel.RED,
      recipientOrgIds: ['y'],
    });
  });

  it('scopes aggregates: the ministry counts everything unsuppressed, others never count AMBER_STRICT or RED', () => {
    expect(aggregateScope(user('m', OrgKind.MINISTRY))).toEqual({ labels: Object.values(TlpLabel), suppressSmallCells: false });
    expect(aggregateScope(user('c', OrgKind.CARRIER))).toEqual({ labels: [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.AMBER], suppressSmallCells: true });
    expect(aggregateScope(user('p', OrgKind.PARTNER))).toEqual({ labels: [TlpLabel.CLEAR, TlpLabel.GREEN], suppressSmallCells: true });
    expect(aggregateScope(ANONYMOUS_VIEWER)).toEqual({ labels: [TlpLabel.CLEAR], suppressSmallCells: true });
  });
});
