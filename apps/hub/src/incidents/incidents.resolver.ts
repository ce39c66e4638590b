import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Permission, Viewer } from '@kessetsu/auth';
import { requireUuid } from '../common/ids.js';
import { SignalView } from '../signals/signal.model.js';
import { CurateIncidentInput } from './dto/curate-incident.input.js';
import { IncidentFilter } from './dto/incident-filter.input.js';
import { IncidentCurationService } from './incident-curation.service.js';
import { IncidentConnection, IncidentEventView, IncidentUpdate, IncidentView } from './incident.model.js';
import { IncidentFeedService } from './incident-feed.service.js';
import { decodeCursor } from '../common/cursor.js';
import { INCIDENT_FEED, IncidentsService } from './incidents.service.js';

@Resolver(() => IncidentView)
export class IncidentsResolver {
  constructor(
    private readonly incidentsService: IncidentsService,
    private readonly curation: IncidentCurationService,
    private readonly feed: IncidentFeedService,
  ) {}

  @Authenticated()
  @Subscription(() => IncidentUpdate, {
    description: 'Incident changes, at most one message per incident per second (latest state). Resumable with `after`.',
    resolve: (update: IncidentUpdate) => update,
  })
  incidentUpdated(
    @CurrentViewer() viewer: Viewer,
    @Args('filter', { type: () => IncidentFilter, nullable: true }) filter: IncidentFilter | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): AsyncIterableIterator<IncidentUpdate> {
    return this.feed.subscribe(viewer, filter, after ? decodeCursor(INCIDENT_FEED, after, 'after') : undefined);
  }

  @Authenticated({ permission: Permission.INCIDENTS_CURATE })
  @Mutation(() => IncidentView, { description: 'Ministry curation; every change is audited on the timeline.' })
  async curateIncident(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: CurateIncidentInput,
  ): Promise<IncidentView> {
    return this.incidentsService.present(viewer, await this.curation.curate(viewer, requireUuid(id, 'id'), input));
  }

  @Query(() => IncidentConnection, { description: 'Incidents visible to the viewer, most recently changed first.' })
  incidents(
    @CurrentViewer() viewer: Viewer,
    @Args('filter', { type: () => IncidentFilter, nullable: true }) filter: IncidentFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<IncidentConnection> {
    return this.incidentsService.list(viewer, filter, first, after);
  }

  @Query(() => IncidentView, { nullable: true, description: 'Null when the incident does not exist or is not visible.' })
  incident(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<IncidentView | null> {
    return this.incidentsService.get(viewer, id);
  }

  @ResolveField(() => [SignalView], { description: 'The signals of this incident the viewer may see.' })
  signals(@CurrentViewer() viewer: Viewer, @Parent() incident: IncidentView): Promise<SignalView[]> {
    return this.incidentsService.signals(viewer, incident.id);
  }

  @ResolveField(() => [IncidentEventView])
  timeline(@Parent() incident: IncidentView): Promise<IncidentEventView[]> {
    return this.incidentsService.timeline(incident.id);
  }

  @ResolveField(() => [SignalView], { description: "The viewer's own planned work overlapping this incident in time and region." })
  plannedWork(@CurrentViewer() viewer: Viewer, @Parent() incident: IncidentView): Promise<SignalView[]> {
    return this.incidentsService.plannedWork(viewer, incident);
  }
}
