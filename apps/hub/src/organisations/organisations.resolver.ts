import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Permission, Viewer } from '@kessetsu/auth';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { OrganisationEntity } from './organisation.entity.js';
import { OrganisationsService } from './organisations.service.js';

@Resolver(() => OrganisationEntity)
export class OrganisationsResolver {
  constructor(private readonly organisations: OrganisationsService) {}

  @Authenticated()
  @Query(() => [OrganisationEntity], { description: 'The member directory.' })
  organizations(): Promise<OrganisationEntity[]> {
    return this.organisations.list();
  }

  @Authenticated({ permission: Permission.HUB_ADMIN })
  @Mutation(() => OrganisationEntity)
  createOrganization(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: CreateOrganizationInput,
  ): Promise<OrganisationEntity> {
    return this.organisations.create(viewer, input);
  }
}
