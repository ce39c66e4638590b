import { Injectable } from '@nestjs/common';
import { AccessTokenClaims, Viewer, ViewerSource } from '@kessetsu/auth';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { isUuid } from '../common/ids.js';
import { UsersService } from '../users/users.service.js';

/** Turns verified credentials into viewers, reading the current state (active user, unrevoked key). */
@Injectable()
export class ViewerSourceService implements ViewerSource {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async viewerForToken(claims: AccessTokenClaims): Promise<Viewer | null> {
    if (typeof claims.sub !== 'string' || !isUuid(claims.sub)) return null;
    const user = await this.users.activeIdentity(claims.sub);
    if (!user) return null;
    return {
      principal: 'user',
      orgId: user.orgId,
      orgKind: user.orgKind,
      role: user.role,
      scopes: [],
      userId: user.id,
      apiKeyId: null,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  async viewerForApiKey(presentedKey: string): Promise<Viewer | null> {
    const apiKey = await this.apiKeys.authenticate(presentedKey);
    if (!apiKey?.organisation) return null;
    return {
      principal: 'api-key',
      orgId: apiKey.orgId,
      orgKind: apiKey.organisation.kind,
      role: null,
      scopes: apiKey.scopes,
      userId: null,
      apiKeyId: apiKey.id,
      expiresAt: null,
    };
  }
}
