import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '@kessetsu/auth';
import { SignalView } from '../signals/signal.model.js';
import { IncidentFilter } from './dto/incident-filter.input.js';
import { IncidentConnection, IncidentEventView, IncidentView } from './incident.model.js';
import { IncidentsService } from './incidents.service.js';

@Resolver(() => IncidentView)
export class IncidentsResolver {
  constructor(private readonly incidentsService: IncidentsService) {}

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
