import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Viewer } from '@kessetsu/auth';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';

@ObjectType('CreatedApiKey')
class CreatedApiKeyPayload {
  @Field(() => ApiKeyEntity)
  apiKey: ApiKeyEntity;

  @Field({ description: 'The full key for the X-Api-Key header. Shown only now; the hub keeps a hash.' })
  key: string;
}

@Resolver(() => ApiKeyEntity)
export class ApiKeysResolver {
  constructor(private readonly apiKeysService: ApiKeysService) {}

  @Authenticated()
  @Query(() => [ApiKeyEntity])
  apiKeys(@CurrentViewer() viewer: Viewer, @Args('orgId', { type: () => ID }) orgId: string): Promise<ApiKeyEntity[]> {
    return this.apiKeysService.list(viewer, orgId);
  }

  @Authenticated()
  @Mutation(() => CreatedApiKeyPayload)
  createApiKey(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateApiKeyInput): Promise<CreatedApiKeyPayload> {
    return this.apiKeysService.create(viewer, input);
  }

  @Authenticated()
  @Mutation(() => ApiKeyEntity, { description: 'Revokes at once, closing live subscriptions that use the key.' })
  revokeApiKey(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyEntity> {
    return this.apiKeysService.revoke(viewer, id);
  }
}
