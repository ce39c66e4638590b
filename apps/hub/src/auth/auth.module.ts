import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AUTH_OPTIONS, ApiKeyStrategy, AuthOptions, JwtStrategy, VIEWER_SOURCE, ViewerAuthGuard } from '@kessetsu/auth';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { HubConfig } from '../config/hub-config.js';
import { HUB_SECRETS, HubSecrets } from '../database/hub-secrets.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { UsersModule } from '../users/users.module.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { ViewerSourceService } from './viewer-source.service.js';

export const TOKEN_ISSUER = 'kessetsu-hub';
export const TOKEN_AUDIENCE = 'kessetsu';

@Global()
@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, ApiKeysModule, OrganisationsModule],
  providers: [
    {
      provide: AUTH_OPTIONS,
      inject: [HubConfig, HUB_SECRETS],
      useFactory: (config: HubConfig, secrets: HubSecrets): AuthOptions => ({
        jwtSecret: secrets.jwtSecret,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        accessTokenTtlSeconds: config.HUB_JWT_TTL_SECONDS,
      }),
    },
    ViewerSourceService,
    { provide: VIEWER_SOURCE, useExisting: ViewerSourceService },
    JwtStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: ViewerAuthGuard },
    AuthService,
    AuthResolver,
    RateLimiter,
  ],
  exports: [AUTH_OPTIONS, ViewerSourceService, AuthService, JwtModule, RateLimiter],
})
export class AuthModule {}
