import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedException } from '@kessetsu/schema';
import { AUTH_OPTIONS, AuthOptions, Viewer, jwtSignOptions, permissionsOf } from '@kessetsu/auth';
import { hashSecret, verifySecret } from '../common/secret-hashing.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthPayload, ViewerModel } from './viewer.model.js';
import { ViewerSourceService } from './viewer-source.service.js';

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash = hashSecret('kessetsu-decoy-password');

  constructor(
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
    private readonly viewers: ViewerSourceService,
    private readonly jwt: JwtService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  /** Throttled per email and per client address before it runs (security/operation-limits.ts). */
  async login(email: string, password: string): Promise<AuthPayload> {
    const user = await this.users.findByEmail(email);
    const valid = await verifySecret(user?.passwordHash ?? (await this.decoyHash), password);
    if (!user || !user.active || !valid) throw new UnauthenticatedException('Unknown email or wrong password');
    const accessToken = await this.jwt.signAsync({ sub: user.id }, jwtSignOptions(this.options));
    const claims = this.jwt.decode<{ sub: string; exp: number }>(accessToken);
    const viewer = await this.viewers.viewerForToken(claims);
    if (!viewer) throw new UnauthenticatedException('Unknown email or wrong password');
    return { accessToken, expiresAt: new Date(claims.exp * 1000), viewer: await this.describe(viewer) };
  }

  async describe(viewer: Viewer): Promise<ViewerModel> {
    const organization = viewer.orgId ? await this.organisations.findById(viewer.orgId) : null;
    if (!organization) throw new UnauthenticatedException();
    const user = viewer.userId ? await this.users.findActiveWithOrganisation(viewer.userId) : null;
    return {
      organization,
      role: viewer.role,
      email: user?.email ?? null,
      displayName: user?.displayName ?? null,
      permissions: [...permissionsOf(viewer)],
      expiresAt: viewer.expiresAt,
    };
  }
}
