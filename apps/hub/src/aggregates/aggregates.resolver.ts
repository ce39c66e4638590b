import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '@kessetsu/auth';
import { AggregatesArgs } from './dto/aggregates.args.js';
import { AggregatesView } from './aggregate.model.js';
import { AggregatesService } from './aggregates.service.js';

@Resolver(() => AggregatesView)
export class AggregatesResolver {
  constructor(private readonly aggregatesService: AggregatesService) {}

  @Query(() => AggregatesView, {
    description: 'Cross-carrier counts per time bucket. Non-ministry viewers get cells with fewer than k organisations withheld.',
  })
  aggregates(@CurrentViewer() viewer: Viewer, @Args() args: AggregatesArgs): Promise<AggregatesView> {
    return this.aggregatesService.aggregates(viewer, args);
  }
}
