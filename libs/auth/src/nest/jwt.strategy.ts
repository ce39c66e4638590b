import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AUTH_OPTIONS, AuthOptions, JWT_ALGORITHM, jwtSecretKey } from './auth-options.js';
import { AccessTokenClaims, VIEWER_SOURCE, Viewer, ViewerSource } from '../viewer.js';

/** People: `Authorization: Bearer <jwt>` from the `login` mutation. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    @Inject(VIEWER_SOURCE) private readonly viewers: ViewerSource,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: jwtSecretKey(options),
      algorithms: [JWT_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<Viewer | false> {
    return (await this.viewers.viewerForToken(claims)) ?? false;
  }
}
