import { ApiKeyScope, OrgKind, TlpLabel, UserRole } from '@kessetsu/schema';
import {
  aggregateScope,
  audienceOf,
  canSeeIdentity,
  canView,
  combineLabels,
  disclosureFor,
  incidentAudienceOf,
  SharedRecord,
  visibilityClass,
} from './access-policy.js';
import { ANONYMOUS_VIEWER, Viewer } from './viewer.js';

const PUBLISHER = 'org-publisher';
const NAMED = 'org-named';
const OTHER = 'org-other';

const user = (orgId: string, orgKind: OrgKind, role: UserRole): Viewer => ({
  principal: 'user',
  orgId,
  orgKind,
  role,
  scopes: [],
  userId: `user-of-${orgId}`,
  apiKeyId: null,
  expiresAt: null,
});

const apiKey = (orgId: string, orgKind: OrgKind, scopes: ApiKeyScope[]): Viewer => ({
  principal: 'api-key',
  orgId,
  orgKind,
  role: null,
  scopes,
  userId: null,
  apiKeyId: `key-of-${orgId}`,
  expiresAt: null,
});

/**
 * The design brief's "Access tiers" table, written out as data. The publishing org
 * always receives its own record and is not listed here.
 */
const ALL_KINDS = [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY, OrgKind.PARTNER];
const DELIVERED_TO: Record<TlpLabel, { publicView: boolean; orgKinds: OrgKind[]; namedRecipients: boolean }> = {
  [TlpLabel.CLEAR]: { publicView: true, orgKinds: ALL_KINDS, namedRecipients: false },
  [TlpLabel.GREEN]: { publicView: false, orgKinds: ALL_KINDS, namedRecipients: false },
  [TlpLabel.AMBER]: { publicView: false, orgKinds: [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY], namedRecipients: false },
  [TlpLabel.AMBER_STRICT]: { publicView: false, orgKinds: [OrgKind.MINISTRY], namedRecipients: false },
  [TlpLabel.RED]: { publicView: false, orgKinds: [OrgKind.MINISTRY], namedRecipients: true },
};

type Credential = 'user:VIEWER' | 'user:PUBLISHER' | 'key:signals:read' | 'key:signals:publish';
type Relation = 'own org' | 'named recipient' | 'unrelated';

const CREDENTIALS: Credential[] = ['user:VIEWER', 'user:PUBLISHER', 'key:signals:read', 'key:signals:publish'];
const RELATIONS: Relation[] = ['own org', 'named recipient', 'unrelated'];
const ORG_OF: Record<Relation, string> = { 'own org': PUBLISHER, 'named recipient': NAMED, unrelated: OTHER };

function viewerFor(credential: Credential, orgId: string, kind: OrgKind): Viewer {
  switch (credential) {
    case 'user:VIEWER':
      return user(orgId, kind, UserRole.VIEWER);
    case 'user:PUBLISHER':
      return user(orgId, kind, UserRole.PUBLISHER);
    case 'key:signals:read':
      return apiKey(orgId, kind, [ApiKeyScope.SIGNALS_READ]);
    case 'key:signals:publish':
      return apiKey(orgId, kind, [ApiKeyScope.SIGNALS_PUBLISH]);
  }
}

/** The named recipient list also names the publisher itself and repeats an entry. */
const recordOf = (tlp: TlpLabel): SharedRecord => ({ tlp, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED, PUBLISHER, NAMED] });

interface Row {
  tlp: TlpLabel;
  kind: OrgKind;
  credential: Credential;
  relation: Relation;
  visible: boolean;
  identity: boolean;
}

/**
 * A credential that may read signals receives what the table delivers to its org; a
 * publish-only key receives only its own org's records and what the public view shows.
 */
const rows: Row[] = Object.values(TlpLabel).flatMap((tlp) =>
  ALL_KINDS.flatMap((kind) =>
    CREDENTIALS.flatMap((credential) =>
      RELATIONS.map((relation) => {
        const tier = DELIVERED_TO[tlp];
        const own = relation === 'own org';
        const reads = credential !== 'key:signals:publish';
        const visible =
          own ||
          tier.publicView ||
          (reads && (tier.orgKinds.includes(kind) || (tier.namedRecipients && relation === 'named recipient')));
        const identity = own || kind === OrgKind.MINISTRY;
        return { tlp, kind, credential, relation, visible, identity };
      }),
    ),
  ),
);

describe('access policy: the brief\'s TLP table', () => {
  it('covers every label, org kind, credential and relation', () => {
    expect(rows).toHaveLength(5 * 4 * 4 * 3);
  });

  it.each(rows)(
    'TLP:$tlp to $kind $credential ($relation): visible=$visible identity=$identity',
    ({ tlp, kind, credential, relation, visible, identity }) => {
      const viewer = viewerFor(credential, ORG_OF[relation], kind);
      const record = recordOf(tlp);
      expect(canView(viewer, record)).toBe(visible);
      expect(canSeeIdentity(viewer, record)).toBe(identity);
      expect(disclosureFor(viewer, record)).toEqual(visible ? { identity, rawText: identity } : null);
    },
  );

  it.each(Object.values(TlpLabel).map((tlp) => ({ tlp, visible: DELIVERED_TO[tlp].publicView })))(
    'TLP:$tlp to the anonymous public view: visible=$visible, never with identity',
    ({ tlp, visible }) => {
      const record = recordOf(tlp);
      expect(canView(ANONYMOUS_VIEWER, record)).toBe(visible);
      expect(canSeeIdentity(ANONYMOUS_VIEWER, record)).toBe(false);
      expect(disclosureFor(ANONYMOUS_VIEWER, record)).toEqual(visible ? { identity: false, rawText: false } : null);
    },
  );
});

describe('access policy: particular cases', () => {
  const ministry = user('org-ministry', OrgKind.MINISTRY, UserRole.VIEWER);
  const carrier = user(OTHER, OrgKind.CARRIER, UserRole.PUBLISHER);

  it.each([TlpLabel.AMBER_STRICT, TlpLabel.RED])('the ministry sees %s records of others, with identity and raw text', (tlp) => {
    const record: SharedRecord = { tlp, publisherOrgId: PUBLISHER, recipientOrgIds: tlp === TlpLabel.RED ? [NAMED] : [] };
    expect(disclosureFor(ministry, record)).toEqual({ identity: true, rawText: true });
  });

  it('a RED record naming only its publisher reaches nobody else but the ministry', () => {
    const record: SharedRecord = { tlp: TlpLabel.RED, publisherOrgId: PUBLISHER, recipientOrgIds: [PUBLISHER, PUBLISHER] };
    expect(canView(carrier, record)).toBe(false);
    expect(canView(user(PUBLISHER, OrgKind.CARRIER, UserRole.VIEWER), record)).toBe(true);
    expect(canView(ministry, record)).toBe(true);
  });

  it('duplicated or self-naming recipients neither grant nor repeat anything in the audience', () => {
    const audience = audienceOf({ tlp: TlpLabel.RED, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED, NAMED, PUBLISHER] });
    expect(new Set(audience).size).toBe(audience.length);
    expect(canView(carrier, { tlp: TlpLabel.RED, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED, NAMED, PUBLISHER] })).toBe(false);
  });

  it('recipients on a non-RED record give the named org nothing beyond its label', () => {
    const partner = user(NAMED, OrgKind.PARTNER, UserRole.VIEWER);
    expect(canView(partner, { tlp: TlpLabel.AMBER, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED] })).toBe(false);
    expect(canView(partner, { tlp: TlpLabel.AMBER_STRICT, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED] })).toBe(false);
  });

  it('a named recipient sees a RED record without its publisher identity or raw text', () => {
    const named = user(NAMED, OrgKind.CARRIER, UserRole.VIEWER);
    expect(disclosureFor(named, { tlp: TlpLabel.RED, publisherOrgId: PUBLISHER, recipientOrgIds: [NAMED] })).toEqual({
      identity: false,
      rawText: false,
    });
  });

  it('a publish-only key reads back its own org\'s records at every label', () => {
    const key = apiKey(PUBLISHER, OrgKind.PARTNER, [ApiKeyScope.SIGNALS_PUBLISH]);
    for (const tlp of Object.values(TlpLabel)) {
      expect(disclosureFor(key, { tlp, publisherOrgId: PUBLISHER, recipientOrgIds: tlp === TlpLabel.RED ? [NAMED] : [] })).toEqual({
        identity: true,
        rawText: true,
      });
    }
  });
});

describe('access policy: incidents, labels and aggregates', () => {
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
    expect(aggregateScope(user('m', OrgKind.MINISTRY, UserRole.VIEWER))).toEqual({
      labels: [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.AMBER, TlpLabel.AMBER_STRICT, TlpLabel.RED],
      suppressSmallCells: false,
    });
    expect(aggregateScope(user('c', OrgKind.CARRIER, UserRole.VIEWER))).toEqual({
      labels: [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.AMBER],
      suppressSmallCells: true,
    });
    expect(aggregateScope(user('p', OrgKind.PARTNER, UserRole.VIEWER))).toEqual({ labels: [TlpLabel.CLEAR, TlpLabel.GREEN], suppressSmallCells: true });
    expect(aggregateScope(ANONYMOUS_VIEWER)).toEqual({ labels: [TlpLabel.CLEAR], suppressSmallCells: true });
  });
});

describe('visibilityClass', () => {
  it('groups credentials the policy cannot tell apart', () => {
    const noc = user(OTHER, OrgKind.CARRIER, UserRole.VIEWER);
    expect(visibilityClass({ ...noc, userId: 'another-user' })).toBe(visibilityClass(noc));
    expect(visibilityClass(apiKey(OTHER, OrgKind.CARRIER, [ApiKeyScope.SIGNALS_READ]))).toBe(visibilityClass(noc));
  });

  it.each<[string, Viewer]>([
    ['another organisation', user(NAMED, OrgKind.CARRIER, UserRole.VIEWER)],
    ['another kind', user(OTHER, OrgKind.ISAC, UserRole.VIEWER)],
    ['other permissions', user(OTHER, OrgKind.CARRIER, UserRole.PUBLISHER)],
    ['a publish-only key', apiKey(OTHER, OrgKind.CARRIER, [ApiKeyScope.SIGNALS_PUBLISH])],
    ['nobody', ANONYMOUS_VIEWER],
  ])('separates %s', (_, viewer) => {
    expect(visibilityClass(viewer)).not.toBe(visibilityClass(user(OTHER, OrgKind.CARRIER, UserRole.VIEWER)));
  });
});
