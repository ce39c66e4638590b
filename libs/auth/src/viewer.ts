import { ApiKeyScope, OrgKind, UserRole } from '@kessetsu/schema';

export type Principal = 'anonymous' | 'user' | 'api-key';

/** Who is asking: a person, a machine key of one organisation, or nobody. */
export interface Viewer {
  readonly principal: Principal;
  readonly orgId: string | null;
  readonly orgKind: OrgKind | null;
  readonly role: UserRole | null;
  readonly scopes: readonly ApiKeyScope[];
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  /** When the credential stops being valid (token expiry); null for keys until revoked. */
  readonly expiresAt: Date | null;
}

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({
  principal: 'anonymous',
  orgId: null,
  orgKind: null,
  role: null,
  scopes: [],
  userId: null,
  apiKeyId: null,
  expiresAt: null,
});

/** Where the hub looks up the identity behind a verified token or a presented key. */
export interface ViewerSource {
  viewerForToken(claims: AccessTokenClaims): Promise<Viewer | null>;
  viewerForApiKey(presentedKey: string): Promise<Viewer | null>;
}

export const VIEWER_SOURCE = Symbol('VIEWER_SOURCE');

export interface AccessTokenClaims {
  sub: string;
  exp: number;
}
