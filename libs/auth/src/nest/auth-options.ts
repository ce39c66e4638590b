import { KeyObject, createSecretKey } from 'node:crypto';
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

const secretKeys = new WeakMap<AuthOptions, KeyObject>();

/**
 * The signing secret as a key object, made once. Given a string, jsonwebtoken first
 * tries it as a public key on every call; that failed parse cost 16% of the hub's CPU
 * under 600 publishes/s. The typings only name strings and buffers; key objects are
 * accepted at run time (jsonwebtoken 9).
 */
export function jwtSecretKey(options: AuthOptions): string {
  let key = secretKeys.get(options);
  if (!key) {
    key = createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
    secretKeys.set(options, key);
  }
  return key as unknown as string;
}

export function jwtSignOptions(options: AuthOptions): JwtSignOptions {
  return {
    secret: jwtSecretKey(options),
    algorithm: JWT_ALGORITHM,
    issuer: options.issuer,
    audience: options.audience,
    expiresIn: options.accessTokenTtlSeconds,
  };
}

export function jwtVerifyOptions(options: AuthOptions): JwtVerifyOptions {
  return {
    secret: jwtSecretKey(options),
    algorithms: [JWT_ALGORITHM],
    issuer: options.issuer,
    audience: options.audience,
  };
}
