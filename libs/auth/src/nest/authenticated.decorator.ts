import { SetMetadata } from '@nestjs/common';
import type { Permission } from '../permissions.js';

export const AUTHENTICATED_KEY = 'kessetsu:authenticated';

export interface AuthenticatedOptions {
  /** The permission the viewer must hold; any signed-in viewer when omitted. */
  permission?: Permission;
}

/** Declares that a resolver needs a signed-in viewer; undecorated operations are open to anonymous viewers. */
export const Authenticated = (options: AuthenticatedOptions = {}) => SetMetadata(AUTHENTICATED_KEY, options);
