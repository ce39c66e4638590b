import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '@kessetsu/auth';
import { AggregatesArgs } from './dto/aggregates.args.js';
import { AggregateMatrixView, AggregatesView } from './aggregate.model.js';
import { AggregatesService } from './aggregates.service.js';

@Resolver()
export class AggregatesResolver {
  constructor(private readonly aggregatesService: AggregatesService) {}

  @Query(() => AggregatesView, {
    description: 'Cross-carrier counts per time bucket. Non-ministry viewers get cells with fewer than k organisations withheld.',
  })
  aggregates(@CurrentViewer() viewer: Viewer, @Args() args: AggregatesArgs): Promise<AggregatesView> {
    return this.aggregatesService.aggregates(viewer, args);
  }

  @Query(() => AggregateMatrixView, {
    description: 'The aggregates as a dense grid of counts, for heat maps and large ranges (a 30-day hourly grid by region and kind is 135k cells).',
  })
  aggregateMatrix(@CurrentViewer() viewer: Viewer, @Args() args: AggregatesArgs): Promise<AggregateMatrixView> {
    return this.aggregatesService.matrix(viewer, args);
  }
}
