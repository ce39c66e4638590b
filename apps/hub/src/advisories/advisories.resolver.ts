import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Permission, Viewer } from '@kessetsu/auth';
import { decodeCursor } from '../common/cursor.js';
import { PublishAdvisoryInput } from './dto/publish-advisory.input.js';
import { AdvisoryConnection, AdvisoryEvent, AdvisoryView } from './advisory.model.js';
import { ADVISORY_FEED, AdvisoriesService } from './advisories.service.js';

@Resolver(() => AdvisoryView)
export class AdvisoriesResolver {
  constructor(private readonly advisoriesService: AdvisoriesService) {}

  @Authenticated({ permission: Permission.ADVISORIES_PUBLISH })
  @Mutation(() => AdvisoryView, { description: 'Ministry and ISAC: publish an advisory to the audience its TLP label implies.' })
  publishAdvisory(@CurrentViewer() viewer: Viewer, @Args('input') input: PublishAdvisoryInput): Promise<AdvisoryView> {
    return this.advisoriesService.publish(viewer, input);
  }

  @Query(() => AdvisoryConnection, { description: 'Advisories visible to the viewer, newest first.' })
  advisories(
    @CurrentViewer() viewer: Viewer,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('incidentId', { type: () => ID, nullable: true }) incidentId: string | null,
  ): Promise<AdvisoryConnection> {
    return this.advisoriesService.list(viewer, first, after, incidentId);
  }

  @Authenticated()
  @Subscription(() => AdvisoryEvent, { resolve: (event: AdvisoryEvent) => event })
  advisoryPublished(
    @CurrentViewer() viewer: Viewer,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): AsyncIterableIterator<AdvisoryEvent> {
    return this.advisoriesService.subscribe(viewer, after ? decodeCursor(ADVISORY_FEED, after, 'after') : undefined);
  }
}
