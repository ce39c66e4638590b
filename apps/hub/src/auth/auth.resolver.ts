import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '@kessetsu/auth';
import { AuthService } from './auth.service.js';
import { AuthPayload, ViewerModel } from './viewer.model.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, { description: 'Exchanges a password for a short-lived access token (Bearer).' })
  login(@Args('email') email: string, @Args('password') password: string): Promise<AuthPayload> {
    return this.auth.login(email, password);
  }

  @Query(() => ViewerModel, { nullable: true, description: 'The current viewer; null when not signed in.' })
  me(@CurrentViewer() viewer: Viewer): Promise<ViewerModel> | null {
    return viewer.principal === 'anonymous' ? null : this.auth.describe(viewer);
  }
}
