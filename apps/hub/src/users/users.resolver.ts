import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Viewer } from '@kessetsu/auth';
import { CreateUserInput } from './dto/create-user.input.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Resolver(() => UserEntity)
export class UsersResolver {
  constructor(private readonly usersService: UsersService) {}

  @Authenticated()
  @Query(() => [UserEntity], { description: 'Users of an organisation the viewer administers.' })
  users(@CurrentViewer() viewer: Viewer, @Args('orgId', { type: () => ID }) orgId: string): Promise<UserEntity[]> {
    return this.usersService.listForViewer(viewer, orgId);
  }

  @Authenticated()
  @Mutation(() => UserEntity, { description: 'Ends the user’s access at once, including open live subscriptions.' })
  deactivateUser(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<UserEntity> {
    return this.usersService.deactivate(viewer, id);
  }

  @Authenticated()
  @Mutation(() => UserEntity)
  createUser(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateUserInput): Promise<UserEntity> {
    return this.usersService.create(viewer, input);
  }
}
