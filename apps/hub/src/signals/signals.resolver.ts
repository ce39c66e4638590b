import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, Permission, Viewer } from '@kessetsu/auth';
import { decodeCursor } from '../common/cursor.js';
import { SignalFilter } from './dto/signal-filter.input.js';
import { SignalInput } from './dto/signal.input.js';
import { PublishedSignal, SignalConnection, SignalFeedEvent, SignalView } from './signal.model.js';
import { SignalFeedService } from './signal-feed.service.js';
import { SignalsService } from './signals.service.js';
import { SIGNAL_FEED } from './stored-signal.js';

@Resolver(() => SignalView)
export class SignalsResolver {
  constructor(
    private readonly signalsService: SignalsService,
    private readonly feed: SignalFeedService,
  ) {}

  @Authenticated({ permission: Permission.SIGNALS_PUBLISH })
  @Mutation(() => [PublishedSignal], {
    description: 'Stores a batch atomically and answers after the commit. Re-sending a sourceRef returns the stored signal.',
  })
  publishSignals(
    @CurrentViewer() viewer: Viewer,
    @Args('signals', { type: () => [SignalInput] }) signals: SignalInput[],
  ): Promise<PublishedSignal[]> {
    return this.signalsService.publish(viewer, signals);
  }

  @Query(() => SignalConnection, { description: 'Signals visible to the viewer, in commit order (Relay cursors).' })
  signals(
    @CurrentViewer() viewer: Viewer,
    @Args('filter', { type: () => SignalFilter, nullable: true }) filter: SignalFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('last', { type: () => Int, nullable: true }) last: number | null,
    @Args('before', { type: () => String, nullable: true }) before: string | null,
  ): Promise<SignalConnection> {
    return this.signalsService.list(viewer, filter, { first, after, last, before });
  }

  @Query(() => SignalView, { nullable: true, description: 'Null when the signal does not exist or is not visible.' })
  signal(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<SignalView | null> {
    return this.signalsService.get(viewer, id);
  }

  @Authenticated()
  @Subscription(() => SignalFeedEvent, {
    description: 'Live signals. With `after` (a cursor from this feed or the signals query) it first replays what was missed.',
    resolve: (event: SignalFeedEvent) => event,
  })
  signalPublished(
    @CurrentViewer() viewer: Viewer,
    @Args('filter', { type: () => SignalFilter, nullable: true }) filter: SignalFilter | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): AsyncIterableIterator<SignalFeedEvent> {
    return this.feed.subscribe(viewer, filter, after ? decodeCursor(SIGNAL_FEED, after, 'after') : undefined);
  }
}
