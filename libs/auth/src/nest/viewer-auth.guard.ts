import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ForbiddenException, UnauthenticatedException } from '@kessetsu/schema';
import { AUTHENTICATED_KEY, AuthenticatedOptions } from './authenticated.decorator.js';
import { API_KEY_HEADER } from './api-key.strategy.js';
import type { ViewerContext } from './current-viewer.decorator.js';
import { hasPermission } from '../permissions.js';
import { ANONYMOUS_VIEWER, Viewer } from '../viewer.js';

interface HttpGraphqlContext extends ViewerContext {
  req?: Request & { user?: Viewer };
}

/**
 * Resolves the viewer of every GraphQL operation (passport on HTTP; the WebSocket
 * handshake has already resolved it) and enforces `@Authenticated` metadata.
 * Credentials that are present but wrong are refused rather than treated as anonymous.
 */
@Injectable()
export class ViewerAuthGuard extends AuthGuard(['jwt', 'api-key']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gqlContext = GqlExecutionContext.create(context).getContext<HttpGraphqlContext>();
    if (!gqlContext.viewer) gqlContext.viewer = await this.authenticate(context, gqlContext.req);
    const requirement = this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) return true;
    const viewer = gqlContext.viewer;
    if (viewer.principal === 'anonymous') throw new UnauthenticatedException();
    if (requirement.permission && !hasPermission(viewer, requirement.permission)) {
      throw new ForbiddenException(`Requires permission ${requirement.permission}`);
    }
    return true;
  }

  override getRequest(context: ExecutionContext) {
    return GqlExecutionContext.create(context).getContext<HttpGraphqlContext>().req;
  }

  override handleRequest<TUser>(error: unknown, viewer: TUser | false): TUser {
    if (error || !viewer) throw new UnauthenticatedException('Invalid, expired or revoked credentials');
    return viewer;
  }

  private async authenticate(context: ExecutionContext, request: HttpGraphqlContext['req']): Promise<Viewer> {
    if (!request || !presentsCredentials(request)) return ANONYMOUS_VIEWER;
    await super.canActivate(context);
    return request.user ?? ANONYMOUS_VIEWER;
  }
}

function presentsCredentials(request: Request): boolean {
  return Boolean(request.headers.authorization) || Boolean(request.headers[API_KEY_HEADER]);
}
