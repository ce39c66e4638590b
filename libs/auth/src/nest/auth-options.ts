import type { JwtSignOptions, JwtVerifyOptions } from '@nestjs/jwt';

export interface AuthOptions {
  jwtSecret: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** Tokens are HMAC-signed; the algorithm, issuer and audience are pinned on both sides. */
export const JWT_ALGORITHM = 'HS256';

export function jwtSignOptions(options: AuthOptions): JwtSignOptions {
  return {
    secret: options.jwtSecret,
    algorithm: JWT_ALGORITHM,
    issuer: options.issuer,
    audience: options.audience,
    expiresIn: options.accessTokenTtlSeconds,
  };
}

export function jwtVerifyOptions(options: AuthOptions): JwtVerifyOptions {
  return {
    secret: options.jwtSecret,
    algorithms: [JWT_ALGORITHM],
    issuer: options.issuer,
    audience: options.audience,
  };
}
