import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ANONYMOUS_VIEWER, Viewer } from '../viewer.js';

/** The context field where the guard leaves the resolved viewer, for HTTP and WebSocket alike. */
export interface ViewerContext {
  viewer?: Viewer;
}

export const CurrentViewer = createParamDecorator((_data: unknown, context: ExecutionContext): Viewer => {
  const gqlContext = GqlExecutionContext.create(context).getContext<ViewerContext>();
  return gqlContext.viewer ?? ANONYMOUS_VIEWER;
});
